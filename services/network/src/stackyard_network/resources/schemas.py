"""What every network resource shows in the API (the reference API's common fields),
and how a record becomes those fields."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from uuid import UUID

from fastapi import Request
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.tenants import tenants

__all__ = ["NetworkSetErredRequest", "ResourceRead", "TenantNames", "absolute_url", "common_fields"]


class ResourceRead(BaseModel):
    """The fields every resource has."""

    uuid: UUID
    url: str
    name: str
    description: str
    state: str
    runtime_state: str
    backend_id: str
    error_message: str
    backend_missing_since: datetime | None
    created: datetime
    modified: datetime
    tenant: str
    tenant_uuid: UUID
    tenant_name: str
    project_uuid: UUID | None
    customer_uuid: UUID | None
    service_settings_uuid: UUID | None
    resource_type: str


class NetworkSetErredRequest(BaseModel):
    """The message an ERRED resource shows."""

    error_message: str = "Marked as erred by staff."


def absolute_url(request: Request, path: str) -> str:
    """`path` (starting with `/`) as an absolute URL on the request's base URL."""
    return f"{str(request.base_url).rstrip('/')}{path}"


class TenantNames:
    """The names and clouds of the tenants of a batch of records, read at once."""

    def __init__(self, rows: dict[UUID, tuple[str, UUID]]) -> None:
        self.rows = rows

    @classmethod
    async def of(cls, session: AsyncSession, records: Iterable[Any]) -> TenantNames:
        wanted = {record.tenant_uuid for record in records}
        if not wanted:
            return cls({})
        found = await session.execute(
            select(tenants.c.uuid, tenants.c.name, tenants.c.cloud_connection_uuid).where(
                tenants.c.uuid.in_(wanted)
            )
        )
        return cls({row.uuid: (row.name, row.cloud_connection_uuid) for row in found})

    def name(self, tenant_uuid: UUID) -> str:
        return self.rows.get(tenant_uuid, ("", None))[0]

    def connection(self, tenant_uuid: UUID) -> UUID | None:
        return self.rows.get(tenant_uuid, ("", None))[1]


def common_fields(
    request: Request, record: Any, path: str, resource_type: str, names: TenantNames
) -> dict[str, Any]:
    """The `ResourceRead` fields of `record`, whose collection is `path`."""
    return {
        "uuid": record.uuid,
        "url": absolute_url(request, f"{path}{record.uuid}/"),
        "name": record.name,
        "description": record.description,
        "state": record.state,
        "runtime_state": record.runtime_state,
        "backend_id": record.backend_id,
        "error_message": record.error_message,
        "backend_missing_since": record.backend_missing_since,
        "created": record.created,
        "modified": record.modified,
        "tenant": absolute_url(request, f"/api/openstack-tenants/{record.tenant_uuid}/"),
        "tenant_uuid": record.tenant_uuid,
        "tenant_name": names.name(record.tenant_uuid),
        "project_uuid": record.project_uuid,
        "customer_uuid": record.customer_uuid,
        "service_settings_uuid": names.connection(record.tenant_uuid),
        "resource_type": resource_type,
    }
