"""Nova servers: list (with filters and pagination), create, show, update, delete."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from stackyard_emulator.auth import ProjectAuthDep
from stackyard_emulator.errors import nova_error
from stackyard_emulator.pagination import (
    multi,
    next_href,
    parse_bool,
    parse_limit,
    tag_filter,
    take,
)
from stackyard_emulator.store import Record
from stackyard_emulator.web import empty, member, read_json, reply

from .create import create_servers
from .deps import ComputeDep, VersionDep, bad
from .resources import delete_server
from .views import addresses, server_brief, server_view

router = APIRouter(prefix="/compute/v2.1")

_ADMIN_FILTERS = (
    "host",
    "node",
    "user_id",
    "uuid",
    "availability_zone",
    "key_name",
    "vm_state",
    "task_state",
    "launch_index",
)


def _filters(request: Request, is_admin: bool) -> list[Any]:
    q = request.query_params
    checks: list[Any] = []
    if q.get("name"):
        try:
            pattern = re.compile(q["name"])
        except re.error:
            raise bad(f"Invalid input for query parameters name. Value: {q['name']}.") from None
        checks.append(lambda s: pattern.search(s["name"]) is not None)
    statuses = {s.upper() for s in multi(request, "status")}
    if statuses:
        checks.append(lambda s: s["status"] in statuses)
    if q.get("image"):
        image = q["image"].rstrip("/").rsplit("/", 1)[-1]
        checks.append(lambda s: s["image_id"] == image)
    if q.get("flavor"):
        flavor = q["flavor"].rstrip("/").rsplit("/", 1)[-1]
        checks.append(lambda s: s["_flavor_id"] == flavor)
    if q.get("reservation_id"):
        checks.append(lambda s: s["reservation_id"] == q["reservation_id"])
    if q.get("changes-since"):
        since = q["changes-since"].replace("+00:00", "Z")
        checks.append(lambda s: s["updated"] >= since[:19])
    if q.get("locked") is not None and parse_bool(q.get("locked")) is not None:
        wanted = parse_bool(q.get("locked"))
        checks.append(lambda s: s["locked"] is wanted)
    tags = tag_filter(request)
    if tags is not None:
        checks.append(tags)
    return checks


def _ip_filter(request: Request, compute: Any) -> Any:
    raw = request.query_params.get("ip") or request.query_params.get("ip6")
    if not raw:
        return None
    pattern = re.compile(re.escape(raw) if not any(c in raw for c in "^$*[]()?+") else raw)

    def matches(server: Record) -> bool:
        return any(
            pattern.search(a["addr"])
            for entries in addresses(compute, server).values()
            for a in entries
        )

    return matches


def _admin_filters(request: Request) -> list[Any]:
    q = request.query_params
    checks = []
    for key in _ADMIN_FILTERS:
        if q.get(key) is None:
            continue
        field = {"uuid": "id", "node": "host"}.get(key, key)
        value = q[key]
        checks.append(lambda s, f=field, v=value: str(s.get(f)) == v)
    return checks


async def _list(
    request: Request, compute: Any, version: Any, context: Any, detail: bool
) -> Response:
    q = request.query_params
    limit = parse_limit(q.get("limit"), bad, maximum=1000)
    marker = q.get("marker")
    if marker is not None and not compute.servers.has_marker(marker):
        raise bad(f"marker [{marker}] not found")
    all_tenants = (
        q.get("all_tenants") is not None and parse_bool(q.get("all_tenants") or "true") is not False
    )
    if all_tenants and not context.is_admin:
        raise nova_error(
            403,
            "Policy doesn't allow os_compute_api:servers:index:get_all_tenants to be performed.",
        )
    checks = _filters(request, context.is_admin)
    project_ids: list[str] | None = [context.project]
    if context.is_admin:
        checks += _admin_filters(request)
        wanted = multi(request, "project_id") + multi(request, "tenant_id")
        if all_tenants:
            project_ids = wanted or None
        elif wanted:
            project_ids = wanted
    ip = _ip_filter(request, compute)
    if ip is not None:
        checks.append(ip)

    def keep(server: Record) -> bool:
        return all(check(server) for check in checks)

    sort_keys = q.getlist("sort_key")
    if sort_keys and sort_keys[0] not in ("created_at",):
        direction = (q.getlist("sort_dir") or ["desc"])[0]
        field = {"display_name": "name", "updated_at": "updated", "uuid": "id"}.get(
            sort_keys[0], sort_keys[0]
        )
        ordered = sorted(
            (s for s in compute.servers.scan(project_ids) if keep(s)),
            key=lambda s: (s.get(field) is None, str(s.get(field))),
            reverse=direction == "desc",
        )
        if marker is not None:
            ids = [s["id"] for s in ordered]
            ordered = ordered[ids.index(marker) + 1 :] if marker in ids else []
        page = ordered[:limit]
    else:
        newest_first = (q.getlist("sort_dir") or ["desc"])[0] != "asc"
        page, _ = take(
            compute.servers.scan(project_ids, newest_first=newest_first, marker=marker), limit, keep
        )
    base = compute.cloud.config.base_url
    if detail:
        items = [server_view(compute, s, version, context) for s in page]
    else:
        items = [server_brief(base, s) for s in page]
    body: dict[str, Any] = {"servers": items}
    if page and limit is not None and len(page) == limit:
        body["servers_links"] = [{"rel": "next", "href": next_href(request, base, page[-1]["id"])}]
    return reply(body)


@router.get("/servers")
async def list_servers(
    request: Request, compute: ComputeDep, version: VersionDep, context: ProjectAuthDep
) -> Response:
    """``GET /servers``: ids, names and links."""
    return await _list(request, compute, version, context, detail=False)


@router.get("/servers/detail")
async def list_servers_detail(
    request: Request, compute: ComputeDep, version: VersionDep, context: ProjectAuthDep
) -> Response:
    """``GET /servers/detail``: full server views."""
    return await _list(request, compute, version, context, detail=True)


@router.post("/servers")
async def create_server(
    request: Request, compute: ComputeDep, version: VersionDep, context: ProjectAuthDep
) -> Response:
    """Create servers; 202 with the id, links and admin password of the first."""
    body = await read_json(request, bad)
    spec = member(body, "server", bad)
    if "os:scheduler_hints" in body:
        spec = dict(spec, **{"os:scheduler_hints": body["os:scheduler_hints"]})
    elif "OS-SCH-HNT:scheduler_hints" in body:
        spec = dict(spec, **{"os:scheduler_hints": body["OS-SCH-HNT:scheduler_hints"]})
    if version >= (2, 37) and "networks" not in spec:
        raise bad(
            "Invalid input for field/attribute server. Value: ... 'networks' is a required property"
        )
    if version < (2, 37) and "networks" not in spec:
        spec["networks"] = "auto"
    if version < (2, 52) and spec.get("tags"):
        raise bad(
            "Invalid input for field/attribute server. Additional properties are not "
            "allowed ('tags' was unexpected)"
        )
    servers = create_servers(compute, context, spec)
    first = servers[0]
    base = compute.cloud.config.base_url
    if spec.get("return_reservation_id"):
        return reply({"reservation_id": first["reservation_id"]}, status=202)
    groups = [
        {"name": n}
        for n in dict.fromkeys(
            g.get("name", "default")
            for g in spec.get("security_groups") or [{"name": "default"}]
            if isinstance(g, dict)
        )
    ]
    out = {
        "id": first["id"],
        "links": server_brief(base, first)["links"],
        "OS-DCF:diskConfig": first["disk_config"],
        "security_groups": groups,
        "adminPass": first["admin_pass"],
    }
    return reply(
        {"server": out},
        status=202,
        headers={"Location": f"{base}/compute/v2.1/servers/{first['id']}"},
    )


@router.get("/servers/{server_id}")
async def show_server(
    server_id: str, compute: ComputeDep, version: VersionDep, context: ProjectAuthDep
) -> Response:
    """One server in detail."""
    server = compute.server(server_id, context.project, context.is_admin)
    return reply({"server": server_view(compute, server, version, context, single=True)})


@router.put("/servers/{server_id}")
async def update_server(
    server_id: str,
    request: Request,
    compute: ComputeDep,
    version: VersionDep,
    context: ProjectAuthDep,
) -> Response:
    """Rename, describe or set the access IPs of a server."""
    server = compute.server(server_id, context.project, context.is_admin)
    spec = member(await read_json(request, bad), "server", bad)
    allowed = {"name", "accessIPv4", "accessIPv6", "OS-DCF:diskConfig"}
    if version >= (2, 19):
        allowed.add("description")
    if version >= (2, 90):
        allowed.add("hostname")
    extra = set(spec) - allowed
    if extra:
        raise bad(
            "Invalid input for field/attribute server. Additional properties are not "
            f"allowed ({', '.join(repr(e) for e in sorted(extra))} was unexpected)"
        )
    if "name" in spec:
        if not isinstance(spec["name"], str) or not spec["name"].strip():
            raise bad(f"Invalid input for field/attribute name. Value: {spec['name']}.")
        server["name"] = spec["name"]
    for key in ("accessIPv4", "accessIPv6", "description"):
        if key in spec:
            server[key] = spec[key]
    if "OS-DCF:diskConfig" in spec:
        server["disk_config"] = spec["OS-DCF:diskConfig"]
    from stackyard_emulator.timeutil import iso_z

    server["updated"] = iso_z()
    return reply({"server": server_view(compute, server, version, context, single=True)})


@router.delete("/servers/{server_id}")
async def remove_server(
    server_id: str, compute: ComputeDep, version: VersionDep, context: ProjectAuthDep
) -> Response:
    """Delete a server (its Nova-made ports go with it, volumes are detached)."""
    server = compute.server(server_id, context.project, context.is_admin)
    delete_server(compute, server, context.is_admin)
    return empty()
