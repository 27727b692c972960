"""Subnets in the cloud: create, update, delete and pull, as operations of the
`network-operation` saga."""

from __future__ import annotations

from stackyard_common.openstack import NotFound
from stackyard_common.openstack.network import Subnet as CloudSubnet
from stackyard_common.sagas import StepFailed
from stackyard_network.networks.models import Network
from stackyard_network.resources.operations import Operation, Outcome, gone, operation
from stackyard_network.subnets.models import Subnet

__all__ = ["apply_subnet"]


def apply_subnet(record: Subnet, found: CloudSubnet) -> None:
    """Copy what the cloud says about a subnet onto its record."""
    record.backend_id = found.id
    record.name = found.name
    record.description = found.description
    record.cidr = found.cidr
    record.ip_version = found.ip_version
    record.gateway_ip = found.gateway_ip
    record.enable_dhcp = found.enable_dhcp
    record.allocation_pools = [dict(pool) for pool in found.allocation_pools]
    record.dns_nameservers = list(found.dns_nameservers)
    record.host_routes = [dict(route) for route in found.host_routes]


@operation("subnet", "create")
async def create(job: Operation) -> Outcome:
    record: Subnet = job.record
    network = await job.session.get(Network, record.network_uuid)
    if network is None or not network.backend_id:
        raise StepFailed("The subnet's network is not in the cloud.")
    found = await job.cloud.network.find_subnet(tags=[job.tag])
    if found is None:
        found = await job.cloud.network.create_subnet(
            network.backend_id,
            record.cidr,
            name=record.name,
            gateway_ip=record.gateway_ip,
            enable_dhcp=record.enable_dhcp,
            dns_nameservers=record.dns_nameservers or None,
            allocation_pools=record.allocation_pools or None,
            tags=[job.tag],
        )
    # Creation takes neither host routes nor "no gateway": both are set afterwards.
    extra: dict[str, object] = {}
    if record.host_routes and found.host_routes != record.host_routes:
        extra["host_routes"] = record.host_routes
    if job.params.get("disable_gateway") and found.gateway_ip is not None:
        extra["gateway_ip"] = None
    if record.description and found.description != record.description:
        extra["description"] = record.description
    if extra:
        found = await job.cloud.network.update_subnet(found.id, **extra)
    apply_subnet(record, found)
    return Outcome.KEEP


@operation("subnet", "update")
async def update(job: Operation) -> Outcome:
    found = await job.cloud.network.update_subnet(job.record.backend_id, **dict(job.params))
    apply_subnet(job.record, found)
    return Outcome.KEEP


@operation("subnet", "delete")
async def delete(job: Operation) -> Outcome:
    if job.record.backend_id:
        await job.cloud.network.delete_subnet(job.record.backend_id)
    return Outcome.DELETED


@operation("subnet", "pull")
async def pull(job: Operation) -> Outcome:
    try:
        found = await job.cloud.network.get_subnet(job.record.backend_id)
    except NotFound as error:
        raise gone("subnet", job.record.backend_id) from error
    apply_subnet(job.record, found)
    return Outcome.KEEP
