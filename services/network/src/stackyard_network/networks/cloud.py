"""Networks in the cloud: create, update, delete and pull, as operations of the
`network-operation` saga."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from stackyard_common.openstack import NotFound
from stackyard_common.openstack.network import Network as CloudNetwork
from stackyard_network.networks.models import Network
from stackyard_network.resources.events import DELETED, resource_event
from stackyard_network.resources.operations import Operation, Outcome, gone, operation
from stackyard_network.subnets.models import Subnet

__all__ = ["apply_network"]


def apply_network(record: Network, found: CloudNetwork) -> None:
    """Copy what the cloud says about a network onto its record."""
    raw: dict[str, Any] = found.raw
    record.backend_id = found.id
    record.name = found.name
    record.description = found.description
    record.mtu = found.mtu
    record.runtime_state = found.status or ""
    record.is_external = found.is_external
    record.shared = found.shared
    record.type = str(raw.get("provider:network_type") or "")
    record.segmentation_id = raw.get("provider:segmentation_id")


@operation("network", "create")
async def create(job: Operation) -> Outcome:
    record: Network = job.record
    found = await job.cloud.network.find_network(tags=[job.tag])
    if found is None:
        found = await job.cloud.network.create_network(
            record.name, description=record.description, mtu=record.mtu, tags=[job.tag]
        )
    apply_network(record, found)
    return Outcome.KEEP


@operation("network", "update")
async def update(job: Operation) -> Outcome:
    changes = {k: v for k, v in job.params.items() if k in ("name", "description", "mtu")}
    apply_network(
        job.record, await job.cloud.network.update_network(job.record.backend_id, **changes)
    )
    return Outcome.KEEP


@operation("network", "delete")
async def delete(job: Operation) -> Outcome:
    record: Network = job.record
    if record.backend_id:
        await job.cloud.network.delete_network(record.backend_id)
    # Neutron deleted the network's subnets with it; their records go the same way.
    subnets = await job.session.execute(select(Subnet).where(Subnet.network_uuid == record.uuid))
    for subnet in subnets.scalars():
        await resource_event(job.session, "subnet", DELETED, subnet)
        await job.session.delete(subnet)
    return Outcome.DELETED


@operation("network", "pull")
async def pull(job: Operation) -> Outcome:
    try:
        found = await job.cloud.network.get_network(job.record.backend_id)
    except NotFound as error:
        raise gone("network", job.record.backend_id) from error
    apply_network(job.record, found)
    return Outcome.KEEP
