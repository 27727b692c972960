"""The tenant teardown saga, and scheduling it.

teardown-tenant
 1 mark-deleting            state DELETING
 2..13                      floating IPs, router routes and interfaces, ports, routers,
                            networks, security groups, snapshots, instances, volumes,
                            server groups, users, the project and then the security
                            groups made in it meanwhile (`teardown_steps`)
14 forget-tenant            the record goes; `tenant.deleted.v1` ends the order
on failure: the tenant (and its order) end ERRED with the cloud's message; what is left
is deleted by the next teardown.
"""

from __future__ import annotations

import uuid

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.sagas import Saga, Step, StepContext, start_saga
from stackyard_identity.audit.recording import SYSTEM, Actor
from stackyard_identity.tenants.events import DELETED, STATE_CHANGED, tenant_event
from stackyard_identity.tenants.models import Tenant, TenantState
from stackyard_identity.tenants.sagas.context import TenantStep
from stackyard_identity.tenants.sagas.marks import mark, mark_erred, order_of
from stackyard_identity.tenants.sagas.provisioning import cloud_step
from stackyard_identity.tenants.sagas.teardown_steps import TEARDOWN_STEPS
from stackyard_identity.tenants.service import refuse_order

__all__ = ["DELETABLE", "schedule_teardown", "teardown_tenant"]

DELETABLE = frozenset({TenantState.OK.value, TenantState.ERRED.value})


async def forget_tenant(ctx: StepContext) -> None:
    """Delete the tenant's record and say so (ending its order)."""
    step = await TenantStep.load(ctx)
    await ctx.session.execute(delete(Tenant).where(Tenant.uuid == step.tenant.uuid))
    await tenant_event(ctx.session, DELETED, step.tenant, order=order_of(ctx), order_result="done")


teardown_tenant = Saga(
    "teardown-tenant",
    steps=[
        Step("mark-deleting", mark(TenantState.DELETING)),
        *(cloud_step(name, action) for name, action in TEARDOWN_STEPS),
        Step("forget-tenant", forget_tenant),
    ],
    on_failure=mark_erred,
)


async def schedule_teardown(
    session: AsyncSession, tenant: Tenant, order: uuid.UUID | None, actor: Actor = SYSTEM
) -> bool:
    """Start the teardown of an OK or ERRED tenant (DELETION_SCHEDULED); otherwise end
    the order, if any, as refused. Returns whether the teardown was scheduled."""
    if tenant.state not in DELETABLE:
        if order is not None:
            await refuse_order(session, tenant, order, f"The tenant is {tenant.state}.")
        return False
    tenant.state = TenantState.DELETION_SCHEDULED.value
    await session.flush()
    data = {"order_uuid": str(order)} if order else {}
    await start_saga(session, teardown_tenant, tenant.uuid, data)
    await tenant_event(session, STATE_CHANGED, tenant, order=order, actor=actor)
    return True
