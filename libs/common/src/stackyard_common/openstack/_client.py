"""`OpenStackClient`: one cloud connection and its service proxies."""

from __future__ import annotations

from typing import Self

import httpx

from ._config import CloudConfig
from ._session import CloudSession
from ._tokens import TokenCache
from .compute import ComputeProxy
from .identity import IdentityProxy
from .image import ImageProxy
from .network import NetworkProxy
from .volume import VolumeProxy

__all__ = ["OpenStackClient"]


class OpenStackClient:
    """Everything a service does on one cloud: `identity`, `compute`, `network`,
    `volume` and `image`, sharing one set of connections, one token and one concurrency
    limit.

    Use one client per cloud connection for the life of the process (or worker), and
    close it at the end (`async with OpenStackClient(...) as cloud:`). Pass a
    `RedisTokenCache` so that every process shares the token.
    """

    def __init__(
        self,
        config: CloudConfig,
        *,
        token_cache: TokenCache | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.session = CloudSession(config, token_cache=token_cache, transport=transport)
        self.identity = IdentityProxy(self.session)
        self.compute = ComputeProxy(self.session)
        self.network = NetworkProxy(self.session)
        self.volume = VolumeProxy(self.session)
        self.image = ImageProxy(self.session)

    @property
    def config(self) -> CloudConfig:
        """The connection's settings."""
        return self.session.config

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self.session.aclose()
