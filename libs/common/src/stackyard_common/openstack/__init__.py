"""The OpenStack client every Stackyard service uses to talk to the clouds.

    async with OpenStackClient(config, token_cache=RedisTokenCache.from_settings(redis)) as cloud:
        server = await cloud.compute.find_server(metadata={"stackyard": uuid})
        if server is None:
            server = await cloud.compute.create_server(name, flavor_id, image_id=image_id,
                                                       metadata={"stackyard": uuid})
        server = await cloud.compute.wait_for_server(server.id, timeout=900)

Raw REST over one `httpx.AsyncClient` per cloud connection; only Keystone is configured
(`CloudConfig.auth_url`), the other endpoints come from the token's catalog. Tokens are
shared through Redis by every process and renewed by one caller at a time. Errors are the
tree drawn in `_errors`. `stackyard_common.openstack.testing.MockCloud` is a fake cloud
for unit tests.
"""

from ._auth import KeystoneAuth
from ._catalog import ServiceCatalog
from ._client import OpenStackClient
from ._config import CloudConfig, RetryPolicy
from ._errors import (
    ApiError,
    BadRequest,
    Conflict,
    EndpointNotFound,
    Forbidden,
    NotFound,
    OpenStackError,
    QuotaExceeded,
    ResourceFailed,
    Timeout,
    Unauthorized,
    Unavailable,
)
from ._resource import Resource
from ._session import CloudSession
from ._tokens import MemoryTokenCache, RedisTokenCache, Token, TokenCache
from ._wait import wait_for_delete, wait_for_status

__all__ = [
    "ApiError",
    "BadRequest",
    "CloudConfig",
    "CloudSession",
    "Conflict",
    "EndpointNotFound",
    "Forbidden",
    "KeystoneAuth",
    "MemoryTokenCache",
    "NotFound",
    "OpenStackClient",
    "OpenStackError",
    "QuotaExceeded",
    "RedisTokenCache",
    "Resource",
    "ResourceFailed",
    "RetryPolicy",
    "ServiceCatalog",
    "Timeout",
    "Token",
    "TokenCache",
    "Unauthorized",
    "Unavailable",
    "wait_for_delete",
    "wait_for_status",
]
