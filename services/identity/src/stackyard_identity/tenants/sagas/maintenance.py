"""Sagas that bring the platform's record of a tenant in step with its cloud.

pull-tenant                  pull-quotas (limits and usage; ERRED if the project is
                             gone), pull-properties, mark-ok
pull-tenant-properties       pull-properties only (flavors, images or volume types on
                             request); the tenant's state does not change
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from stackyard_common.sagas import Saga, Step, StepContext, StepFailed
from stackyard_identity.tenants.models import TenantState
from stackyard_identity.tenants.refresh import ProjectGone, cloud_quotas_of
from stackyard_identity.tenants.sagas.context import TenantStep
from stackyard_identity.tenants.sagas.errors import refusals_fail
from stackyard_identity.tenants.sagas.marks import mark, mark_erred
from stackyard_identity.tenants.sagas.property_steps import pull_properties
from stackyard_identity.tenants.sagas.provisioning import cloud_step

__all__ = ["pull_tenant", "pull_tenant_properties"]


@refusals_fail
async def pull_quotas(ctx: StepContext) -> Mapping[str, Any] | None:
    """The cloud's limits become the tenant's quotas; its usage, the tenant's usage."""
    step = await TenantStep.load(ctx)
    try:
        limits, usage = await cloud_quotas_of(await step.cloud(), step.tenant)
    except ProjectGone as error:
        raise StepFailed(str(error)) from error
    await step.save(quotas={**step.tenant.quotas, **limits}, usage=usage)
    return None


pull_tenant = Saga(
    "pull-tenant",
    steps=[
        cloud_step("pull-quotas", pull_quotas),
        cloud_step("pull-properties", pull_properties),
        Step("mark-ok", mark(TenantState.OK, final=True)),
    ],
    on_failure=mark_erred,
)

pull_tenant_properties = Saga(
    "pull-tenant-properties", steps=[cloud_step("pull-properties", pull_properties)]
)
