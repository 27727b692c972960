"""Servers made directly in the emulated cloud (as a user of the cloud would, behind the
platform's back), instance records written directly, and what compute published."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import text

from stackyard_common.openstack.compute import Server
from stackyard_common.tenants import TenantRecord, get_tenant
from stackyard_compute.instances.models import Instance

from .conftest import Cloudyard, Tenant


async def direct_server(cloudyard: Cloudyard, tenant: Tenant, name: str) -> Server:
    """An ACTIVE m1.small cirros server on the tenant's network, made in the cloud only."""
    admin = cloudyard.clouds.admin
    flavor = next(f for f in await admin.compute.list_flavors() if f.name == "m1.small")
    image = next(i for i in await admin.image.list_images() if (i.name or "").startswith("cirros"))
    client = await cloudyard.clouds.client(tenant.uuid)
    made = await client.compute.create_server(
        name,
        flavor.id,
        image_id=image.id,
        networks=[{"uuid": tenant.networks["internal_network_id"]}],
    )
    return await client.compute.wait_for_server(made.id, timeout=30, interval=0.05)


async def delete_server(cloudyard: Cloudyard, tenant: Tenant, server_id: str) -> None:
    """Delete the server in the cloud only, and wait until it is gone."""
    client = await cloudyard.clouds.client(tenant.uuid)
    await client.compute.delete_server(server_id)
    await client.compute.wait_for_server_delete(server_id, timeout=30, interval=0.05)


async def record(
    cloudyard: Cloudyard,
    tenant: Tenant,
    *,
    backend_id: str = "",
    state: str = "OK",
    modified: datetime | None = None,
    **fields: Any,
) -> uuid.UUID:
    """An instance record of the tenant, written directly; its uuid."""
    values: dict[str, Any] = {
        "name": f"vm-{uuid.uuid4().hex[:6]}",
        "runtime_state": "ACTIVE" if backend_id else "",
        **fields,
    }
    instance = Instance(
        uuid=uuid.uuid4(),
        state=state,
        backend_id=backend_id,
        tenant_uuid=tenant.uuid,
        customer_uuid=tenant.customer,
        project_uuid=tenant.project,
        service_settings_uuid=uuid.uuid4(),
        **values,
    )
    if modified is not None:
        instance.modified = modified
    async with cloudyard.compute_db.session() as session:
        session.add(instance)
    return instance.uuid


async def load(cloudyard: Cloudyard, key: uuid.UUID) -> Instance | None:
    """The instance record as it is now (None when gone)."""
    async with cloudyard.compute_db.session() as session:
        return await session.get(Instance, key)


async def projected(cloudyard: Cloudyard, tenant: Tenant) -> TenantRecord:
    """The tenant as compute's projection has it."""
    async with cloudyard.compute_db.session() as session:
        found = await get_tenant(session, tenant.uuid)
    assert found is not None
    return found


async def published(cloudyard: Cloudyard, key: uuid.UUID) -> list[tuple[str, dict[str, Any]]]:
    """The events compute recorded about the instance `key`, oldest first."""
    async with cloudyard.compute_db.session() as session:
        rows = await session.execute(
            text(
                "SELECT type, body FROM outbox WHERE body->'payload'->>'instance_uuid' = :key "
                "ORDER BY created, body->>'occurred_at'"
            ),
            {"key": str(key)},
        )
        return [(row.type, dict(row.body["payload"])) for row in rows]
