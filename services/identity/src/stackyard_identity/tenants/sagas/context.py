"""What every tenant saga step starts from: the tenant as it is now, the process's
runtime and the cloud's client.

The tenant is read in a short transaction of its own and the step's writes go through
`ctx.session` at the end: no database connection is held while the cloud answers, so a
worker drives many sagas on a small connection pool.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import update

from stackyard_common.openstack import OpenStackClient
from stackyard_common.sagas import StepContext, StepFailed
from stackyard_identity.tenants.models import Tenant
from stackyard_identity.tenants.runtime import TenantRuntime, runtime_of

__all__ = ["TenantStep"]


@dataclass
class TenantStep:
    """A step's view of its tenant."""

    ctx: StepContext
    runtime: TenantRuntime
    tenant: Tenant

    @classmethod
    async def load(cls, ctx: StepContext) -> TenantStep:
        """The tenant of the saga run; `StepFailed` when its record is gone."""
        runtime = runtime_of(ctx.services)
        await runtime.clouds.identity_keys()
        async with runtime.database.session() as session:
            tenant = await session.get(Tenant, ctx.resource_uuid)
        if tenant is None:
            raise StepFailed(f"tenant {ctx.resource_uuid} no longer exists")
        return cls(ctx, runtime, tenant)

    async def cloud(self) -> OpenStackClient:
        """The client of the tenant's cloud connection."""
        return await self.runtime.clouds.client(self.tenant.connection_uuid)

    @property
    def options(self) -> dict[str, Any]:
        return self.tenant.options

    async def save(self, **fields: Any) -> None:
        """Write `fields` to the tenant in the step's transaction (and to the snapshot)."""
        for name, value in fields.items():
            setattr(self.tenant, name, value)
        await self.ctx.session.execute(
            update(Tenant).where(Tenant.uuid == self.tenant.uuid).values(**fields)
        )

    async def current(self) -> Tenant:
        """The tenant as the step's transaction sees it (after `save`)."""
        tenant = await self.ctx.session.get(Tenant, self.tenant.uuid, populate_existing=True)
        if tenant is None:
            raise StepFailed(f"tenant {self.tenant.uuid} no longer exists")
        return tenant
