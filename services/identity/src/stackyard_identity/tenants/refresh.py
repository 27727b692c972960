"""Reading a settled tenant's quotas, usage and properties back from its cloud, outside
any saga: what the scheduled pulls do for every tenant, one tenant at a time.

The cloud is asked with no database connection held; the answer is written under the
tenant's row lock, and only while the tenant is still OK with no saga working on it,
so a pull never overwrites what a saga or an action is changing. Each difference
becomes an event: new limits `tenant.updated.v1` (`changed: ["quotas"]`), new
properties `tenant.properties_pulled.v1` with the parts that changed.
"""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.openstack import NotFound, OpenStackClient
from stackyard_common.sagas import saga_progress
from stackyard_common.sagas.tables import ACTIVE_STATES
from stackyard_identity.tenants.events import PROPERTIES_PULLED, UPDATED, tenant_event
from stackyard_identity.tenants.models import Tenant, TenantState
from stackyard_identity.tenants.runtime import TenantRuntime
from stackyard_identity.tenants.sagas.property_steps import PARTS, PropertyCache, fetch_properties
from stackyard_identity.tenants.usage import read_quotas

__all__ = [
    "Outcome",
    "ProjectGone",
    "cloud_quotas_of",
    "refresh_properties",
    "refresh_quotas",
    "saga_busy",
]


class ProjectGone(Exception):
    """The tenant has no project in its cloud (never had one, or it was deleted there)."""


class Outcome(StrEnum):
    """What a refresh did to one tenant."""

    CHANGED = "changed"
    UNCHANGED = "unchanged"
    BUSY = "busy"  # a saga works on it, or it is no longer OK: left alone


async def saga_busy(session: AsyncSession, tenant_uuid: uuid.UUID) -> bool:
    """Whether a saga is working on the tenant now (its newest run has not ended)."""
    progress = await saga_progress(session, tenant_uuid)
    return progress is not None and progress.state in ACTIVE_STATES


async def cloud_quotas_of(
    cloud: OpenStackClient, tenant: Tenant
) -> tuple[dict[str, int], dict[str, int]]:
    """The tenant's limits and usage as its cloud reports them, in the platform's names;
    `ProjectGone` when the cloud has no project of it."""
    if not tenant.backend_id:
        raise ProjectGone("the tenant has no project in the cloud")
    try:
        await cloud.identity.get_project(tenant.backend_id)
    except NotFound as error:
        raise ProjectGone(f"the tenant's project {tenant.backend_id} is gone") from error
    mode = str(tenant.options.get("storage_mode", "fixed"))
    return await read_quotas(cloud, tenant.backend_id, mode)


async def _settled(session: AsyncSession, tenant_uuid: uuid.UUID) -> Tenant | None:
    """The tenant, row-locked, if it is still OK and no saga works on it."""
    query = select(Tenant).where(Tenant.uuid == tenant_uuid).with_for_update()
    tenant = (await session.execute(query)).scalar_one_or_none()
    if tenant is None or tenant.state != TenantState.OK or await saga_busy(session, tenant_uuid):
        return None
    return tenant


async def refresh_quotas(runtime: TenantRuntime, tenant: Tenant) -> Outcome:
    """Make the cloud's limits the tenant's quotas and its usage the tenant's usage, as
    the `pull` action does; `ProjectGone` or the cloud's error when it cannot."""
    cloud = await runtime.clouds.client(tenant.connection_uuid)
    limits, usage = await cloud_quotas_of(cloud, tenant)
    async with runtime.database.session() as session:
        current = await _settled(session, tenant.uuid)
        if current is None:
            return Outcome.BUSY
        quotas = {**current.quotas, **limits}
        changed = {
            name: [current.quotas.get(name), value]
            for name, value in quotas.items()
            if current.quotas.get(name) != value
        }
        current.quotas, current.usage = quotas, usage
        await session.flush()
        if not changed:
            return Outcome.UNCHANGED
        await tenant_event(session, UPDATED, current, changed=["quotas"], quotas_changed=changed)
    return Outcome.CHANGED


async def refresh_properties(
    runtime: TenantRuntime, tenant: Tenant, cache: PropertyCache | None = None
) -> Outcome:
    """Pull the flavors, images, volume types and zones the cloud offers the tenant, as
    the `pull` action does; the parts that changed are kept and announced. Tenants
    pulled with one `cache` share their cloud's listings (see `fetch_properties`)."""
    cloud = await runtime.clouds.client(tenant.connection_uuid)
    pulled = await fetch_properties(cloud, tenant, PARTS, cache)
    async with runtime.database.session() as session:
        current = await _settled(session, tenant.uuid)
        if current is None:
            return Outcome.BUSY
        changed: dict[str, Any] = {
            part: items for part, items in pulled.items() if current.properties.get(part) != items
        }
        if not changed:
            return Outcome.UNCHANGED
        current.properties = {**current.properties, **changed}
        await session.flush()
        await tenant_event(session, PROPERTIES_PULLED, current, **changed)
    return Outcome.CHANGED
