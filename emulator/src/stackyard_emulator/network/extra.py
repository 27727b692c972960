"""Neutron's discovery documents, router actions, tags and quotas."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from stackyard_emulator.auth import CloudDep, ProjectAuthDep
from stackyard_emulator.errors import neutron_error
from stackyard_emulator.web import empty, read_json, reply

from . import routers as router_ops
from .collections import BY_PLURAL, bad, caller_of, fetch
from .state import QUOTA_DEFAULTS, NetworkState

router = APIRouter(prefix="/network")

EXTENSIONS = {
    "external-net": "Neutron external network",
    "router": "Neutron L3 Router",
    "extraroute": "Neutron Extra Route",
    "extraroute-atomic": "Atomically add/remove extra routes",
    "quotas": "Quota management support",
    "quota_details": "Quota details management support",
    "security-group": "security-group",
    "standard-attr-tag": "Tag support for resources with standard attribute: ...",
    "standard-attr-description": "standard-attr-description",
    "standard-attr-timestamp": "Resource timestamps",
    "standard-attr-revisions": "Resource revision numbers",
    "rbac-policies": "RBAC Policies",
    "access_as_external": "Access as external network RBAC",
    "allowed-address-pairs": "Allowed Address Pairs",
    "port-security": "Port Security",
    "binding": "Port Binding",
    "net-mtu": "Network MTU",
    "net-mtu-writable": "Network MTU (writable)",
    "availability_zone": "Availability Zone",
    "project-id": "project_id field enabled",
    "pagination": "Pagination support",
    "sorting": "Sorting support",
    "filter-validation": "Filter parameters validation",
    "extra_dhcp_opt": "Neutron Extra DHCP options",
    "stateful-security-group": "Stateful security group",
}


@router.get("")
@router.get("/")
async def versions(cloud: CloudDep) -> Response:
    """Neutron's version list."""
    href = f"{cloud.config.base_url}/network/v2.0/"
    return reply(
        {
            "versions": [
                {"id": "v2.0", "status": "CURRENT", "links": [{"rel": "self", "href": href}]}
            ]
        }
    )


@router.get("/v2.0")
@router.get("/v2.0/")
async def resources(cloud: CloudDep) -> Response:
    """The v2.0 root: the collections it serves."""
    base = f"{cloud.config.base_url}/network/v2.0"
    return reply(
        {
            "resources": [
                {
                    "name": c.singular,
                    "collection": c.plural,
                    "links": [{"rel": "self", "href": f"{base}/{c.plural}"}],
                }
                for c in BY_PLURAL.values()
            ]
        }
    )


def _extension(alias: str) -> dict[str, Any]:
    return {
        "alias": alias,
        "name": alias,
        "description": EXTENSIONS[alias],
        "updated": "2023-01-01T00:00:00-00:00",
        "links": [],
    }


@router.get("/v2.0/extensions")
async def list_extensions(context: ProjectAuthDep) -> Response:
    """The API extensions this emulator implements."""
    return reply({"extensions": [_extension(a) for a in EXTENSIONS]})


@router.get("/v2.0/extensions/{alias}")
async def show_extension(alias: str, context: ProjectAuthDep) -> Response:
    """One extension."""
    if alias not in EXTENSIONS:
        raise neutron_error(404, "NotFound", f"Extension with alias {alias} does not exist")
    return reply({"extension": _extension(alias)})


@router.put("/v2.0/routers/{router_id}/add_router_interface")
async def add_router_interface(
    router_id: str, request: Request, cloud: CloudDep, context: ProjectAuthDep
) -> Response:
    """Attach a subnet or port to a router."""
    caller = caller_of(context)
    record = fetch(BY_PLURAL["routers"], cloud.network, router_id, caller)
    body = await read_json(request, bad)
    return reply(router_ops.add_interface(cloud.network, caller, record, body))


@router.put("/v2.0/routers/{router_id}/remove_router_interface")
async def remove_router_interface(
    router_id: str, request: Request, cloud: CloudDep, context: ProjectAuthDep
) -> Response:
    """Detach a subnet or port from a router."""
    caller = caller_of(context)
    record = fetch(BY_PLURAL["routers"], cloud.network, router_id, caller)
    body = await read_json(request, bad)
    return reply(router_ops.remove_interface(cloud.network, caller, record, body))


@router.put("/v2.0/routers/{router_id}/add_extraroutes")
@router.put("/v2.0/routers/{router_id}/remove_extraroutes")
async def change_extraroutes(
    router_id: str, request: Request, cloud: CloudDep, context: ProjectAuthDep
) -> Response:
    """Add or remove static routes atomically (extraroute-atomic)."""
    caller = caller_of(context)
    record = fetch(BY_PLURAL["routers"], cloud.network, router_id, caller)
    body = (await read_json(request, bad)).get("router") or {}
    given = [dict(r) for r in body.get("routes", []) or []]
    current = [dict(r) for r in record["routes"]]
    if request.url.path.endswith("add_extraroutes"):
        routes = current + [r for r in given if r not in current]
    else:
        routes = [r for r in current if r not in given]
    router_ops.update_router(cloud.network, caller, record, {"routes": routes})
    return reply({"router": dict((k, v) for k, v in record.items() if not k.startswith("_"))})


# ----- tags -------------------------------------------------------------------------


def _tagged(plural: str, rid: str, cloud: Any, context: Any) -> dict[str, Any]:
    coll = BY_PLURAL.get(plural)
    if coll is None:
        raise neutron_error(404, "NotFound", f"Resource {plural} not found")
    record: dict[str, Any] = fetch(coll, cloud.network, rid, caller_of(context))
    if "tags" not in record:
        raise neutron_error(404, "NotFound", f"Resource {plural} does not support tags")
    return record


@router.get("/v2.0/{plural}/{resource_id}/tags")
async def get_tags(
    plural: str, resource_id: str, cloud: CloudDep, context: ProjectAuthDep
) -> Response:
    """A resource's tags."""
    return reply({"tags": list(_tagged(plural, resource_id, cloud, context)["tags"])})


@router.put("/v2.0/{plural}/{resource_id}/tags")
async def replace_tags(
    plural: str, resource_id: str, request: Request, cloud: CloudDep, context: ProjectAuthDep
) -> Response:
    """Replace every tag of a resource."""
    record = _tagged(plural, resource_id, cloud, context)
    tags = (await read_json(request, bad)).get("tags")
    if not isinstance(tags, list):
        raise bad("Invalid tags body")
    record["tags"] = [str(t) for t in dict.fromkeys(tags)]
    NetworkState.touch(record)
    return reply({"tags": record["tags"]})


@router.delete("/v2.0/{plural}/{resource_id}/tags")
async def clear_tags(
    plural: str, resource_id: str, cloud: CloudDep, context: ProjectAuthDep
) -> Response:
    """Remove every tag of a resource."""
    _tagged(plural, resource_id, cloud, context)["tags"] = []
    return empty()


@router.get("/v2.0/{plural}/{resource_id}/tags/{tag}")
async def check_tag(
    plural: str, resource_id: str, tag: str, cloud: CloudDep, context: ProjectAuthDep
) -> Response:
    """204 when the resource has the tag, 404 otherwise."""
    if tag not in _tagged(plural, resource_id, cloud, context)["tags"]:
        raise neutron_error(
            404, "TagNotFound", f"Tag {tag} could not be found for resource {resource_id}."
        )
    return empty()


@router.put("/v2.0/{plural}/{resource_id}/tags/{tag}")
async def add_tag(
    plural: str, resource_id: str, tag: str, cloud: CloudDep, context: ProjectAuthDep
) -> Response:
    """Add one tag."""
    record = _tagged(plural, resource_id, cloud, context)
    if tag not in record["tags"]:
        record["tags"].append(tag)
        NetworkState.touch(record)
    return empty(201)


@router.delete("/v2.0/{plural}/{resource_id}/tags/{tag}")
async def remove_tag(
    plural: str, resource_id: str, tag: str, cloud: CloudDep, context: ProjectAuthDep
) -> Response:
    """Remove one tag; 404 when absent."""
    record = _tagged(plural, resource_id, cloud, context)
    if tag not in record["tags"]:
        raise neutron_error(
            404, "TagNotFound", f"Tag {tag} could not be found for resource {resource_id}."
        )
    record["tags"].remove(tag)
    return empty()


# ----- quotas -----------------------------------------------------------------------


def _quota_target(project_id: str, context: Any) -> None:
    if project_id != context.project_id and not context.is_admin:
        raise neutron_error(
            403, "NotAuthorized", "Only admin is authorized to access quotas for another tenant"
        )


@router.get("/v2.0/quotas")
async def list_quotas(cloud: CloudDep, context: ProjectAuthDep) -> Response:
    """The projects with non-default quotas (admin)."""
    if not context.is_admin:
        raise neutron_error(403, "NotAuthorized", "Only admin can view or configure quota")
    net = cloud.network
    return reply(
        {"quotas": [dict(net.quota(p), project_id=p, tenant_id=p) for p in net.quota_overrides]}
    )


@router.get("/v2.0/quotas/{project_id}")
async def show_quota(project_id: str, cloud: CloudDep, context: ProjectAuthDep) -> Response:
    """A project's limits."""
    _quota_target(project_id, context)
    return reply({"quota": cloud.network.quota(project_id)})


@router.get("/v2.0/quotas/{project_id}/default")
async def default_quota(project_id: str, cloud: CloudDep, context: ProjectAuthDep) -> Response:
    """The default limits."""
    _quota_target(project_id, context)
    return reply({"quota": dict(cloud.network.quota_defaults)})


@router.get("/v2.0/quotas/{project_id}/details")
async def quota_details(project_id: str, cloud: CloudDep, context: ProjectAuthDep) -> Response:
    """Limits with usage."""
    _quota_target(project_id, context)
    net = cloud.network
    return reply(
        {
            "quota": {
                key: {"limit": limit, "used": net.used(project_id, key), "reserved": 0}
                for key, limit in net.quota(project_id).items()
            }
        }
    )


@router.put("/v2.0/quotas/{project_id}")
async def update_quota(
    project_id: str, request: Request, cloud: CloudDep, context: ProjectAuthDep
) -> Response:
    """Set a project's limits (admin)."""
    if not context.is_admin:
        raise neutron_error(403, "NotAuthorized", "Only admin can view or configure quota")
    body = (await read_json(request, bad)).get("quota")
    if not isinstance(body, dict):
        raise bad("Unable to find 'quota' in request body")
    overrides = cloud.network.quota_overrides.setdefault(project_id, {})
    for key, value in body.items():
        if key not in QUOTA_DEFAULTS:
            raise bad(f"Unrecognized attribute(s) '{key}'")
        try:
            limit = int(value)
        except (TypeError, ValueError):
            raise bad(f"Invalid input for {key}. Reason: '{value}' is not an integer.") from None
        if limit < -1:
            raise bad(f"Invalid input for {key}. Reason: '{limit}' should be >= -1.")
        overrides[key] = limit
    return reply({"quota": cloud.network.quota(project_id)})


@router.delete("/v2.0/quotas/{project_id}")
async def reset_quota(project_id: str, cloud: CloudDep, context: ProjectAuthDep) -> Response:
    """Return a project to the default limits (admin)."""
    if not context.is_admin:
        raise neutron_error(403, "NotAuthorized", "Only admin can view or configure quota")
    cloud.network.quota_overrides.pop(project_id, None)
    return empty()
