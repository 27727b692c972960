"""Ports made for compute's instances, synchronously (see `stackyard_network.internal`).

The record is kept like any other port (device owner `compute:...` once the instance
uses it) and announced by `port.created.v1` / `port.updated.v1` / `port.deleted.v1`.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.api import Conflict, ServiceUnavailable, ValidationFailed
from stackyard_common.openstack import ApiError, OpenStackError, Unavailable
from stackyard_common.tenants import TenantRecord, get_tenant
from stackyard_network.cloud import Clouds
from stackyard_network.internal.schemas import InternalPort, InternalPortRequest
from stackyard_network.networks import repository as networks
from stackyard_network.ports.models import Port
from stackyard_network.ports.planning import (
    FixedIP,
    PortPlan,
    apply_port,
    check_fixed_ips,
    groups_of,
    make_port,
)
from stackyard_network.rbac.models import RBACPolicy
from stackyard_network.resources.events import CREATED, DELETED, UPDATED, Actor, resource_event
from stackyard_network.resources.models import ResourceState
from stackyard_network.security_groups.models import SecurityGroup
from stackyard_network.subnets.models import Subnet

__all__ = ["create_port", "delete_port", "internal_port", "set_groups", "usable_tenant"]


def internal_port(port: Port) -> InternalPort:
    """The answer compute gets about a port."""
    first = port.fixed_ips[0]["subnet_id"] if port.fixed_ips else ""
    return InternalPort.model_validate(
        {
            "uuid": port.uuid,
            "backend_id": port.backend_id,
            "network_backend_id": port.network_backend_id,
            "subnet_backend_id": first,
            "fixed_ips": port.fixed_ips,
            "mac_address": port.mac_address,
            "state": port.state,
        }
    )


async def usable_tenant(session: AsyncSession, tenant_uuid: uuid.UUID) -> TenantRecord:
    """The tenant, ready for resources; 400 on `tenant_uuid` otherwise."""
    tenant = await get_tenant(session, tenant_uuid)
    if tenant is None or not tenant.usable:
        raise ValidationFailed.field("tenant_uuid", "No such tenant, or it is not ready.")
    return tenant


async def _placement(
    session: AsyncSession, tenant: TenantRecord, data: InternalPortRequest
) -> tuple[uuid.UUID | None, str, Subnet | None]:
    """The network (record, Neutron id) and subnet the port goes into."""
    if data.subnet_uuid is not None:
        subnet = await session.get(Subnet, data.subnet_uuid)
        if subnet is None or subnet.tenant_uuid != tenant.uuid or not subnet.backend_id:
            raise ValidationFailed.field("subnet_uuid", "No such subnet in the tenant.")
        network = await networks.by_uuid(session, subnet.network_uuid)
        return subnet.network_uuid, network.backend_id if network else "", subnet
    if data.network_uuid is not None:
        network = await networks.by_uuid(session, data.network_uuid)
        shared = await session.execute(
            networks.shared_with([tenant.uuid]).where(RBACPolicy.network_uuid == data.network_uuid)
        )
        if (
            network is None
            or not network.backend_id
            or (network.tenant_uuid != tenant.uuid and shared.first() is None)
        ):
            raise ValidationFailed.field("network_uuid", "No such network for the tenant.")
        return network.uuid, network.backend_id, None
    if not tenant.subnet_id:
        raise ValidationFailed.field("subnet_uuid", "The tenant has no internal subnet.")
    found = await session.execute(
        select(Subnet).where(
            Subnet.tenant_uuid == tenant.uuid, Subnet.backend_id == tenant.subnet_id
        )
    )
    subnet = found.scalars().first()
    network_uuid = subnet.network_uuid if subnet else None
    return network_uuid, tenant.internal_network_id, subnet


async def _default_groups(session: AsyncSession, tenant: TenantRecord) -> list[str] | None:
    found = await session.execute(
        select(SecurityGroup.backend_id).where(
            SecurityGroup.tenant_uuid == tenant.uuid,
            SecurityGroup.name == "default",
            SecurityGroup.backend_id != "",
        )
    )
    group = found.scalars().first()
    # Without a record of it, Neutron's own default applies: the project's `default`.
    return [group] if group else None


async def create_port(
    session: AsyncSession, clouds: Clouds, caller: str, data: InternalPortRequest
) -> tuple[Port, bool]:
    """The port `data.uuid` (made now, or made before: the flag says whether it is new)."""
    existing = await session.get(Port, data.uuid)
    if existing is not None:
        return existing, False
    tenant = await usable_tenant(session, data.tenant_uuid)
    network_uuid, network_id, subnet = await _placement(session, tenant, data)
    fixed_ips: list[dict[str, str]] = []
    if subnet is not None:
        wanted = [FixedIP(subnet, data.fixed_ip)]
        fixed_ips = await check_fixed_ips(session, None, wanted, "fixed_ip")
    elif data.fixed_ip is not None:
        fixed_ips = [{"subnet_id": tenant.subnet_id, "ip_address": data.fixed_ip}]
    groups: list[str] | None
    if data.security_group_uuids is not None:
        groups = await groups_of(
            session, tenant.uuid, data.security_group_uuids, "security_group_uuids"
        )
    else:
        groups = await _default_groups(session, tenant)
    port = Port(
        uuid=data.uuid,
        name=data.name,
        description=data.description,
        network_uuid=network_uuid,
        network_backend_id=network_id,
        tenant_uuid=tenant.uuid,
        customer_uuid=tenant.customer_uuid,
        project_uuid=tenant.project_uuid,
        state=ResourceState.CREATING.value,
    )
    plan = PortPlan(network_uuid, network_id, fixed_ips, groups)
    cloud = await clouds.tenant(tenant.uuid)
    try:
        found = await make_port(cloud, port, plan)
    except Unavailable as error:
        raise ServiceUnavailable(f"The cloud did not answer: {error.message}") from error
    except ApiError as error:
        field = "fixed_ip" if data.fixed_ip else "non_field_errors"
        raise ValidationFailed.field(field, error.message) from error
    apply_port(port, found)
    port.state = ResourceState.OK.value
    session.add(port)
    await session.flush()
    await resource_event(session, "port", CREATED, port, actor=Actor(None, caller))
    return port, True


async def delete_port(
    session: AsyncSession,
    clouds: Clouds,
    caller: str,
    key: uuid.UUID,
    tenant_uuid: uuid.UUID | None,
) -> None:
    """Delete the port `key` in the cloud (if there) and its record (if any)."""
    port = await session.get(Port, key, with_for_update=True)
    tenant = port.tenant_uuid if port is not None else tenant_uuid
    if tenant is None:
        return  # nothing known of it: nothing to delete
    cloud = await clouds.tenant(tenant)
    try:
        backend_id = port.backend_id if port is not None else ""
        if not backend_id:
            found = await cloud.network.find_port(tags=[str(key)])
            backend_id = found.id if found else ""
        if backend_id:
            await cloud.network.delete_port(backend_id)
    except OpenStackError as error:
        raise ServiceUnavailable(f"The cloud refused: {error.message}") from error
    if port is not None:
        await resource_event(session, "port", DELETED, port, actor=Actor(None, caller))
        await session.delete(port)
        await session.flush()


async def set_groups(
    session: AsyncSession, clouds: Clouds, caller: str, port: Port, group_uuids: list[uuid.UUID]
) -> Port:
    """Replace the port's security groups (all of its tenant) now."""
    if not port.backend_id:
        raise Conflict("The port is not in the cloud.")
    ids = await groups_of(session, port.tenant_uuid, group_uuids, "security_group_uuids")
    cloud = await clouds.tenant(port.tenant_uuid)
    try:
        found = await cloud.network.update_port(port.backend_id, security_groups=ids)
    except OpenStackError as error:
        raise ServiceUnavailable(f"The cloud refused: {error.message}") from error
    apply_port(port, found)
    await session.flush()
    await resource_event(session, "port", UPDATED, port, actor=Actor(None, caller))
    return port
