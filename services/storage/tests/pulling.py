"""What the pull, recovery and metadata tests share: volumes made through the API or
written straight into the records, SQL on storage's schema, and the events about one
resource."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import text

from stackyard_common.openstack import OpenStackClient
from stackyard_common.resources.pulls import PullSettings
from stackyard_storage.common.runtime import CloudClients
from stackyard_storage.pulls.tenant import pull_tenant_volumes
from stackyard_storage.volumes.models import Volume

from .conftest import Storage, Tenant

SETTINGS = PullSettings(missing_grace_period=3600, creating_deadline=600)
"""An hour's grace, ten minutes to create."""


async def made_volume(storage: Storage, tenant: Tenant, name: str) -> dict[str, Any]:
    """A 1 GiB volume made through the API, once it is OK."""
    response = await storage.client.post(
        "/api/openstack-volumes/",
        headers=tenant.owner,
        json={"tenant": str(tenant.uuid), "name": name, "size": 1024},
    )
    assert response.status_code == 202, response.text
    volume = await storage.settled(
        f"/api/openstack-volumes/{response.json()['uuid']}/", tenant.owner
    )
    assert volume["state"] == "OK", volume
    return volume


async def written_volume(storage: Storage, tenant: Tenant, **fields: Any) -> uuid.UUID:
    """A volume record written straight into storage's table (no saga, no cloud call)."""
    key = uuid.uuid4()
    async with storage.database.session() as session:
        session.add(
            Volume(
                uuid=key,
                tenant_uuid=tenant.uuid,
                customer_uuid=tenant.customer,
                project_uuid=tenant.project,
                service_settings_uuid=uuid.uuid4(),
                **{"name": "written", "size": 1024, **fields},
            )
        )
    return key


async def sql(storage: Storage, statement: str, **params: Any) -> list[Any]:
    """Run `statement` on storage's schema; its rows, if it returns any."""
    async with storage.database.session() as session:
        result = await session.execute(text(statement), params)
        return list(result.all()) if getattr(result, "returns_rows", False) else []


async def record(storage: Storage, key: uuid.UUID | str) -> Volume | None:
    async with storage.database.session() as session:
        return await session.get(Volume, uuid.UUID(str(key)))


async def events_about(storage: Storage, kind: str, key: uuid.UUID | str) -> list[dict[str, Any]]:
    """The payloads of storage's `kind` events about the resource `key`, oldest first."""
    return [
        event["payload"]
        for event in await storage.events(kind)
        if event["payload"]["resource_uuid"] == str(key)
    ]


async def client_of(storage: Storage, tenant: Tenant) -> OpenStackClient:
    return await storage.clouds.client(tenant.uuid)


async def gone_from_cloud(storage: Storage, tenant: Tenant, backend_id: str) -> None:
    """Delete a volume straight in the cloud, behind the platform's back."""
    client = await client_of(storage, tenant)
    await client.volume.delete_volume(backend_id)
    await client.volume.wait_for_volume_delete(backend_id, timeout=10, interval=0.05)


async def pull(
    storage: Storage,
    tenant: Tenant,
    now: datetime | None = None,
    clouds: CloudClients | None = None,
) -> dict[str, Any]:
    """One pull of the tenant (with `SETTINGS`), committed."""
    async with storage.database.session() as session:
        return await pull_tenant_volumes(
            session, clouds or storage.clouds, tenant.uuid, now=now, settings=SETTINGS
        )
