"""RBAC policies in the cloud: create and delete, as operations of the
`network-operation` saga."""

from __future__ import annotations

from stackyard_common.openstack import Conflict
from stackyard_common.sagas import StepFailed
from stackyard_common.tenants import get_tenant
from stackyard_network.networks.models import Network
from stackyard_network.rbac.models import RBACPolicy
from stackyard_network.resources.operations import Operation, Outcome, gone, operation

__all__: list[str] = []


@operation("rbac_policy", "create")
async def create(job: Operation) -> Outcome:
    record: RBACPolicy = job.record
    network = await job.session.get(Network, record.network_uuid)
    target = await get_tenant(job.session, record.target_tenant_uuid)
    if network is None or not network.backend_id or target is None or not target.backend_id:
        raise StepFailed("The network or the target tenant is not in the cloud.")
    try:
        found = await job.cloud.network.create_rbac_policy(
            network.backend_id, target.backend_id, action=record.policy_type
        )
    except Conflict:
        # Made by an earlier attempt that did not finish: Neutron refuses a duplicate.
        existing = await job.cloud.network.list_rbac_policies(
            object_id=network.backend_id, target_tenant=target.backend_id
        )
        matching = [item for item in existing if item.action == record.policy_type]
        if not matching:
            raise
        found = matching[0]
    record.backend_id = found.id
    return Outcome.KEEP


@operation("rbac_policy", "delete")
async def delete(job: Operation) -> Outcome:
    if job.record.backend_id:
        await job.cloud.network.delete_rbac_policy(job.record.backend_id)
    return Outcome.DELETED


@operation("rbac_policy", "pull")
async def pull(job: Operation) -> Outcome:
    network = await job.session.get(Network, job.record.network_uuid)
    policies = await job.cloud.network.list_rbac_policies(
        object_id=network.backend_id if network else None
    )
    if all(item.id != job.record.backend_id for item in policies):
        raise gone("RBAC policy", job.record.backend_id)
    return Outcome.KEEP
