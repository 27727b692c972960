"""Floating IPs for compute's instances, synchronously (see `stackyard_network.internal`):
allocated from the tenant's external network (or an existing one of the tenant) and
pointed at an instance's port; unassigned; released."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.api import ServiceUnavailable, ValidationFailed
from stackyard_common.openstack import ApiError, OpenStackError, Unavailable
from stackyard_common.tenants import get_tenant
from stackyard_network.cloud import Clouds
from stackyard_network.external_networks.resolution import (
    external_address,
    resolve_external_network,
)
from stackyard_network.floating_ips.cloud import allocate, apply_floating_ip
from stackyard_network.floating_ips.models import FloatingIP
from stackyard_network.internal.ports import usable_tenant
from stackyard_network.internal.schemas import InternalFloatingIP, InternalFloatingIPRequest
from stackyard_network.ports.models import Port
from stackyard_network.resources.events import CREATED, DELETED, UPDATED, Actor, resource_event
from stackyard_network.resources.models import ResourceState

__all__ = ["assign_floating_ip", "internal_floating_ip", "release", "unassign"]


async def internal_floating_ip(session: AsyncSession, record: FloatingIP) -> InternalFloatingIP:
    """The answer compute gets about a floating IP."""
    tenant = await get_tenant(session, record.tenant_uuid)
    connection = tenant.cloud_connection_uuid if tenant else None
    public = await external_address(session, connection, [record.address or ""])
    return InternalFloatingIP(
        uuid=record.uuid,
        backend_id=record.backend_id,
        address=record.address,
        external_address=public.get(record.address or "", record.address),
        port_uuid=record.port_uuid,
    )


def _cloud_error(error: OpenStackError) -> Exception:
    if isinstance(error, ApiError) and not isinstance(error, Unavailable):
        return ValidationFailed(error.message)
    return ServiceUnavailable(f"The cloud did not answer: {error.message}")


async def assign_floating_ip(
    session: AsyncSession, clouds: Clouds, caller: str, data: InternalFloatingIPRequest
) -> tuple[FloatingIP, bool]:
    """A floating IP pointed at the port: `data.floating_ip_uuid` if given, else the
    one allocated under `data.uuid` (now, or by an earlier call: the flag says new)."""
    tenant = await usable_tenant(session, data.tenant_uuid)
    port = await session.get(Port, data.port_uuid)
    if port is None or port.tenant_uuid != tenant.uuid or not port.backend_id:
        raise ValidationFailed.field("port_uuid", "No such port in the tenant.")
    key = data.floating_ip_uuid or data.uuid
    record = await session.get(FloatingIP, key, with_for_update=True)
    if data.floating_ip_uuid is not None and (
        record is None or record.tenant_uuid != tenant.uuid or not record.backend_id
    ):
        raise ValidationFailed.field("floating_ip_uuid", "No such floating IP in the tenant.")
    cloud = await clouds.tenant(tenant.uuid)
    created = record is None
    if record is None:
        network_id = await resolve_external_network(session, clouds, tenant)
        if not network_id:
            raise ValidationFailed.field("tenant_uuid", "The tenant has no external network.")
        record = FloatingIP(
            uuid=data.uuid,
            backend_network_id=network_id,
            tenant_uuid=tenant.uuid,
            customer_uuid=tenant.customer_uuid,
            project_uuid=tenant.project_uuid,
        )
    try:
        if record.backend_id:
            found = await cloud.network.associate_floating_ip(record.backend_id, port.backend_id)
        else:
            found = await allocate(cloud, record, port.backend_id)
    except OpenStackError as error:
        raise _cloud_error(error) from error
    if created:
        session.add(record)
    await apply_floating_ip(session, record, found)
    record.state, record.error_message = ResourceState.OK.value, ""
    await session.flush()
    actor = Actor(None, caller)
    await resource_event(
        session, "floating_ip", CREATED if created else UPDATED, record, actor=actor
    )
    return record, created


async def unassign(
    session: AsyncSession, clouds: Clouds, caller: str, record: FloatingIP
) -> FloatingIP:
    """Detach the floating IP from its port now (it stays allocated)."""
    if record.backend_id:
        cloud = await clouds.tenant(record.tenant_uuid)
        try:
            found = await cloud.network.disassociate_floating_ip(record.backend_id)
        except OpenStackError as error:
            raise _cloud_error(error) from error
        await apply_floating_ip(session, record, found)
        await session.flush()
    await resource_event(session, "floating_ip", UPDATED, record, actor=Actor(None, caller))
    return record


async def release(session: AsyncSession, clouds: Clouds, caller: str, key: uuid.UUID) -> None:
    """Release the floating IP in the cloud (if there) and forget it."""
    record = await session.get(FloatingIP, key, with_for_update=True)
    if record is None:
        return
    if record.backend_id:
        cloud = await clouds.tenant(record.tenant_uuid)
        try:
            await cloud.network.delete_floating_ip(record.backend_id)
        except OpenStackError as error:
            raise _cloud_error(error) from error
    await resource_event(session, "floating_ip", DELETED, record, actor=Actor(None, caller))
    await session.delete(record)
    await session.flush()
