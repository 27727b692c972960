"""Creating, changing and deleting ports through the public API: fixed IPs and groups
checked here, the cloud work done by the worker (202)."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.api import Conflict, NotFound, ValidationFailed
from stackyard_common.auth import Principal
from stackyard_network.networks import repository as networks
from stackyard_network.ports.models import Port
from stackyard_network.ports.planning import FixedIP, check_fixed_ips, groups_of
from stackyard_network.ports.schemas import PortCreate, PortFixedIPRequest, PortUpdate, reference_of
from stackyard_network.resources.access import ensure_manager, parse_reference, writable_tenant
from stackyard_network.resources.events import CREATED, Actor, resource_event
from stackyard_network.resources.models import ResourceState
from stackyard_network.resources.operations import ensure_idle, schedule
from stackyard_network.subnets.models import Subnet

__all__ = ["create_port", "delete_port", "subnets_for", "update_port"]


async def subnets_for(
    session: AsyncSession, requests: Sequence[PortFixedIPRequest], field_name: str
) -> list[FixedIP]:
    """The subnets the fixed IP requests name (by uuid or Neutron id); 400 on
    `field_name` for one that is unknown."""
    wanted: list[FixedIP] = []
    for item in requests:
        condition = Subnet.backend_id == item.subnet_id
        with contextlib.suppress(ValueError):
            condition = or_(condition, Subnet.uuid == uuid.UUID(item.subnet_id))
        subnet = (await session.execute(select(Subnet).where(condition))).scalars().first()
        if subnet is None or not subnet.backend_id:
            raise ValidationFailed.field(field_name, f"No such subnet: {item.subnet_id}.")
        wanted.append(FixedIP(subnet, item.ip_address))
    return wanted


def _group_keys(items: Sequence[str | dict[str, str]]) -> list[uuid.UUID]:
    return [parse_reference("security_groups", reference_of(item)) for item in items]


async def create_port(session: AsyncSession, principal: Principal, data: PortCreate) -> Port:
    """A new port record (CREATION_SCHEDULED) on a network the tenant owns."""
    try:
        network = await networks.visible_network(
            session, principal, parse_reference("network", data.network)
        )
    except NotFound as error:
        raise ValidationFailed.field("network", "No such network.") from error
    tenant = await writable_tenant(session, principal, network.tenant_uuid, field="network")
    if network.state != ResourceState.OK:
        raise Conflict(f"The network is {network.state}.")
    wanted = await subnets_for(session, data.fixed_ips, "fixed_ips")
    fixed_ips = await check_fixed_ips(session, network.uuid, wanted, "fixed_ips")
    groups = None
    if data.security_groups is not None:
        keys = _group_keys(data.security_groups)
        groups = await groups_of(session, tenant.uuid, keys, "security_groups")
    port = Port(
        name=data.name,
        description=data.description,
        network_uuid=network.uuid,
        network_backend_id=network.backend_id,
        tenant_uuid=tenant.uuid,
        customer_uuid=tenant.customer_uuid,
        project_uuid=tenant.project_uuid,
    )
    session.add(port)
    await session.flush()
    actor = Actor.of(principal)
    await resource_event(session, "port", CREATED, port, actor=actor)
    params = {"fixed_ips": fixed_ips, "security_group_ids": groups}
    await schedule(session, "port", port, "create", actor=actor, params=params, announce=False)
    return port


async def update_port(
    session: AsyncSession, principal: Principal, port: Port, data: PortUpdate
) -> Port:
    """Rename, describe or regroup a settled port (UPDATE_SCHEDULED)."""
    await ensure_manager(session, principal, port.customer_uuid, port.project_uuid)
    changes: dict[str, object] = {
        name: value
        for name, value in data.model_dump(
            exclude_unset=True, exclude_none=True, exclude={"security_groups"}
        ).items()
        if getattr(port, name) != value
    }
    if data.security_groups is not None:
        keys = _group_keys(data.security_groups)
        ids = await groups_of(session, port.tenant_uuid, keys, "security_groups")
        if sorted(ids) != sorted(port.security_group_ids):
            changes["security_groups"] = ids
    if not changes:
        return port
    await ensure_idle(session, port)
    for name in ("name", "description"):
        if name in changes:
            setattr(port, name, changes[name])
    await schedule(
        session,
        "port",
        port,
        "update",
        actor=Actor.of(principal),
        state=ResourceState.UPDATE_SCHEDULED,
        params=changes,
    )
    return port


async def delete_port(session: AsyncSession, principal: Principal, port: Port) -> None:
    """Delete a settled port (DELETION_SCHEDULED); 409 for a router's own port."""
    await ensure_manager(session, principal, port.customer_uuid, port.project_uuid)
    await ensure_idle(session, port)
    if port.device_owner.startswith("network:"):
        raise Conflict(f"The port belongs to {port.device_owner}; change that resource.")
    await schedule(
        session,
        "port",
        port,
        "delete",
        actor=Actor.of(principal),
        state=ResourceState.DELETION_SCHEDULED,
    )
