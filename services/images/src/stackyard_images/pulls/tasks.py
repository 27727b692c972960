"""When pulls run: a saga per tenant started by identity's tenant events, and a daily
pull (`pull-images`, with the other properties of the specification) of every usable
tenant and of every cloud they live on.

    tenant.state_changed.v1 (OK)                 pull-images saga for the tenant
    tenant.properties_pulled.v1 (with images)    the same (identity's `pull_images`), but
                                                 not while the tenant is CREATING
    tenant.deleted.v1                            the tenant's image records go
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.db import Database
from stackyard_common.events import Consumer, Envelope, consumer
from stackyard_common.jobs import PeriodicJob
from stackyard_common.sagas import Saga, Step, StepContext, start_saga
from stackyard_common.tenants import apply_tenant_event, get_tenant, tenants
from stackyard_images.clouds import CLOUDS_KEY, CloudAccess
from stackyard_images.pulls.service import (
    forget_tenant_images,
    pull_cloud_images,
    pull_tenant_images,
)

__all__ = ["image_pulls_consumer", "pull_all_images", "pull_images", "pull_images_daily"]

log = structlog.get_logger(__name__)

STATE_CHANGED = "tenant.state_changed.v1"
PROPERTIES_PULLED = "tenant.properties_pulled.v1"
DELETED = "tenant.deleted.v1"
PROVISIONING = "CREATING"


def _clouds(services: Mapping[str, Any]) -> CloudAccess:
    clouds: CloudAccess = services[CLOUDS_KEY]
    return clouds


async def _pull_tenant(ctx: StepContext) -> Mapping[str, Any] | None:
    tenant = await get_tenant(ctx.session, ctx.resource_uuid)
    if tenant is None or not tenant.usable:
        return {"skipped": True}  # gone or not OK since: nothing of it to pull
    client = await _clouds(ctx.services).tenant(tenant.uuid)
    result = await pull_tenant_images(ctx.session, client, tenant)
    return {"tenant_images": result.added + result.updated + result.removed}


async def _pull_public(ctx: StepContext) -> Mapping[str, Any] | None:
    tenant = await get_tenant(ctx.session, ctx.resource_uuid)
    if tenant is None or not tenant.usable:
        return None
    client = await _clouds(ctx.services).admin(tenant.cloud_connection_uuid)
    await pull_cloud_images(ctx.session, client, tenant.cloud_connection_uuid)
    return None


def _cloud_step(name: str, action: Any) -> Step:
    return Step(name, action, max_attempts=6, retry_base=timedelta(seconds=1))


pull_images = Saga(
    "pull-images",
    steps=[
        _cloud_step("pull-tenant-images", _pull_tenant),
        _cloud_step("pull-public-images", _pull_public),
    ],
)
"""Pull a tenant's images, then its cloud's public images."""


async def on_tenant_event(envelope: Envelope, session: AsyncSession) -> None:
    """Start a pull when a tenant turns OK, or when identity pulled the images of a tenant
    that is not being provisioned; forget the images of a deleted tenant."""
    await apply_tenant_event(envelope, session)  # the projection first: the pull reads it
    tenant = envelope.payload.get("tenant_uuid")
    if not tenant:
        return
    record = await get_tenant(session, uuid.UUID(str(tenant)))
    if record is None:
        return
    if envelope.type == DELETED:
        await forget_tenant_images(session, record.uuid)
        return
    turned_ok = envelope.type == STATE_CHANGED and envelope.payload.get("state") == "OK"
    # A tenant being provisioned has its properties pulled just before it turns OK, and
    # turning OK starts a pull of its own: one pull for a new tenant, not two. The event
    # says the state the tenant was in when it was pulled.
    pulled = (
        envelope.type == PROPERTIES_PULLED
        and "images" in envelope.payload
        and envelope.payload.get("state") != PROVISIONING
    )
    if turned_ok or pulled:
        await start_saga(session, pull_images, record.uuid)


image_pulls_consumer: Consumer = consumer(
    "image-pulls", routing_keys=(STATE_CHANGED, PROPERTIES_PULLED, DELETED)
)(on_tenant_event)


async def pull_all_images(ctx: dict[str, Any]) -> dict[str, int]:
    """Pull every usable tenant's images and every one of their clouds' public images;
    how many tenants and clouds were pulled and how many pulls failed (each failure is
    logged; the others go on)."""
    database: Database = ctx["database"]
    clouds = _clouds(ctx)
    async with database.session() as session:
        rows = (
            await session.execute(
                select(tenants.c.uuid).where(tenants.c.deleted.is_(False), tenants.c.state == "OK")
            )
        ).scalars()
        tenant_uuids = list(rows)
    failures = pulled = 0
    connections = set()
    for tenant_uuid in tenant_uuids:
        try:
            async with database.session() as session:
                tenant = await get_tenant(session, tenant_uuid)
                if tenant is None or not tenant.usable:
                    continue
                connections.add(tenant.cloud_connection_uuid)
                await pull_tenant_images(session, await clouds.tenant(tenant.uuid), tenant)
                pulled += 1
        except Exception:
            failures += 1
            log.exception("images.pull_failed", tenant=str(tenant_uuid))
    for connection in connections:
        try:
            async with database.session() as session:
                await pull_cloud_images(session, await clouds.admin(connection), connection)
        except Exception:
            failures += 1
            log.exception("images.pull_failed", cloud=str(connection))
    return {"tenants": pulled, "clouds": len(connections), "failed": failures}


pull_images_daily = PeriodicJob(
    "pull-images", pull_all_images, every=timedelta(days=1), timeout=timedelta(minutes=30)
)
