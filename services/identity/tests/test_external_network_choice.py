"""Which external network a tenant's router gets: the tenant's own choice, else its
organisation's for that cloud, else the cloud connection's default."""

from __future__ import annotations

import uuid
from typing import Any

from stackyard_identity.tenants.external_networks import chosen_external_network
from stackyard_identity.tenants.models import CustomerExternalNetwork

from .tenant_cloud import TenantCloud


async def test_the_tenant_then_the_organisation_then_the_cloud(
    identity: Any, tenant_cloud: TenantCloud
) -> None:
    customer, _ = await tenant_cloud.organisation()
    other_customer = uuid.uuid4()
    async with identity.database.session() as session:
        connection = await session.merge(tenant_cloud.connection)
        connection.external_network_id = ""
        await session.flush()
        assert await chosen_external_network(session, connection, customer.uuid, None) is None
        connection.external_network_id = "cloud-default"
        session.add(
            CustomerExternalNetwork(
                customer_uuid=customer.uuid,
                connection_uuid=connection.uuid,
                external_network_id="organisation-choice",
            )
        )
        await session.flush()
        assert await chosen_external_network(session, connection, customer.uuid, "own") == "own"
        assert (
            await chosen_external_network(session, connection, customer.uuid, None)
            == "organisation-choice"
        )
        assert (
            await chosen_external_network(session, connection, other_customer, None)
            == "cloud-default"
        )
        await session.rollback()
