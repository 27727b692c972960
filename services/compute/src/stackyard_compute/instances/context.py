"""What every instance saga step starts from: the instance, its tenant and cloud."""

from __future__ import annotations

from stackyard_common.resources.steps import RecordStep
from stackyard_common.sagas import StepContext, StepFailed
from stackyard_common.tenants import TenantRecord, get_tenant
from stackyard_compute.common.runtime import RUNTIME, ComputeRuntime
from stackyard_compute.instances.models import Instance

__all__ = ["InstanceStep", "load", "tenant_of"]

InstanceStep = RecordStep[ComputeRuntime, Instance]


async def load(ctx: StepContext) -> InstanceStep:
    """The run's instance; `StepFailed` when its record is gone."""
    return await RecordStep.load(ctx, RUNTIME, Instance)


async def tenant_of(step: InstanceStep) -> TenantRecord:
    """The instance's tenant as compute's projection has it."""
    async with step.runtime.database.session() as session:
        tenant = await get_tenant(session, step.record.tenant_uuid)
    if tenant is None:
        raise StepFailed(f"tenant {step.record.tenant_uuid} is unknown")
    return tenant
