"""Storage's one question to compute's internal API: which server an instance is.

GET /internal/instances/{uuid}   200 {"uuid", "name", "tenant_uuid", "backend_id",
                                      "state", ...}; 404 when compute has no such
                                      instance
"""

from __future__ import annotations

import uuid

from stackyard_common.api import ServiceUnavailable
from stackyard_storage.common.runtime import StorageRuntime
from stackyard_storage.volumes.actions import InstanceRef

__all__ = ["instance_ref"]


async def instance_ref(runtime: StorageRuntime, instance: uuid.UUID) -> InstanceRef | None:
    """The instance as compute knows it, or None when compute has none by that uuid."""
    response = await runtime.call("compute", "GET", f"/internal/instances/{instance}")
    if response.status_code == 404:
        return None
    if response.status_code != 200:
        raise ServiceUnavailable(f"Compute answered {response.status_code}.")
    body = response.json()
    return InstanceRef(
        uuid=uuid.UUID(body["uuid"]),
        name=str(body["name"]),
        tenant_uuid=uuid.UUID(body["tenant_uuid"]),
        server_id=str(body["backend_id"]),
    )
