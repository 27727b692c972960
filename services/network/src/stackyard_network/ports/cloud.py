"""Ports in the cloud: create, update (name, description, groups), delete and pull, as
operations of the `network-operation` saga."""

from __future__ import annotations

from stackyard_common.openstack import NotFound
from stackyard_network.ports.models import Port
from stackyard_network.ports.planning import PortPlan, apply_port, make_port
from stackyard_network.resources.operations import Operation, Outcome, gone, operation

__all__: list[str] = []


@operation("port", "create")
async def create(job: Operation) -> Outcome:
    record: Port = job.record
    plan = PortPlan(
        network_uuid=record.network_uuid,
        network_backend_id=record.network_backend_id,
        fixed_ips=list(job.params.get("fixed_ips") or []),
        security_group_ids=job.params.get("security_group_ids"),
    )
    apply_port(record, await make_port(job.cloud, record, plan))
    return Outcome.KEEP


@operation("port", "update")
async def update(job: Operation) -> Outcome:
    found = await job.cloud.network.update_port(job.record.backend_id, **dict(job.params))
    apply_port(job.record, found)
    return Outcome.KEEP


@operation("port", "delete")
async def delete(job: Operation) -> Outcome:
    if job.record.backend_id:
        await job.cloud.network.delete_port(job.record.backend_id)
    return Outcome.DELETED


@operation("port", "pull")
async def pull(job: Operation) -> Outcome:
    try:
        found = await job.cloud.network.get_port(job.record.backend_id)
    except NotFound as error:
        raise gone("port", job.record.backend_id) from error
    apply_port(job.record, found)
    return Outcome.KEEP
