"""Compute's calls to storage's internal API (storage's own port, service tokens): the
instance's volumes are storage's, made and deleted at compute's request.

    POST   /internal/volumes/validate       would storage make it? (400 with fields)
    POST   /internal/volumes/               make one under compute's chosen uuid
    GET    /internal/volumes/{uuid}         its state (404: none)
    DELETE /internal/volumes/{uuid}         delete it (404: none; 409: busy)
    POST   /internal/volumes/{uuid}/attach  attach it to a server (202)
    POST   /internal/volumes/{uuid}/detach  detach it (202)
    POST   /internal/volumes/{uuid}/link    record an attachment made (or ended) by Nova
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from stackyard_common.api import Conflict, ServiceUnavailable, ValidationFailed
from stackyard_compute.common.runtime import ComputeRuntime

__all__ = [
    "StorageRefused",
    "attach",
    "delete",
    "detach",
    "link",
    "make",
    "read",
    "validate",
]

BASE = "/internal/volumes"


class StorageRefused(Exception):
    """Storage refused the request for good (a 400): its field errors, as a message."""


def _errors(body: Any) -> dict[str, Any]:
    return body if isinstance(body, dict) else {"non_field_errors": [str(body)]}


async def validate(
    runtime: ComputeRuntime, body: Mapping[str, Any], fields: Mapping[str, str]
) -> None:
    """`ValidationFailed` (storage's errors under the request's own field names, mapped
    by `fields`) unless storage would make the volume."""
    response = await runtime.call("storage", "POST", f"{BASE}/validate", json=dict(body))
    if response.status_code == 400:
        raise ValidationFailed(
            {fields.get(name, name): value for name, value in _errors(response.json()).items()}
        )
    if response.status_code != 200:
        raise ServiceUnavailable(f"Storage answered {response.status_code}.")


async def make(runtime: ComputeRuntime, body: Mapping[str, Any]) -> dict[str, Any]:
    """Have storage make (or find) the volume `body["uuid"]`; `StorageRefused` on 400."""
    response = await runtime.call("storage", "POST", f"{BASE}/", json=dict(body))
    if response.status_code == 400:
        raise StorageRefused(f"storage refused the volume: {_errors(response.json())}")
    if response.status_code not in (200, 201):
        raise ServiceUnavailable(f"Storage answered {response.status_code}.")
    answer: dict[str, Any] = response.json()
    return answer


async def read(runtime: ComputeRuntime, volume: uuid.UUID) -> dict[str, Any] | None:
    """The volume as storage has it now, or None when it has none."""
    response = await runtime.call("storage", "GET", f"{BASE}/{volume}")
    if response.status_code == 404:
        return None
    if response.status_code != 200:
        raise ServiceUnavailable(f"Storage answered {response.status_code}.")
    answer: dict[str, Any] = response.json()
    return answer


async def delete(runtime: ComputeRuntime, volume: uuid.UUID) -> bool:
    """Ask storage to delete the volume; False when it has none. `Conflict` while the
    volume is busy (a caller retries later)."""
    response = await runtime.call("storage", "DELETE", f"{BASE}/{volume}")
    if response.status_code == 404:
        return False
    if response.status_code == 409:
        raise Conflict(response.json().get("detail", "The volume is busy."))
    if response.status_code != 202:
        raise ServiceUnavailable(f"Storage answered {response.status_code}.")
    return True


async def attach(runtime: ComputeRuntime, volume: uuid.UUID, body: Mapping[str, Any]) -> None:
    """Ask storage to attach the volume to a server; `Conflict` when it cannot now."""
    response = await runtime.call("storage", "POST", f"{BASE}/{volume}/attach", json=dict(body))
    _accepted(response.status_code, response.json())


async def detach(runtime: ComputeRuntime, volume: uuid.UUID) -> None:
    """Ask storage to detach the volume; `Conflict` when it cannot now."""
    response = await runtime.call("storage", "POST", f"{BASE}/{volume}/detach")
    _accepted(response.status_code, response.json())


async def link(runtime: ComputeRuntime, volume: uuid.UUID, body: Mapping[str, Any]) -> bool:
    """Tell storage about an attachment Nova made or ended; False when it has no such
    volume."""
    response = await runtime.call("storage", "POST", f"{BASE}/{volume}/link", json=dict(body))
    if response.status_code == 404:
        return False
    if response.status_code != 200:
        raise ServiceUnavailable(f"Storage answered {response.status_code}.")
    return True


def _accepted(status: int, body: Any) -> None:
    if status == 409:
        raise Conflict(str(_errors(body).get("detail", "The volume is busy.")))
    if status == 400:
        raise ValidationFailed({"volume": [str(_errors(body))]})
    if status == 404:
        raise ValidationFailed.field("volume", "No such volume.")
    if status != 202:
        raise ServiceUnavailable(f"Storage answered {status}.")
