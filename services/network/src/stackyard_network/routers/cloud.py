"""Routers in the cloud: create, interfaces, gateway, routes, delete and pull, as
operations of the `network-operation` saga."""

from __future__ import annotations

from typing import Any

from stackyard_common.openstack import NotFound, OpenStackClient
from stackyard_common.openstack.network import Router as CloudRouter
from stackyard_network.resources.operations import Operation, Outcome, gone, operation
from stackyard_network.routers.models import Router

__all__ = ["apply_router", "interfaces_of"]

INTERFACE_OWNERS = ("network:router_interface", "network:router_interface_distributed")


async def interfaces_of(cloud: OpenStackClient, router_id: str) -> list[dict[str, Any]]:
    """The router's interfaces: `{subnet_id, port_id, ip_address}` each."""
    ports = await cloud.network.list_ports(device_id=router_id)
    return [
        {"subnet_id": ip["subnet_id"], "port_id": port.id, "ip_address": ip["ip_address"]}
        for port in ports
        if port.device_owner in INTERFACE_OWNERS
        for ip in port.fixed_ips
    ]


def apply_router(record: Router, found: CloudRouter, interfaces: list[dict[str, Any]]) -> None:
    """Copy what the cloud says about a router (and its interfaces) onto its record."""
    gateway = found.external_gateway_info or {}
    record.backend_id = found.id
    record.name = found.name
    record.description = found.description
    record.runtime_state = found.status or ""
    record.external_network_id = str(gateway.get("network_id") or "")
    record.external_fixed_ips = list(gateway.get("external_fixed_ips") or [])
    record.routes = [dict(route) for route in found.routes]
    record.interfaces = interfaces


async def _refresh(job: Operation, found: CloudRouter | None = None) -> Outcome:
    router_id = job.record.backend_id
    if found is None:
        found = await job.cloud.network.get_router(router_id)
    apply_router(job.record, found, await interfaces_of(job.cloud, router_id))
    return Outcome.KEEP


@operation("router", "create")
async def create(job: Operation) -> Outcome:
    record: Router = job.record
    found = await job.cloud.network.find_router(tags=[job.tag])
    if found is None:
        found = await job.cloud.network.create_router(
            record.name, description=record.description or None, tags=[job.tag]
        )
    record.backend_id = found.id
    return await _refresh(job, found)


@operation("router", "add_interface")
async def add_interface(job: Operation) -> Outcome:
    subnet_id = str(job.params["subnet_id"])
    current = await interfaces_of(job.cloud, job.record.backend_id)
    if all(item["subnet_id"] != subnet_id for item in current):  # a retry finds it made
        await job.cloud.network.add_router_interface(job.record.backend_id, subnet_id=subnet_id)
    return await _refresh(job)


@operation("router", "remove_interface")
async def remove_interface(job: Operation) -> Outcome:
    await job.cloud.network.remove_router_interface(
        job.record.backend_id, subnet_id=str(job.params["subnet_id"])
    )
    return await _refresh(job)


@operation("router", "set_gateway")
async def set_gateway(job: Operation) -> Outcome:
    info: dict[str, Any] = {"network_id": job.params["external_network_id"]}
    if job.params.get("enable_snat") is not None:
        info["enable_snat"] = job.params["enable_snat"]
    found = await job.cloud.network.update_router(job.record.backend_id, external_gateway_info=info)
    return await _refresh(job, found)


@operation("router", "set_routes")
async def set_routes(job: Operation) -> Outcome:
    found = await job.cloud.network.update_router(
        job.record.backend_id, routes=list(job.params["routes"])
    )
    return await _refresh(job, found)


@operation("router", "delete")
async def delete(job: Operation) -> Outcome:
    if job.record.backend_id:
        await job.cloud.network.delete_router(job.record.backend_id)
    return Outcome.DELETED


@operation("router", "pull")
async def pull(job: Operation) -> Outcome:
    try:
        return await _refresh(job)
    except NotFound as error:
        raise gone("router", job.record.backend_id) from error
