"""Nova server groups, availability zones, quota sets and limits."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from stackyard_emulator.auth import ProjectAuthDep
from stackyard_emulator.errors import nova_error
from stackyard_emulator.ids import new_uuid
from stackyard_emulator.pagination import parse_bool
from stackyard_emulator.store import Record
from stackyard_emulator.timeutil import iso_z
from stackyard_emulator.web import empty, member, read_json, reply

from .deps import ComputeDep, VersionDep, bad
from .state import QUOTA_DEFAULTS, ComputeState

router = APIRouter(prefix="/compute/v2.1")

_POLICIES = ("affinity", "anti-affinity", "soft-affinity", "soft-anti-affinity")
_NETWORK_QUOTAS = {
    "fixed_ips": -1,
    "floating_ips": 10,
    "networks": -1,
    "security_group_rules": 20,
    "security_groups": 10,
}
_INJECTED = ("injected_files", "injected_file_content_bytes", "injected_file_path_bytes")


def _group_view(group: Record, version: Any) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": group["id"],
        "name": group["name"],
        "members": list(group["members"]),
    }
    if version >= (2, 64):
        view.update(policy=group["policy"], rules=dict(group["rules"]))
    else:
        view.update(policies=[group["policy"]], metadata={})
    if version >= (2, 13):
        view.update(project_id=group["project_id"], user_id=group["user_id"])
    return view


@router.get("/os-server-groups")
async def list_groups(
    request: Request, compute: ComputeDep, version: VersionDep, context: ProjectAuthDep
) -> Response:
    """Server groups of the project (every project's for an admin with ``all_projects``)."""
    q = request.query_params
    everyone = context.is_admin and parse_bool(q.get("all_projects")) is True
    groups = list(compute.server_groups.values(None if everyone else context.project))
    offset = int(q.get("offset", 0) or 0)
    limit = int(q["limit"]) if q.get("limit") else None
    groups = groups[offset : offset + limit if limit is not None else None]
    return reply({"server_groups": [_group_view(g, version) for g in groups]})


@router.post("/os-server-groups")
async def create_group(
    request: Request, compute: ComputeDep, version: VersionDep, context: ProjectAuthDep
) -> Response:
    """Create a server group with one policy (and, from 2.64, rules)."""
    spec = member(await read_json(request, bad), "server_group", bad)
    name = spec.get("name")
    if not isinstance(name, str) or not name.strip():
        raise bad(f"Invalid input for field/attribute name. Value: {name}.")
    if version >= (2, 64):
        policy, rules = spec.get("policy"), spec.get("rules") or {}
    else:
        policies = spec.get("policies")
        if not isinstance(policies, list) or len(policies) != 1:
            raise bad(f"Invalid input for field/attribute policies. Value: {policies}.")
        policy, rules = policies[0], {}
    allowed = _POLICIES if version >= (2, 15) else _POLICIES[:2]
    if policy not in allowed:
        raise bad(f"Invalid input for field/attribute policy. Value: {policy}.")
    if rules and (policy != "anti-affinity" or set(rules) != {"max_server_per_host"}):
        raise bad(f"Invalid input for field/attribute rules. Value: {rules}.")
    limit = compute.quota(context.project)["server_groups"]
    if 0 <= limit <= compute.server_groups.count(context.project):
        raise nova_error(403, "Quota exceeded, too many server groups.")
    group: Record = {
        "id": new_uuid(),
        "name": name,
        "policy": policy,
        "rules": {k: int(v) for k, v in rules.items()},
        "members": [],
        "project_id": context.project,
        "user_id": context.user_id,
        "created_at": iso_z(),
    }
    compute.server_groups.insert(group, context.project)
    return reply({"server_group": _group_view(group, version)})


def _group(compute: ComputeState, group_id: str, context: Any) -> Record:
    group = compute.server_groups.get(group_id)
    if group is None or not (context.is_admin or group["project_id"] == context.project):
        raise nova_error(404, f"Instance group {group_id} could not be found.")
    return group


@router.get("/os-server-groups/{group_id}")
async def show_group(
    group_id: str, compute: ComputeDep, version: VersionDep, context: ProjectAuthDep
) -> Response:
    """One server group with its members."""
    return reply({"server_group": _group_view(_group(compute, group_id, context), version)})


@router.delete("/os-server-groups/{group_id}")
async def delete_group(
    group_id: str, compute: ComputeDep, version: VersionDep, context: ProjectAuthDep
) -> Response:
    """Delete a server group (members keep running)."""
    group = _group(compute, group_id, context)
    for member_id in group["members"]:
        server = compute.servers.get(member_id)
        if server is not None:
            server["server_groups"] = [g for g in server["server_groups"] if g != group_id]
    compute.server_groups.remove(group_id)
    return empty()


@router.get("/os-availability-zone")
async def list_zones(compute: ComputeDep, version: VersionDep, context: ProjectAuthDep) -> Response:
    """The availability zones."""
    return reply(
        {
            "availabilityZoneInfo": [
                {"zoneName": zone, "zoneState": {"available": True}, "hosts": None}
                for zone in compute.zones
            ]
        }
    )


@router.get("/os-availability-zone/detail")
async def list_zones_detail(
    compute: ComputeDep, version: VersionDep, context: ProjectAuthDep
) -> Response:
    """Zones with their hosts and services (admin)."""
    if not context.is_admin:
        raise nova_error(
            403, "Policy doesn't allow os_compute_api:os-availability-zone:detail to be performed."
        )
    now = iso_z()
    service = {"available": True, "active": True, "updated_at": now}
    zones = [
        {
            "zoneName": zone,
            "zoneState": {"available": True},
            "hosts": {h: {"nova-compute": dict(service)} for h in hosts},
        }
        for zone, hosts in compute.zones.items()
    ]
    zones.append(
        {
            "zoneName": "internal",
            "zoneState": {"available": True},
            "hosts": {
                "controller": {"nova-scheduler": dict(service), "nova-conductor": dict(service)}
            },
        }
    )
    return reply({"availabilityZoneInfo": zones})


def _quota_keys(version: Any) -> list[str]:
    keys = list(QUOTA_DEFAULTS)
    if version >= (2, 57):
        keys = [k for k in keys if k not in _INJECTED]
    return keys


def _quota_target(project_id: str, context: Any) -> None:
    if project_id != context.project and not context.is_admin:
        raise nova_error(
            403, "Policy doesn't allow os_compute_api:os-quota-sets:show to be performed."
        )


def _quota_body(
    compute: ComputeState, project_id: str, version: Any, limits: dict[str, int], detail: bool
) -> dict[str, Any]:
    used = compute.used(project_id)
    body: dict[str, Any] = {"id": project_id}
    for key in _quota_keys(version):
        body[key] = (
            {"in_use": used[key], "limit": limits[key], "reserved": 0} if detail else (limits[key])
        )
    if version < (2, 36):
        for key, value in _NETWORK_QUOTAS.items():
            body[key] = {"in_use": 0, "limit": value, "reserved": 0} if detail else value
    return body


@router.get("/os-quota-sets/{project_id}")
async def show_quota(
    project_id: str, compute: ComputeDep, version: VersionDep, context: ProjectAuthDep
) -> Response:
    """A project's limits."""
    _quota_target(project_id, context)
    return reply(
        {
            "quota_set": _quota_body(
                compute, project_id, version, compute.quota(project_id), detail=False
            )
        }
    )


@router.get("/os-quota-sets/{project_id}/defaults")
async def default_quota(
    project_id: str, compute: ComputeDep, version: VersionDep, context: ProjectAuthDep
) -> Response:
    """The default limits."""
    return reply(
        {
            "quota_set": _quota_body(
                compute, project_id, version, dict(compute.quota_defaults), detail=False
            )
        }
    )


@router.get("/os-quota-sets/{project_id}/detail")
async def quota_detail(
    project_id: str, compute: ComputeDep, version: VersionDep, context: ProjectAuthDep
) -> Response:
    """Limits with usage."""
    _quota_target(project_id, context)
    return reply(
        {
            "quota_set": _quota_body(
                compute, project_id, version, compute.quota(project_id), detail=True
            )
        }
    )


@router.put("/os-quota-sets/{project_id}")
async def update_quota(
    project_id: str,
    request: Request,
    compute: ComputeDep,
    version: VersionDep,
    context: ProjectAuthDep,
) -> Response:
    """Set limits (admin); below current usage only with ``force``."""
    if not context.is_admin:
        raise nova_error(
            403, "Policy doesn't allow os_compute_api:os-quota-sets:update to be performed."
        )
    spec = member(await read_json(request, bad), "quota_set", bad)
    force = parse_bool(str(spec.pop("force", "false"))) is True
    keys = set(_quota_keys(version))
    if version < (2, 36):
        keys |= set(_NETWORK_QUOTAS)
    used = compute.used(project_id)
    overrides = compute.quota_overrides.setdefault(project_id, {})
    for key, value in spec.items():
        if key not in keys:
            raise bad(
                "Invalid input for field/attribute quota_set. Additional properties are "
                f"not allowed ('{key}' was unexpected)"
            )
        try:
            limit = int(value)
        except (TypeError, ValueError):
            raise bad(f"Invalid input for field/attribute {key}. Value: {value}.") from None
        if limit < -1:
            raise bad(f"Invalid input for field/attribute {key}. Value: {value}.")
        if key in QUOTA_DEFAULTS and not force and limit != -1 and limit < used.get(key, 0):
            raise bad(
                f"Quota limit {limit} for {key} must be greater than or equal to already "
                f"used and reserved {used.get(key, 0)}."
            )
        if key in QUOTA_DEFAULTS:
            overrides[key] = limit
    body = _quota_body(compute, project_id, version, compute.quota(project_id), detail=False)
    body.pop("id")
    return reply({"quota_set": body})


@router.delete("/os-quota-sets/{project_id}")
async def reset_quota(
    project_id: str, compute: ComputeDep, version: VersionDep, context: ProjectAuthDep
) -> Response:
    """Back to the default limits (admin)."""
    if not context.is_admin:
        raise nova_error(
            403, "Policy doesn't allow os_compute_api:os-quota-sets:delete to be performed."
        )
    compute.quota_overrides.pop(project_id, None)
    return empty(202)


@router.get("/limits")
async def limits(
    request: Request, compute: ComputeDep, version: VersionDep, context: ProjectAuthDep
) -> Response:
    """Absolute limits and usage of the project (another one's for an admin)."""
    project_id = request.query_params.get("tenant_id") or context.project
    _quota_target(project_id, context)
    quota = compute.quota(project_id)
    used = compute.used(project_id)
    absolute: dict[str, int] = {
        "maxServerMeta": quota["metadata_items"],
        "maxTotalInstances": quota["instances"],
        "maxTotalCores": quota["cores"],
        "maxTotalRAMSize": quota["ram"],
        "maxTotalKeypairs": quota["key_pairs"],
        "maxServerGroups": quota["server_groups"],
        "maxServerGroupMembers": quota["server_group_members"],
        "totalCoresUsed": used["cores"],
        "totalInstancesUsed": used["instances"],
        "totalRAMUsed": used["ram"],
        "totalServerGroupsUsed": used["server_groups"],
    }
    if version < (2, 39):
        absolute["maxImageMeta"] = quota["metadata_items"]
    if version < (2, 57):
        absolute["maxPersonality"] = quota["injected_files"]
        absolute["maxPersonalitySize"] = quota["injected_file_content_bytes"]
    if version < (2, 36):
        absolute.update(
            maxSecurityGroups=10,
            maxSecurityGroupRules=20,
            maxTotalFloatingIps=10,
            totalSecurityGroupsUsed=0,
            totalFloatingIpsUsed=0,
        )
    return reply({"limits": {"rate": [], "absolute": absolute}})
