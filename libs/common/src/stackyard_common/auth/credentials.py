"""How a service gets a cloud connection's credentials: identity's internal endpoint.

```python
credentials = await fetch_cloud_credentials(settings, "compute", connection_uuid)
config = CloudConfig(auth_url=credentials.auth_url, username=credentials.username,
                     password=credentials.password, ...)
```
The endpoint is on identity's own port, never routed by the gateway, and answers only
to a service token. Secrets stay `SecretStr` so that they never reach a log line.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, Field, SecretStr

from stackyard_common.api.errors import NotFound, ServiceUnavailable
from stackyard_common.internal import call_service
from stackyard_common.settings import Settings

__all__ = ["CREDENTIALS_PATH", "CloudCredentials", "fetch_cloud_credentials"]

CREDENTIALS_PATH = "/internal/cloud-connections/{uuid}/credentials"


class CloudCredentials(BaseModel):
    """Everything needed to open a session with one cloud connection."""

    model_config = ConfigDict(frozen=True)

    uuid: uuid.UUID
    name: str
    type: str
    auth_url: str
    username: str
    password: SecretStr
    domain: str
    project: str
    verify_ssl: bool
    availability_zone: str
    external_network_id: str
    options: dict[str, Any] = Field(default_factory=dict)


async def fetch_cloud_credentials(
    settings: Settings,
    caller: str,
    connection: uuid.UUID,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    timeout: float = 5.0,
) -> CloudCredentials:
    """The decrypted credentials of cloud connection `connection`, asked by service
    `caller`. Raises `NotFound` for an unknown connection and `ServiceUnavailable` when
    identity does not answer properly."""
    response = await call_service(
        settings,
        caller,
        "identity",
        "GET",
        CREDENTIALS_PATH.format(uuid=connection),
        timeout=timeout,
        transport=transport,
    )
    if response.status_code == 404:
        raise NotFound("No such cloud connection.")
    if response.status_code != 200:
        raise ServiceUnavailable(f"Identity answered {response.status_code}.")
    return CloudCredentials.model_validate(response.json())
