"""The instance's ports and floating IPs through network's internal API (network's own
port, service tokens; the contract is `stackyard_network.internal`), when
`PORTS_VIA=network`. Network makes them in the cloud and keeps their records; every call
is idempotent under the uuid compute chose for the port or floating IP in the plan.

    POST   /internal/ports/                        {"uuid", "tenant_uuid", "subnet_uuid",
                                                    "fixed_ip", "security_group_uuids",
                                                    "name", "description"}
    DELETE /internal/ports/{uuid}?tenant_uuid=      204 (also when there is none)
    POST   /internal/ports/{uuid}/security-groups  {"security_group_uuids"}
    POST   /internal/floating-ips/                 {"uuid", "tenant_uuid", "port_uuid",
                                                    "floating_ip_uuid": existing | null}
    POST   /internal/floating-ips/{uuid}/unassign  an existing one given back
    DELETE /internal/floating-ips/{uuid}           an allocated one released
"""

from __future__ import annotations

from typing import Any

from stackyard_common.api import ServiceUnavailable
from stackyard_common.sagas import StepFailed
from stackyard_compute.common.runtime import ComputeRuntime
from stackyard_compute.instances.models import Instance

__all__ = [
    "ensure_floating_ip",
    "ensure_port",
    "release_floating_ips",
    "remove_ports",
    "set_security_groups",
]


def _check(status: int, body: Any, what: str) -> None:
    if status == 400:
        raise StepFailed(f"network refused the {what}: {body}")
    if status == 404:
        raise StepFailed(f"network has no such {what}")
    if status >= 300:
        raise ServiceUnavailable(f"Network answered {status}.")


def _port_view(answer: dict[str, Any]) -> dict[str, Any]:
    return {
        "uuid": answer["uuid"],
        "backend_id": answer["backend_id"],
        "network_id": answer["network_backend_id"],
        "subnet_id": answer["subnet_backend_id"],
        "fixed_ips": list(answer["fixed_ips"]),
        "mac_address": answer["mac_address"],
    }


async def ensure_port(
    runtime: ComputeRuntime, instance: Instance, index: int, spec: dict[str, Any]
) -> dict[str, Any]:
    """Have network make (or find) the instance's port `index` as `spec` plans it."""
    body = {
        "uuid": spec["uuid"],
        "tenant_uuid": str(instance.tenant_uuid),
        "subnet_uuid": spec.get("subnet_uuid"),
        "fixed_ip": spec.get("fixed_ip"),
        "security_group_uuids": instance.plan.get("security_group_uuids"),
        "name": f"{instance.name}-{index}",
        "description": f"Port {index} of instance {instance.name} ({instance.uuid})",
    }
    response = await runtime.call("network", "POST", "/internal/ports/", json=body)
    _check(response.status_code, response.text, "port")
    return _port_view(response.json())


async def remove_ports(runtime: ComputeRuntime, instance: Instance) -> None:
    """Have network delete the instance's ports (those that exist)."""
    for spec in instance.plan.get("ports") or []:
        path = f"/internal/ports/{spec['uuid']}?tenant_uuid={instance.tenant_uuid}"
        response = await runtime.call("network", "DELETE", path)
        if response.status_code not in (204, 404):
            raise ServiceUnavailable(f"Network answered {response.status_code}.")


async def set_security_groups(
    runtime: ComputeRuntime, instance: Instance, groups: list[str]
) -> list[dict[str, Any]]:
    """Put every port of the instance in the network's groups `groups` (uuids)."""
    ports = []
    for port in instance.ports:
        response = await runtime.call(
            "network",
            "POST",
            f"/internal/ports/{port['uuid']}/security-groups",
            json={"security_group_uuids": groups},
        )
        _check(response.status_code, response.text, "security groups")
        ports.append(_port_view(response.json()))
    return ports


async def ensure_floating_ip(
    runtime: ComputeRuntime, instance: Instance, port: dict[str, Any], spec: dict[str, Any]
) -> dict[str, Any]:
    """Have network point a floating IP (new, or the tenant's `spec["floating_ip_uuid"]`)
    at the port."""
    body = {
        "uuid": spec["uuid"],
        "tenant_uuid": str(instance.tenant_uuid),
        "port_uuid": port["uuid"],
        "floating_ip_uuid": spec.get("floating_ip_uuid"),
    }
    response = await runtime.call("network", "POST", "/internal/floating-ips/", json=body)
    _check(response.status_code, response.text, "floating IP")
    answer = response.json()
    return {
        "uuid": answer["uuid"],
        "backend_id": answer["backend_id"],
        "address": answer.get("address") or "",
        "external_address": answer.get("external_address") or "",
        "port_id": port["backend_id"],
        "allocated": spec.get("floating_ip_uuid") is None,
    }


async def release_floating_ips(runtime: ComputeRuntime, instance: Instance) -> None:
    """Release what was allocated for the instance; give back what it borrowed (only
    once it was pointed at the instance: a borrowed address is never taken from another
    port)."""
    for spec in instance.plan.get("floating_ips") or []:
        if spec.get("floating_ip_uuid"):
            continue
        response = await runtime.call("network", "DELETE", f"/internal/floating-ips/{spec['uuid']}")
        if response.status_code not in (204, 404):
            raise ServiceUnavailable(f"Network answered {response.status_code}.")
    for made in instance.floating_ips:
        if made.get("allocated") or not made.get("uuid"):
            continue
        path = f"/internal/floating-ips/{made['uuid']}/unassign"
        response = await runtime.call("network", "POST", path)
        if response.status_code not in (200, 404):
            raise ServiceUnavailable(f"Network answered {response.status_code}.")
