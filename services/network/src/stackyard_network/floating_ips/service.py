"""Allocating, assigning, unassigning and releasing floating IPs through the public
API: checked here, done by the worker (202)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.api import NotFound, ValidationFailed
from stackyard_common.auth import Principal
from stackyard_network.cloud import Clouds
from stackyard_network.external_networks.resolution import resolve_external_network
from stackyard_network.floating_ips.models import FloatingIP
from stackyard_network.floating_ips.schemas import FloatingIPAssignRequest, FloatingIPCreate
from stackyard_network.ports.models import Port
from stackyard_network.resources.access import (
    ensure_manager,
    get_visible,
    parse_reference,
    writable_tenant,
)
from stackyard_network.resources.events import CREATED, Actor, resource_event
from stackyard_network.resources.models import ResourceState
from stackyard_network.resources.operations import ensure_idle, schedule

__all__ = ["allocate_floating_ip", "assign", "release", "unassign"]


async def allocate_floating_ip(
    session: AsyncSession, clouds: Clouds, principal: Principal, data: FloatingIPCreate
) -> FloatingIP:
    """A floating IP record (CREATION_SCHEDULED) on the tenant's external network."""
    tenant = await writable_tenant(session, principal, parse_reference("tenant", data.tenant))
    network_id = await resolve_external_network(session, clouds, tenant)
    if not network_id:
        raise ValidationFailed.field("tenant", "The tenant has no external network.")
    record = FloatingIP(
        description=data.description,
        backend_network_id=network_id,
        tenant_uuid=tenant.uuid,
        customer_uuid=tenant.customer_uuid,
        project_uuid=tenant.project_uuid,
    )
    session.add(record)
    await session.flush()
    actor = Actor.of(principal)
    await resource_event(session, "floating_ip", CREATED, record, actor=actor)
    await schedule(session, "floating_ip", record, "create", actor=actor, announce=False)
    return record


async def _ready(session: AsyncSession, principal: Principal, record: FloatingIP) -> None:
    await ensure_manager(session, principal, record.customer_uuid, record.project_uuid)
    await ensure_idle(session, record)


async def assign(
    session: AsyncSession, principal: Principal, record: FloatingIP, data: FloatingIPAssignRequest
) -> None:
    """Point the floating IP at a port of its tenant that has an address."""
    await _ready(session, principal, record)
    try:
        port: Port = await get_visible(session, principal, Port, parse_reference("port", data.port))
    except NotFound as error:
        raise ValidationFailed.field("port", "No such port.") from error
    if port.tenant_uuid != record.tenant_uuid:
        raise ValidationFailed.field("port", "The port belongs to another tenant.")
    if not port.backend_id or not port.fixed_ips:
        raise ValidationFailed.field("port", "The port has no address yet.")
    await schedule(
        session,
        "floating_ip",
        record,
        "assign",
        actor=Actor.of(principal),
        state=ResourceState.UPDATE_SCHEDULED,
        params={"port_uuid": str(port.uuid)},
    )


async def unassign(session: AsyncSession, principal: Principal, record: FloatingIP) -> None:
    """Detach the floating IP from its port (it stays allocated)."""
    await _ready(session, principal, record)
    if not record.port_backend_id:
        raise ValidationFailed("The floating IP is not assigned.")
    await schedule(
        session,
        "floating_ip",
        record,
        "unassign",
        actor=Actor.of(principal),
        state=ResourceState.UPDATE_SCHEDULED,
    )


async def release(session: AsyncSession, principal: Principal, record: FloatingIP) -> None:
    """Give the address back to the cloud (DELETION_SCHEDULED)."""
    await _ready(session, principal, record)
    await schedule(
        session,
        "floating_ip",
        record,
        "delete",
        actor=Actor.of(principal),
        state=ResourceState.DELETION_SCHEDULED,
    )
