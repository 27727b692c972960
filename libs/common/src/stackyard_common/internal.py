"""Calls between services over their internal HTTP APIs.

A service's internal endpoints (`/internal/...`) live on its own port, are never routed
by the gateway, and answer only to service tokens. `call_service` is the one way to call
them: it signs a short-lived service token for the caller, applies a timeout, and turns
transport failures into `ServiceUnavailable`.

```python
response = await call_service(settings, "compute", "network", "POST", "/internal/ports/",
                              json={...})
```
"""

from __future__ import annotations

from typing import Any

import httpx

from stackyard_common.api.errors import ServiceUnavailable
from stackyard_common.settings import Settings
from stackyard_common.tls import client_context

__all__ = ["call_service"]


async def call_service(
    settings: Settings,
    caller: str,
    service: str,
    method: str,
    path: str,
    *,
    json: Any = None,
    params: dict[str, Any] | None = None,
    timeout: float = 10.0,
    transport: httpx.AsyncBaseTransport | None = None,
) -> httpx.Response:
    """`method path` on `service`'s internal API, as service `caller`; the response
    whatever its status. Raises `ServiceUnavailable` when `service` does not answer."""
    # Imported here: the auth package itself calls services through this module.
    from stackyard_common.auth.service_tokens import issue_service_token

    url = settings.ports.service_url(service) + path
    headers = {"Authorization": f"Bearer {issue_service_token(settings, caller)}"}
    try:
        # The shared TLS context: httpx would build one per client (~20 ms of CPU).
        async with httpx.AsyncClient(
            transport=transport, timeout=timeout, verify=client_context()
        ) as client:
            return await client.request(method, url, headers=headers, json=json, params=params)
    except httpx.HTTPError as error:
        raise ServiceUnavailable(f"The {service} service did not answer.") from error
