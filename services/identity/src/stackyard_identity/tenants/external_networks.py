"""Which external network a tenant's router gets, and whether it exists.

The resolution order is the specification's: the tenant's own choice, else its
organisation's (`CustomerExternalNetwork`), else the cloud connection's default
(`external_network_id`, from the offering's `secret_options`). Existence is checked
against the cloud's external networks (`router:external`), remembered per connection
for `external_networks_cache_seconds`, so validating an order reads the cloud at most
that often and never writes to it.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.api import ServiceUnavailable, ValidationFailed
from stackyard_common.openstack import OpenStackError
from stackyard_identity.cloud_connections.models import CloudConnection
from stackyard_identity.tenants.cloud import CloudPool
from stackyard_identity.tenants.models import CustomerExternalNetwork

__all__ = ["ExternalNetworks", "chosen_external_network"]


async def chosen_external_network(
    session: AsyncSession,
    connection: CloudConnection,
    customer_uuid: uuid.UUID,
    requested: str | None,
) -> str | None:
    """The external network id by the resolution order, or None when none is set."""
    if requested:
        return requested
    override = await session.execute(
        select(CustomerExternalNetwork.external_network_id).where(
            CustomerExternalNetwork.customer_uuid == customer_uuid,
            CustomerExternalNetwork.connection_uuid == connection.uuid,
        )
    )
    return override.scalar_one_or_none() or connection.external_network_id or None


@dataclass
class ExternalNetworks:
    """The external networks of each connection's cloud, cached for `ttl` seconds."""

    clouds: CloudPool
    ttl: float
    _known: dict[uuid.UUID, tuple[float, dict[str, str]]] = field(default_factory=dict)

    async def of(self, connection_uuid: uuid.UUID) -> dict[str, str]:
        """External network id → name; `ServiceUnavailable` when the cloud won't say."""
        cached = self._known.get(connection_uuid)
        if cached is not None and time.monotonic() - cached[0] < self.ttl:
            return cached[1]
        cloud = await self.clouds.client(connection_uuid)
        try:
            networks = await cloud.network.list_networks(is_external=True)
        except OpenStackError as error:
            raise ServiceUnavailable(f"The cloud did not list its networks: {error}") from error
        found = {network.id: network.name for network in networks}
        self._known[connection_uuid] = (time.monotonic(), found)
        return found

    async def ensure_exists(self, connection_uuid: uuid.UUID, network_id: str) -> None:
        """`ValidationFailed` on `external_network_id` unless the cloud has the network."""
        if network_id not in await self.of(connection_uuid):
            raise ValidationFailed.field(
                "external_network_id", f"The cloud has no external network {network_id}."
            )
