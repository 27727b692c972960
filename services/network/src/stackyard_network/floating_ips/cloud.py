"""Floating IPs in the cloud: allocate (and associate), assign, unassign, release and
pull, as operations of the `network-operation` saga; `allocate` and `apply_floating_ip`
serve compute's synchronous calls too."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.openstack import NotFound, OpenStackClient
from stackyard_common.openstack.network import FloatingIP as CloudFloatingIP
from stackyard_common.sagas import StepFailed
from stackyard_network.floating_ips.models import FloatingIP
from stackyard_network.ports.models import Port
from stackyard_network.resources.operations import Operation, Outcome, gone, operation

__all__ = ["PortLink", "allocate", "apply_floating_ip", "copy_floating_ip", "port_links"]


PortLink = tuple[uuid.UUID, str]
"""What a floating IP's record shows of the port it points at: its record's uuid and
its device id."""


async def port_links(session: AsyncSession, backend_ids: Collection[str]) -> dict[str, PortLink]:
    """The records of the ports with these cloud ids that this service knows, by cloud
    id, in one query."""
    if not backend_ids:
        return {}
    rows = await session.execute(
        select(Port.backend_id, Port.uuid, Port.device_id).where(
            Port.backend_id.in_(list(backend_ids))
        )
    )
    return {backend_id: (key, device_id) for backend_id, key, device_id in rows}


def copy_floating_ip(record: Any, found: CloudFloatingIP, port: PortLink | None) -> None:
    """Copy what the cloud says about a floating IP onto its record, with `port`: the
    record of the port it points at, when it points at one this service knows."""
    record.backend_id = found.id
    record.address = found.floating_ip_address
    record.backend_network_id = found.floating_network_id
    record.runtime_state = found.status or ""
    record.fixed_ip_address = found.fixed_ip_address
    record.port_backend_id = found.port_id or ""
    record.port_uuid, record.device_id = port or (None, "")
    if not record.description:
        record.description = found.description


async def apply_floating_ip(
    session: AsyncSession, record: FloatingIP, found: CloudFloatingIP
) -> None:
    """`copy_floating_ip`, looking up the port it points at."""
    links = await port_links(session, [found.port_id] if found.port_id else [])
    copy_floating_ip(record, found, links.get(found.port_id or ""))


async def allocate(
    cloud: OpenStackClient, record: FloatingIP, port_id: str | None
) -> CloudFloatingIP:
    """The record's floating IP: found by its tag (associated to `port_id` if it is
    not yet), or allocated on the record's external network."""
    tag = str(record.uuid)
    found = next(iter(await cloud.network.list_floating_ips(tags=[tag])), None)
    if found is None:
        return await cloud.network.create_floating_ip(
            record.backend_network_id,
            port_id=port_id,
            description=record.description or None,
            tags=[tag],
        )
    if port_id and found.port_id != port_id:
        found = await cloud.network.associate_floating_ip(found.id, port_id)
    return found


@operation("floating_ip", "create")
async def create(job: Operation) -> Outcome:
    await apply_floating_ip(job.session, job.record, await allocate(job.cloud, job.record, None))
    return Outcome.KEEP


@operation("floating_ip", "assign")
async def assign(job: Operation) -> Outcome:
    port = await job.session.get(Port, job.params["port_uuid"])
    if port is None or not port.backend_id:
        raise StepFailed("The port is not in the cloud.")
    found = await job.cloud.network.associate_floating_ip(job.record.backend_id, port.backend_id)
    await apply_floating_ip(job.session, job.record, found)
    return Outcome.KEEP


@operation("floating_ip", "unassign")
async def unassign(job: Operation) -> Outcome:
    found = await job.cloud.network.disassociate_floating_ip(job.record.backend_id)
    await apply_floating_ip(job.session, job.record, found)
    return Outcome.KEEP


@operation("floating_ip", "delete")
async def delete(job: Operation) -> Outcome:
    if job.record.backend_id:
        await job.cloud.network.delete_floating_ip(job.record.backend_id)
    return Outcome.DELETED


@operation("floating_ip", "pull")
async def pull(job: Operation) -> Outcome:
    try:
        found = await job.cloud.network.get_floating_ip(job.record.backend_id)
    except NotFound as error:
        raise gone("floating IP", job.record.backend_id) from error
    await apply_floating_ip(job.session, job.record, found)
    return Outcome.KEEP
