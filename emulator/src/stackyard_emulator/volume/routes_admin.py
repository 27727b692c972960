"""Cinder version discovery, volume types, quota sets, limits and availability zones."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from stackyard_emulator.auth import AuthContext, CloudDep, ProjectAuthDep
from stackyard_emulator.errors import cinder_error
from stackyard_emulator.ids import new_uuid
from stackyard_emulator.pagination import parse_bool
from stackyard_emulator.store import Record
from stackyard_emulator.web import empty, member, read_json, reply

from .state import VolumeState
from .views import MAX_VERSION, MIN_VERSION, VolumeDep, VolumeVersionDep, bad, type_view

root = APIRouter(prefix="/volume")
router = APIRouter(prefix="/volume/v3/{project_id}")


def _version_doc(base: str) -> dict[str, Any]:
    return {
        "id": "v3.0",
        "status": "CURRENT",
        "version": f"{MAX_VERSION[0]}.{MAX_VERSION[1]}",
        "min_version": f"{MIN_VERSION[0]}.{MIN_VERSION[1]}",
        "updated": "2023-08-31T00:00:00Z",
        "links": [{"rel": "self", "href": f"{base}/volume/v3/"}],
        "media-types": [
            {"base": "application/json", "type": "application/vnd.openstack.volume+json;version=3"}
        ],
    }


@root.get("")
@root.get("/")
async def versions(cloud: CloudDep) -> Response:
    """Cinder's versions (300 Multiple Choices)."""
    return reply({"versions": [_version_doc(cloud.config.base_url)]}, status=300)


@root.get("/v3")
@root.get("/v3/")
async def version(cloud: CloudDep) -> Response:
    """The v3 version list as Cinder serves it under ``/v3/``."""
    return reply({"versions": [_version_doc(cloud.config.base_url)]})


def _admin(context: AuthContext) -> None:
    if not context.is_admin:
        raise cinder_error(
            403, "Policy doesn't allow volume_extension:types_manage to be performed."
        )


def _type(vol: VolumeState, type_id: str, context: AuthContext) -> Record:
    vtype = vol.types.get(type_id)
    if vtype is None or not (
        vtype["is_public"] or context.is_admin or context.project in vtype["_access"]
    ):
        raise cinder_error(404, f"Volume type {type_id} could not be found.")
    return vtype


def new_type(vol: VolumeState, spec: dict[str, Any]) -> Record:
    """Validate and store a volume type (the API and the seed both use this)."""
    name = spec.get("name")
    if not isinstance(name, str) or not name.strip():
        raise bad("Invalid input received: name must be a non-empty string.")
    if any(t["name"] == name for t in vol.types.values()):
        raise cinder_error(409, f"Volume Type {name} already exists.")
    public = (
        parse_bool(str(spec.get("os-volume-type-access:is_public", spec.get("is_public", True))))
        is not False
    )
    record: Record = {
        "id": str(spec.get("id") or new_uuid()),
        "name": name,
        "description": spec.get("description"),
        "is_public": public,
        "os-volume-type-access:is_public": public,
        "qos_specs_id": None,
        "extra_specs": {str(k): str(v) for k, v in (spec.get("extra_specs") or {}).items()},
        "_access": set(),
    }
    vol.types.insert(record)
    return record


@router.get("/types")
async def list_types(
    request: Request, vol: VolumeDep, version: VolumeVersionDep, context: ProjectAuthDep
) -> Response:
    """Volume types the caller may use."""
    wanted = request.query_params.get("is_public")
    types = [
        t
        for t in vol.types.values()
        if t["is_public"] or context.is_admin or context.project in t["_access"]
    ]
    if wanted is not None and context.is_admin and wanted.lower() != "none":
        types = [t for t in types if t["is_public"] is parse_bool(wanted)]
    return reply({"volume_types": [type_view(t) for t in types]})


@router.get("/types/default")
async def default_type(
    vol: VolumeDep, version: VolumeVersionDep, context: ProjectAuthDep
) -> Response:
    """The default volume type."""
    return reply({"volume_type": type_view(vol.type_by_ref(None))})


@router.post("/types")
async def create_type(
    request: Request, vol: VolumeDep, version: VolumeVersionDep, context: ProjectAuthDep
) -> Response:
    """Create a volume type (admin)."""
    _admin(context)
    spec = member(await read_json(request, bad), "volume_type", bad)
    return reply({"volume_type": type_view(new_type(vol, spec))})


@router.get("/types/{type_id}")
async def show_type(
    type_id: str, vol: VolumeDep, version: VolumeVersionDep, context: ProjectAuthDep
) -> Response:
    """One volume type."""
    return reply({"volume_type": type_view(_type(vol, type_id, context))})


@router.put("/types/{type_id}")
async def update_type(
    type_id: str,
    request: Request,
    vol: VolumeDep,
    version: VolumeVersionDep,
    context: ProjectAuthDep,
) -> Response:
    """Rename, describe or publish a volume type (admin)."""
    _admin(context)
    vtype = _type(vol, type_id, context)
    spec = member(await read_json(request, bad), "volume_type", bad)
    for key in ("name", "description"):
        if key in spec:
            vtype[key] = spec[key]
    if "is_public" in spec:
        vtype["is_public"] = vtype["os-volume-type-access:is_public"] = bool(
            parse_bool(str(spec["is_public"]))
        )
    return reply({"volume_type": type_view(vtype)})


@router.delete("/types/{type_id}")
async def delete_type(
    type_id: str, vol: VolumeDep, version: VolumeVersionDep, context: ProjectAuthDep
) -> Response:
    """Delete an unused volume type (admin)."""
    _admin(context)
    vtype = _type(vol, type_id, context)
    if any(v["_type_id"] == type_id for v in vol.volumes.values()):
        raise bad("Target volume type is still in use.")
    if vtype["name"] == vol.default_type:
        raise bad("Default volume type can not be deleted.")
    vol.types.remove(type_id)
    return empty(202)


@router.get("/types/{type_id}/extra_specs")
async def list_type_specs(
    type_id: str, vol: VolumeDep, version: VolumeVersionDep, context: ProjectAuthDep
) -> Response:
    """A type's extra specs."""
    return reply({"extra_specs": dict(_type(vol, type_id, context)["extra_specs"])})


@router.post("/types/{type_id}/extra_specs")
async def set_type_specs(
    type_id: str,
    request: Request,
    vol: VolumeDep,
    version: VolumeVersionDep,
    context: ProjectAuthDep,
) -> Response:
    """Add or change extra specs (admin)."""
    _admin(context)
    vtype = _type(vol, type_id, context)
    specs = (await read_json(request, bad)).get("extra_specs")
    if not isinstance(specs, dict):
        raise bad("Malformed request body")
    vtype["extra_specs"].update({str(k): str(v) for k, v in specs.items()})
    return reply({"extra_specs": {str(k): str(v) for k, v in specs.items()}})


@router.delete("/types/{type_id}/extra_specs/{key}")
async def delete_type_spec(
    type_id: str, key: str, vol: VolumeDep, version: VolumeVersionDep, context: ProjectAuthDep
) -> Response:
    """Delete one extra spec (admin)."""
    _admin(context)
    vtype = _type(vol, type_id, context)
    if key not in vtype["extra_specs"]:
        raise cinder_error(404, f"Volume Type {type_id} has no extra specs with key {key}.")
    del vtype["extra_specs"][key]
    return empty(202)


def _quota_target(project_id: str, context: AuthContext) -> None:
    if project_id != context.project and not context.is_admin:
        raise cinder_error(
            403, "Policy doesn't allow volume_extension:quotas:show to be performed."
        )


def _quota_body(
    vol: VolumeState, project_id: str, limits: dict[str, int], usage: bool
) -> dict[str, Any]:
    body: dict[str, Any] = {"id": project_id}
    if not usage:
        body.update(limits)
        return body
    used = vol.used(project_id)
    for key, limit in limits.items():
        body[key] = {"limit": limit, "in_use": used.get(key, 0), "reserved": 0, "allocated": 0}
    return body


@router.get("/os-quota-sets/{target}")
async def show_quota(
    target: str,
    request: Request,
    vol: VolumeDep,
    version: VolumeVersionDep,
    context: ProjectAuthDep,
) -> Response:
    """A project's limits (with ``usage=true``: limit, in_use, reserved)."""
    _quota_target(target, context)
    usage = parse_bool(request.query_params.get("usage")) is True
    return reply({"quota_set": _quota_body(vol, target, vol.quota(target), usage)})


@router.get("/os-quota-sets/{target}/defaults")
async def default_quota(
    target: str, vol: VolumeDep, version: VolumeVersionDep, context: ProjectAuthDep
) -> Response:
    """The default limits."""
    defaults = {k: vol.quota_defaults.get(k, -1) for k in vol.quota_keys()}
    return reply({"quota_set": _quota_body(vol, target, defaults, usage=False)})


@router.put("/os-quota-sets/{target}")
async def update_quota(
    target: str,
    request: Request,
    vol: VolumeDep,
    version: VolumeVersionDep,
    context: ProjectAuthDep,
) -> Response:
    """Set limits, per-type ones included (admin)."""
    if not context.is_admin:
        raise cinder_error(
            403, "Policy doesn't allow volume_extension:quotas:update to be performed."
        )
    spec = member(await read_json(request, bad), "quota_set", bad)
    spec.pop("tenant_id", None)
    keys = set(vol.quota_keys())
    unknown = sorted(k for k in spec if k not in keys)
    if unknown:
        raise bad(f"Bad key(s) in quota set: {', '.join(unknown)}")
    used = vol.used(target)
    overrides = vol.quota_overrides.setdefault(target, {})
    for key, value in spec.items():
        try:
            limit = int(value)
        except (TypeError, ValueError):
            raise bad(
                f"Invalid input received: Quota value for key '{key}' must be an integer."
            ) from None
        if limit < -1:
            raise bad(
                f"Invalid input received: Quota limit {limit} for {key} must be greater "
                "than or equal to -1."
            )
        if limit != -1 and limit < used.get(key, 0) and key != "per_volume_gigabytes":
            raise bad(
                f"Invalid input received: Quota {key} limit must be equal or greater "
                f"than existing resources. Current usage is {used.get(key, 0)} and the "
                f"requested limit is {limit}."
            )
        overrides[key] = limit
    body = _quota_body(vol, target, vol.quota(target), usage=False)
    body.pop("id")
    return reply({"quota_set": body})


@router.delete("/os-quota-sets/{target}")
async def reset_quota(
    target: str, vol: VolumeDep, version: VolumeVersionDep, context: ProjectAuthDep
) -> Response:
    """Back to the default limits (admin)."""
    if not context.is_admin:
        raise cinder_error(
            403, "Policy doesn't allow volume_extension:quotas:delete to be performed."
        )
    vol.quota_overrides.pop(target, None)
    return empty(200)


@router.get("/limits")
async def limits(vol: VolumeDep, version: VolumeVersionDep, context: ProjectAuthDep) -> Response:
    """Absolute limits and usage of the caller's project."""
    quota = vol.quota(context.project)
    used = vol.used(context.project)
    return reply(
        {
            "limits": {
                "rate": [],
                "absolute": {
                    "maxTotalVolumes": quota["volumes"],
                    "maxTotalSnapshots": quota["snapshots"],
                    "maxTotalVolumeGigabytes": quota["gigabytes"],
                    "maxTotalBackups": quota["backups"],
                    "maxTotalBackupGigabytes": quota["backup_gigabytes"],
                    "totalVolumesUsed": used["volumes"],
                    "totalGigabytesUsed": used["gigabytes"],
                    "totalSnapshotsUsed": used["snapshots"],
                    "totalBackupsUsed": used["backups"],
                    "totalBackupGigabytesUsed": used["backup_gigabytes"],
                },
            }
        }
    )


@router.get("/os-availability-zone")
async def zones(vol: VolumeDep, version: VolumeVersionDep, context: ProjectAuthDep) -> Response:
    """The volume availability zones."""
    return reply(
        {
            "availabilityZoneInfo": [
                {"zoneName": zone, "zoneState": {"available": True}} for zone in vol.zones
            ]
        }
    )
