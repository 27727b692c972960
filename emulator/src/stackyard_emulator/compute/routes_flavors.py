"""Nova flavors, their extra specs and access lists, and version discovery."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from stackyard_emulator.auth import CloudDep, ProjectAuthDep
from stackyard_emulator.errors import nova_error
from stackyard_emulator.ids import new_uuid
from stackyard_emulator.pagination import next_href, parse_bool, parse_limit, take
from stackyard_emulator.store import Record
from stackyard_emulator.web import empty, member, read_json, reply

from .deps import MAX_VERSION, MIN_VERSION, ComputeDep, VersionDep, bad
from .state import ComputeState
from .views import flavor_view

router = APIRouter(prefix="/compute")


def _version_doc(base: str) -> dict[str, Any]:
    return {
        "id": "v2.1",
        "status": "CURRENT",
        "version": f"{MAX_VERSION[0]}.{MAX_VERSION[1]}",
        "min_version": f"{MIN_VERSION[0]}.{MIN_VERSION[1]}",
        "updated": "2013-07-23T11:33:21Z",
        "links": [
            {"rel": "self", "href": f"{base}/compute/v2.1/"},
            {"rel": "describedby", "type": "text/html", "href": "https://docs.openstack.org/"},
        ],
        "media-types": [
            {
                "base": "application/json",
                "type": "application/vnd.openstack.compute+json;version=2.1",
            }
        ],
    }


@router.get("")
@router.get("/")
async def versions(cloud: CloudDep) -> Response:
    """Nova's version list."""
    doc = _version_doc(cloud.config.base_url)
    doc.pop("media-types")
    return reply({"versions": [doc]})


@router.get("/v2.1")
@router.get("/v2.1/")
async def version(cloud: CloudDep) -> Response:
    """The v2.1 version document with its microversion range."""
    return reply({"version": _version_doc(cloud.config.base_url)})


def _admin(context: Any, rule: str) -> None:
    if not context.is_admin:
        raise nova_error(403, f"Policy doesn't allow os_compute_api:{rule} to be performed.")


def _visible(flavor: Record, context: Any) -> bool:
    return bool(
        flavor["os-flavor-access:is_public"]
        or context.is_admin
        or context.project in flavor["_access"]
    )


def _flavor(compute: ComputeState, flavor_id: str, context: Any) -> Record:
    flavor = compute.flavors.get(flavor_id)
    if flavor is None or not _visible(flavor, context):
        raise nova_error(404, f"Flavor {flavor_id} could not be found.")
    return flavor


async def _list(
    request: Request, compute: ComputeState, version: Any, context: Any, detail: bool
) -> Response:
    q = request.query_params
    limit = parse_limit(q.get("limit"), bad, maximum=1000)
    marker = q.get("marker")
    if marker is not None and not compute.flavors.has_marker(marker):
        raise bad(f"marker [{marker}] not found")
    public = q.get("is_public")
    min_ram, min_disk = int(q.get("minRam", 0) or 0), int(q.get("minDisk", 0) or 0)

    def keep(flavor: Record) -> bool:
        if flavor["ram"] < min_ram or flavor["disk"] < min_disk:
            return False
        if public is not None and public.lower() != "none" and context.is_admin:
            return flavor["os-flavor-access:is_public"] is parse_bool(public)
        return _visible(flavor, context) and (
            context.is_admin or not flavor["OS-FLV-DISABLED:disabled"]
        )

    everything = [f for f in compute.flavors.values() if keep(f)]
    key = q.get("sort_key", "flavorid")
    field = {"flavorid": "id", "memory_mb": "ram", "root_gb": "disk"}.get(key, key)
    everything.sort(
        key=lambda f: str(f.get(field)) if field in ("id", "name") else f.get(field, 0),
        reverse=q.get("sort_dir", "asc") == "desc",
    )
    if marker is not None:
        ids = [f["id"] for f in everything]
        everything = everything[ids.index(marker) + 1 :] if marker in ids else []
    page, _ = take(everything, limit)
    base = compute.cloud.config.base_url
    body: dict[str, Any] = {"flavors": [flavor_view(base, f, version, detail) for f in page]}
    if page and limit is not None and len(page) == limit:
        body["flavors_links"] = [{"rel": "next", "href": next_href(request, base, page[-1]["id"])}]
    return reply(body)


@router.get("/v2.1/flavors")
async def list_flavors(
    request: Request, compute: ComputeDep, version: VersionDep, context: ProjectAuthDep
) -> Response:
    """Flavors (ids, names, links)."""
    return await _list(request, compute, version, context, detail=False)


@router.get("/v2.1/flavors/detail")
async def list_flavors_detail(
    request: Request, compute: ComputeDep, version: VersionDep, context: ProjectAuthDep
) -> Response:
    """Flavors in detail."""
    return await _list(request, compute, version, context, detail=True)


@router.get("/v2.1/flavors/{flavor_id}")
async def show_flavor(
    flavor_id: str, compute: ComputeDep, version: VersionDep, context: ProjectAuthDep
) -> Response:
    """One flavor."""
    flavor = _flavor(compute, flavor_id, context)
    return reply({"flavor": flavor_view(compute.cloud.config.base_url, flavor, version)})


def new_flavor(compute: ComputeState, spec: dict[str, Any]) -> Record:
    """Validate and store a flavor (the API and the seed both use this)."""
    name = spec.get("name")
    if not isinstance(name, str) or not name.strip():
        raise bad(f"Invalid input for field/attribute name. Value: {name}.")
    values: dict[str, int] = {}
    for key, minimum in (
        ("ram", 1),
        ("vcpus", 1),
        ("disk", 0),
        ("OS-FLV-EXT-DATA:ephemeral", 0),
        ("swap", 0),
    ):
        raw = spec.get(key, 0 if minimum == 0 else None)
        try:
            values[key] = int(raw if raw != "" else 0)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise bad(f"Invalid input for field/attribute {key}. Value: {raw}.") from None
        if values[key] < minimum:
            raise bad(f"Invalid input for field/attribute {key}. Value: {raw}.")
    raw_id = spec.get("id")
    flavor_id = str(raw_id) if raw_id not in (None, "", "auto") else new_uuid()
    if flavor_id in compute.flavors:
        raise nova_error(409, f"Flavor with ID {flavor_id} already exists.")
    if any(f["name"] == name for f in compute.flavors.values()):
        raise nova_error(409, f"Flavor with name {name} already exists.")
    record: Record = {
        "id": flavor_id,
        "name": name,
        "ram": values["ram"],
        "vcpus": values["vcpus"],
        "disk": values["disk"],
        "ephemeral": values["OS-FLV-EXT-DATA:ephemeral"],
        "swap": values["swap"],
        "rxtx_factor": float(spec.get("rxtx_factor", 1.0)),
        "os-flavor-access:is_public": bool(spec.get("os-flavor-access:is_public", True)),
        "OS-FLV-DISABLED:disabled": False,
        "description": spec.get("description"),
        "extra_specs": {str(k): str(v) for k, v in (spec.get("extra_specs") or {}).items()},
        "_access": set(),
    }
    compute.flavors.insert(record)
    return record


@router.post("/v2.1/flavors")
async def create_flavor(
    request: Request, compute: ComputeDep, version: VersionDep, context: ProjectAuthDep
) -> Response:
    """Create a flavor (admin)."""
    _admin(context, "os-flavor-manage:create")
    spec = member(await read_json(request, bad), "flavor", bad)
    spec.pop("extra_specs", None)
    flavor = new_flavor(compute, spec)
    return reply({"flavor": flavor_view(compute.cloud.config.base_url, flavor, version)})


@router.put("/v2.1/flavors/{flavor_id}")
async def update_flavor(
    flavor_id: str,
    request: Request,
    compute: ComputeDep,
    version: VersionDep,
    context: ProjectAuthDep,
) -> Response:
    """Change a flavor's description (2.55+, admin)."""
    if version < (2, 55):
        raise nova_error(405, "Method not allowed.")
    _admin(context, "os-flavor-manage:update")
    flavor = _flavor(compute, flavor_id, context)
    spec = member(await read_json(request, bad), "flavor", bad)
    flavor["description"] = spec.get("description")
    return reply({"flavor": flavor_view(compute.cloud.config.base_url, flavor, version)})


@router.delete("/v2.1/flavors/{flavor_id}")
async def delete_flavor(
    flavor_id: str, compute: ComputeDep, version: VersionDep, context: ProjectAuthDep
) -> Response:
    """Delete a flavor (admin); servers keep their copy."""
    _admin(context, "os-flavor-manage:delete")
    _flavor(compute, flavor_id, context)
    compute.flavors.remove(flavor_id)
    return empty(202)


@router.get("/v2.1/flavors/{flavor_id}/os-extra_specs")
async def list_extra_specs(
    flavor_id: str, compute: ComputeDep, version: VersionDep, context: ProjectAuthDep
) -> Response:
    """A flavor's extra specs."""
    return reply({"extra_specs": dict(_flavor(compute, flavor_id, context)["extra_specs"])})


@router.post("/v2.1/flavors/{flavor_id}/os-extra_specs")
async def set_extra_specs(
    flavor_id: str,
    request: Request,
    compute: ComputeDep,
    version: VersionDep,
    context: ProjectAuthDep,
) -> Response:
    """Add or change extra specs (admin)."""
    _admin(context, "os-flavor-extra-specs:create")
    flavor = _flavor(compute, flavor_id, context)
    specs = (await read_json(request, bad)).get("extra_specs")
    if not isinstance(specs, dict):
        raise bad("Invalid input for field/attribute extra_specs.")
    flavor["extra_specs"].update({str(k): str(v) for k, v in specs.items()})
    return reply({"extra_specs": {str(k): str(v) for k, v in specs.items()}})


@router.get("/v2.1/flavors/{flavor_id}/os-extra_specs/{key}")
async def show_extra_spec(
    flavor_id: str, key: str, compute: ComputeDep, version: VersionDep, context: ProjectAuthDep
) -> Response:
    """One extra spec."""
    flavor = _flavor(compute, flavor_id, context)
    if key not in flavor["extra_specs"]:
        raise nova_error(404, f"Flavor {flavor_id} has no extra specs with key {key}.")
    return reply({key: flavor["extra_specs"][key]})


@router.put("/v2.1/flavors/{flavor_id}/os-extra_specs/{key}")
async def update_extra_spec(
    flavor_id: str,
    key: str,
    request: Request,
    compute: ComputeDep,
    version: VersionDep,
    context: ProjectAuthDep,
) -> Response:
    """Set one extra spec (admin)."""
    _admin(context, "os-flavor-extra-specs:update")
    flavor = _flavor(compute, flavor_id, context)
    body = await read_json(request, bad)
    if list(body) != [key]:
        raise bad("Request body and URI mismatch")
    flavor["extra_specs"][key] = str(body[key])
    return reply({key: flavor["extra_specs"][key]})


@router.delete("/v2.1/flavors/{flavor_id}/os-extra_specs/{key}")
async def delete_extra_spec(
    flavor_id: str, key: str, compute: ComputeDep, version: VersionDep, context: ProjectAuthDep
) -> Response:
    """Delete one extra spec (admin)."""
    _admin(context, "os-flavor-extra-specs:delete")
    flavor = _flavor(compute, flavor_id, context)
    if key not in flavor["extra_specs"]:
        raise nova_error(404, f"Flavor {flavor_id} has no extra specs with key {key}.")
    del flavor["extra_specs"][key]
    return empty(200)


@router.get("/v2.1/flavors/{flavor_id}/os-flavor-access")
async def list_access(
    flavor_id: str, compute: ComputeDep, version: VersionDep, context: ProjectAuthDep
) -> Response:
    """The projects a private flavor is shared with (admin)."""
    _admin(context, "os-flavor-access")
    flavor = _flavor(compute, flavor_id, context)
    if flavor["os-flavor-access:is_public"]:
        raise nova_error(404, "Access list not available for public flavors.")
    return reply(
        {
            "flavor_access": [
                {"flavor_id": flavor_id, "tenant_id": p} for p in sorted(flavor["_access"])
            ]
        }
    )


@router.post("/v2.1/flavors/{flavor_id}/action")
async def flavor_action(
    flavor_id: str,
    request: Request,
    compute: ComputeDep,
    version: VersionDep,
    context: ProjectAuthDep,
) -> Response:
    """``addTenantAccess`` / ``removeTenantAccess`` on a private flavor (admin)."""
    _admin(context, "os-flavor-access")
    flavor = _flavor(compute, flavor_id, context)
    body = await read_json(request, bad)
    if flavor["os-flavor-access:is_public"]:
        raise nova_error(409, "Can not add access to a public flavor.")
    if "addTenantAccess" in body:
        tenant = str(body["addTenantAccess"].get("tenant"))
        if tenant in flavor["_access"]:
            raise nova_error(
                409,
                f"Flavor access already exists for flavor {flavor_id} and "
                f"project {tenant} combination.",
            )
        flavor["_access"].add(tenant)
    elif "removeTenantAccess" in body:
        tenant = str(body["removeTenantAccess"].get("tenant"))
        if tenant not in flavor["_access"]:
            raise nova_error(
                404, f"Flavor access not found for {flavor_id} / {tenant} combination."
            )
        flavor["_access"].discard(tenant)
    else:
        raise bad("Invalid flavor action.")
    return reply(
        {
            "flavor_access": [
                {"flavor_id": flavor_id, "tenant_id": p} for p in sorted(flavor["_access"])
            ]
        }
    )
