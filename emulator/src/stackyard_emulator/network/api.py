"""The Neutron collection API (list, create incl. bulk, show, update, delete) for every resource."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import Response

from stackyard_emulator.auth import AuthContext, get_cloud, project_scoped
from stackyard_emulator.errors import ApiError
from stackyard_emulator.network import ports, security
from stackyard_emulator.network.collections import (
    BY_PLURAL,
    COLLECTIONS,
    Collection,
    attributes,
    bad,
    caller_of,
    fetch,
)
from stackyard_emulator.network.state import Caller, NetworkState, not_found
from stackyard_emulator.network.views import build_filter, project_fields
from stackyard_emulator.pagination import multi, parse_bool, parse_limit, tag_filter, take
from stackyard_emulator.store import Record
from stackyard_emulator.web import empty, read_json, reply

__all__ = ["BY_PLURAL", "bad", "caller_of", "fetch", "router"]

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


def _net(request: Request) -> NetworkState:
    return get_cloud(request).network


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
        predicate, unknown = build_filter(request, attributes(coll, net), _RESERVED, derived)
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
