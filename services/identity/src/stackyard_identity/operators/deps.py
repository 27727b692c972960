"""What the operators' endpoints share: the marketplace client and the tenant lookup."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.api import NotFound
from stackyard_identity.operators.marketplace import MarketplaceLimits
from stackyard_identity.tenants.models import Tenant

__all__ = ["MarketplaceDep", "tenant_or_404"]


def _marketplace(request: Request) -> MarketplaceLimits:
    # `marketplace_transport` on the app's state replaces the network in tests.
    return MarketplaceLimits(
        request.app.state.settings, getattr(request.app.state, "marketplace_transport", None)
    )


MarketplaceDep = Annotated[MarketplaceLimits, Depends(_marketplace)]


async def tenant_or_404(
    session: AsyncSession, tenant_uuid: uuid.UUID, *, lock: bool = True
) -> Tenant:
    """The tenant, row-locked for the request's transaction unless `lock` is false (a
    push holds the lock while it writes to the cloud, so no saga starts meanwhile);
    `NotFound` when it is unknown."""
    tenant = await session.get(Tenant, tenant_uuid, with_for_update=lock)
    if tenant is None:
        raise NotFound("No such tenant.")
    return tenant
