"""The Neutron collection API (list, create incl. bulk, show, update, delete) for every resource."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import Response

from stackyard_emulator.auth import AuthContext, get_cloud, project_scoped
from stackyard_emulator.errors import ApiError, neutron_error
from stackyard_emulator.pagination import multi, parse_bool, parse_limit, tag_filter, take
from stackyard_emulator.store import Record, Table
from stackyard_emulator.web import empty, read_json, reply

from . import floating, networks, ports, routers, security
from .state import Caller, NetworkState, not_found
from .views import (
    View,
    build_filter,
    group_view,
    network_view,
    plain_view,
    port_view,
    project_fields,
)

router = APIRouter(prefix="/network/v2.0")

_RESERVED = {
    "limit",
    "marker",
    "page_reverse",
    "fields",
    "sort_key",
    "sort_dir",
    "tags",
    "tags-any",
    "not-tags",
    "not-tags-any",
}


def bad(message: str) -> ApiError:
    """Neutron's generic 400."""
    return neutron_error(400, "HTTPBadRequest", message)


def caller_of(context: AuthContext) -> Caller:
    """The network caller a token describes."""
    return Caller(context.project, context.is_admin)


@dataclass(frozen=True)
class Collection:
    """How one Neutron resource is stored, checked and shown."""

    plural: str
    singular: str
    kind: str
    table: Callable[[NetworkState], Table]
    create: Callable[[NetworkState, Caller, dict[str, Any]], Record]
    update: Callable[[NetworkState, Caller, Record, dict[str, Any]], None]
    delete: Callable[[NetworkState, Caller, Record], None]
    visible: Callable[[NetworkState, Record, Caller], bool]
    view: View = plain_view
    own_only: bool = True  # non-admins see only their own records (use the project index)


def _own(net: NetworkState, record: Record, caller: Caller) -> bool:
    return caller.is_admin or record["project_id"] == caller.project_id


def _subnet_visible(net: NetworkState, record: Record, caller: Caller) -> bool:
    network = net.networks.get(record["network_id"])
    return network is not None and net.network_visible(network, caller)


def _rbac_visible(net: NetworkState, record: Record, caller: Caller) -> bool:
    return _own(net, record, caller) or record["target_tenant"] == caller.project_id


def _no_update(net: NetworkState, caller: Caller, record: Record, body: dict[str, Any]) -> None:
    raise neutron_error(405, "HTTPMethodNotAllowed", "Updating this resource is not supported.")


def _update_rule(net: NetworkState, caller: Caller, record: Record, body: dict[str, Any]) -> None:
    if set(body) - {"description"}:
        raise bad(
            "Cannot update read-only attribute " + ", ".join(sorted(set(body) - {"description"}))
        )
    record["description"] = body.get("description", record["description"])
    net.touch(record)


def _update_rbac(net: NetworkState, caller: Caller, record: Record, body: dict[str, Any]) -> None:
    if not _own(net, record, caller):
        raise not_found("RbacPolicy", record["id"])
    if "target_tenant" in body:
        record["target_tenant"] = str(body["target_tenant"])
        if record["object_type"] == "network":
            network = net.networks.get(record["object_id"])
            if network is not None:
                net.refresh_network_flags(network)
    net.touch(record)


COLLECTIONS = [
    Collection(
        "networks",
        "network",
        "Network",
        lambda n: n.networks,
        networks.create_network,
        networks.update_network,
        networks.delete_network,
        lambda n, r, c: n.network_visible(r, c),
        network_view,
        own_only=False,
    ),
    Collection(
        "subnets",
        "subnet",
        "Subnet",
        lambda n: n.subnets,
        networks.create_subnet,
        networks.update_subnet,
        networks.delete_subnet,
        _subnet_visible,
        own_only=False,
    ),
    Collection(
        "ports",
        "port",
        "Port",
        lambda n: n.ports,
        ports.create_port,
        ports.update_port,
        ports.delete_port,
        _own,
        port_view,
    ),
    Collection(
        "routers",
        "router",
        "Router",
        lambda n: n.routers,
        routers.create_router,
        routers.update_router,
        routers.delete_router,
        _own,
    ),
    Collection(
        "floatingips",
        "floatingip",
        "FloatingIP",
        lambda n: n.floating_ips,
        floating.create_floating_ip,
        floating.update_floating_ip,
        floating.delete_floating_ip,
        _own,
    ),
    Collection(
        "security-groups",
        "security_group",
        "SecurityGroup",
        lambda n: n.security_groups,
        security.create_group,
        security.update_group,
        security.delete_group,
        security.group_visible,
        group_view,
        own_only=False,
    ),
    Collection(
        "security-group-rules",
        "security_group_rule",
        "SecurityGroupRule",
        lambda n: n.security_group_rules,
        security.create_rule,
        _update_rule,
        security.delete_rule,
        _own,
    ),
    Collection(
        "rbac-policies",
        "rbac_policy",
        "RbacPolicy",
        lambda n: n.rbac_policies,
        security.create_rbac,
        _update_rbac,
        security.delete_rbac,
        _rbac_visible,
        own_only=False,
    ),
]
BY_PLURAL = {c.plural: c for c in COLLECTIONS}


def _net(request: Request) -> NetworkState:
    return get_cloud(request).network


def fetch(coll: Collection, net: NetworkState, rid: str, caller: Caller) -> Record:
    """A record the caller can see, or the resource's 404."""
    record = coll.table(net).get(rid)
    if record is None or not coll.visible(net, record, caller):
        raise not_found(coll.kind, rid)
    return record


def _attributes(coll: Collection, net: NetworkState) -> set[str]:
    # Filterable attributes are the attributes the resource shows.
    sample = {
        "networks": [
            "admin_state_up",
            "status",
            "subnets",
            "shared",
            "router:external",
            "mtu",
            "port_security_enabled",
            "availability_zone_hints",
            "availability_zones",
            "is_default",
            "qos_policy_id",
            "provider:network_type",
            "provider:physical_network",
            "provider:segmentation_id",
        ],
        "subnets": [
            "network_id",
            "ip_version",
            "cidr",
            "gateway_ip",
            "allocation_pools",
            "dns_nameservers",
            "host_routes",
            "enable_dhcp",
            "ipv6_ra_mode",
            "ipv6_address_mode",
            "subnetpool_id",
            "segment_id",
        ],
        "ports": [
            "network_id",
            "admin_state_up",
            "mac_address",
            "fixed_ips",
            "device_id",
            "device_owner",
            "status",
            "security_groups",
            "port_security_enabled",
            "binding:host_id",
            "binding:vnic_type",
            "binding:vif_type",
            "dns_name",
        ],
        "routers": ["admin_state_up", "status", "distributed", "ha", "flavor_id"],
        "floatingips": [
            "floating_ip_address",
            "floating_network_id",
            "router_id",
            "port_id",
            "fixed_ip_address",
            "status",
        ],
        "security-groups": ["stateful", "shared"],
        "security-group-rules": [
            "security_group_id",
            "direction",
            "ethertype",
            "protocol",
            "port_range_min",
            "port_range_max",
            "remote_ip_prefix",
            "remote_group_id",
            "remote_address_group_id",
        ],
        "rbac-policies": ["object_type", "object_id", "action", "target_tenant"],
    }[coll.plural]
    return {
        "id",
        "name",
        "tenant_id",
        "project_id",
        "description",
        "revision_number",
        "created_at",
        "updated_at",
        *sample,
    }


def _sorted(records: list[Record], request: Request) -> list[Record]:
    keys = request.query_params.getlist("sort_key")
    dirs = request.query_params.getlist("sort_dir")
    for index in range(len(keys) - 1, -1, -1):
        reverse = (dirs[index] if index < len(dirs) else "asc") == "desc"
        key = keys[index]
        records.sort(key=lambda r: (r.get(key) is None, str(r.get(key))), reverse=reverse)
    return records


def make_list(coll: Collection) -> Callable[..., Any]:
    """The GET handler of a collection."""

    async def list_records(
        request: Request, context: AuthContext = Depends(project_scoped)
    ) -> Response:
        net = _net(request)
        caller = caller_of(context)
        table = coll.table(net)
        q = request.query_params
        limit = parse_limit(q.get("limit"), bad)
        if limit == 0:
            limit = None
        marker = q.get("marker")
        if marker is not None and not table.has_marker(marker):
            raise not_found(coll.kind, marker)
        reverse = parse_bool(q.get("page_reverse")) is True
        derived = (
            {"status": lambda r: ports.port_status(net, r)} if coll.plural == "ports" else None
        )
        predicate, unknown = build_filter(request, _attributes(coll, net), _RESERVED, derived)
        if unknown:
            raise bad(f"[{', '.join(unknown)}] is invalid attribute for filtering")
        if coll.plural == "security-groups" and context.project_id:
            security.default_group(net, context.project)  # made on first use, like Neutron
        project_ids: list[str] | None = None
        wanted = multi(request, "project_id") + multi(request, "tenant_id")
        if wanted and coll.own_only:
            project_ids = wanted
        elif coll.own_only and not caller.is_admin:
            project_ids = [caller.project_id]
        device_ids = q.getlist("device_id")
        tags = tag_filter(request)

        def keep(record: Record) -> bool:
            if not coll.visible(net, record, caller):
                return False
            if predicate is not None and not predicate(record):
                return False
            return tags is None or tags(record)

        if coll.plural == "ports" and len(device_ids) == 1 and marker is None:
            source: Any = net.ports_of_device(device_ids[0])
        else:
            source = table.scan(
                project_ids, marker=None if q.get("sort_key") else marker, newest_first=reverse
            )
        if q.get("sort_key"):
            everything = _sorted([r for r in source if keep(r)], request)
            if marker is not None:
                ids = [r["id"] for r in everything]
                everything = everything[ids.index(marker) + 1 :] if marker in ids else []
            page, more = (
                everything[:limit] if limit else everything,
                bool(limit and len(everything) > limit),
            )
        else:
            page, more = take(source, limit, keep)
        fields = multi(request, "fields")
        body: dict[str, Any] = {
            coll.plural.replace("-", "_"): [
                project_fields(coll.view(net, r, caller), fields) for r in page
            ]
        }
        if limit:
            links = []
            base = get_cloud(request).config.base_url
            params = [(k, v) for k, v in q.multi_items() if k not in ("marker", "page_reverse")]
            from urllib.parse import urlencode

            if more and page:
                links.append(
                    {
                        "rel": "next",
                        "href": f"{base}{request.url.path}?"
                        f"{urlencode([*params, ('marker', page[-1]['id'])])}",
                    }
                )
            if marker is not None and page:
                links.append(
                    {
                        "rel": "previous",
                        "href": f"{base}{request.url.path}?"
                        + urlencode([*params, ("marker", page[0]["id"]), ("page_reverse", "True")]),
                    }
                )
            body[f"{coll.plural.replace('-', '_')}_links"] = links
        return reply(body)

    return list_records


def make_create(coll: Collection) -> Callable[..., Any]:
    """The POST handler of a collection (single or bulk)."""

    async def create_record(
        request: Request, context: AuthContext = Depends(project_scoped)
    ) -> Response:
        net = _net(request)
        caller = caller_of(context)
        body = await read_json(request, bad)
        plural_key = coll.plural.replace("-", "_")
        if isinstance(body.get(plural_key), list):
            created: list[Record] = []
            try:
                for item in body[plural_key]:
                    if not isinstance(item, dict):
                        raise bad(f"Invalid input: {item}")
                    created.append(coll.create(net, caller, item))
            except ApiError:
                for record in reversed(created):
                    coll.delete(net, Caller(caller.project_id, True), record)
                raise
            return reply({plural_key: [coll.view(net, r, caller) for r in created]}, 201)
        item = body.get(coll.singular)
        if not isinstance(item, dict):
            raise bad(f"Unable to find '{coll.singular}' in request body")
        record = coll.create(net, caller, item)
        return reply({coll.singular: coll.view(net, record, caller)}, 201)

    return create_record


def make_show(coll: Collection) -> Callable[..., Any]:
    """The GET-one handler of a collection."""

    async def show_record(
        request: Request, context: AuthContext = Depends(project_scoped)
    ) -> Response:
        net = _net(request)
        caller = caller_of(context)
        record = fetch(coll, net, request.path_params["resource_id"], caller)
        fields = multi(request, "fields")
        return reply({coll.singular: project_fields(coll.view(net, record, caller), fields)})

    return show_record


def make_update(coll: Collection) -> Callable[..., Any]:
    """The PUT handler of a collection."""

    async def update_record(
        request: Request, context: AuthContext = Depends(project_scoped)
    ) -> Response:
        net = _net(request)
        caller = caller_of(context)
        record = fetch(coll, net, request.path_params["resource_id"], caller)
        body = await read_json(request, bad)
        item = body.get(coll.singular)
        if not isinstance(item, dict):
            raise bad(f"Unable to find '{coll.singular}' in request body")
        for key in ("id", "tenant_id", "project_id", "network_id", "created_at"):
            if key in item and item[key] != record.get(key):
                raise bad(f"Cannot update read-only attribute {key}")
        coll.update(net, caller, record, item)
        return reply({coll.singular: coll.view(net, record, caller)})

    return update_record


def make_delete(coll: Collection) -> Callable[..., Any]:
    """The DELETE handler of a collection."""

    async def delete_record(
        request: Request, context: AuthContext = Depends(project_scoped)
    ) -> Response:
        net = _net(request)
        caller = caller_of(context)
        record = fetch(coll, net, request.path_params["resource_id"], caller)
        coll.delete(net, caller, record)
        return empty()

    return delete_record


for _coll in COLLECTIONS:
    _base = f"/{_coll.plural}"
    _one = f"/{_coll.plural}/{{resource_id}}"
    router.add_api_route(_base, make_list(_coll), methods=["GET"], name=f"list_{_coll.plural}")
    router.add_api_route(
        _base, make_create(_coll), methods=["POST"], name=f"create_{_coll.singular}"
    )
    router.add_api_route(_one, make_show(_coll), methods=["GET"], name=f"show_{_coll.singular}")
    router.add_api_route(_one, make_update(_coll), methods=["PUT"], name=f"update_{_coll.singular}")
    router.add_api_route(
        _one, make_delete(_coll), methods=["DELETE"], name=f"delete_{_coll.singular}"
    )
