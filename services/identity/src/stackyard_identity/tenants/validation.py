"""Checking a tenant request before anything starts: the connection, the subnet plan and
the external network (by the resolution order, against the cloud's list)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.api import ValidationFailed
from stackyard_identity.cloud_connections import repository as connections
from stackyard_identity.cloud_connections.models import CloudConnection
from stackyard_identity.tenants.attributes import SubnetPlan, TenantAttributes, plan_subnet
from stackyard_identity.tenants.external_networks import chosen_external_network
from stackyard_identity.tenants.runtime import TenantRuntime

__all__ = ["CheckedRequest", "check_request"]


@dataclass(frozen=True, slots=True)
class CheckedRequest:
    """A request that passed: its connection, subnet (None when skipped) and the
    external network the router will use (None for none)."""

    connection: CloudConnection
    attributes: TenantAttributes
    subnet: SubnetPlan | None
    external_network_id: str | None


def _under(prefix: str, error: ValidationFailed) -> ValidationFailed:
    # The checks here raise flat field errors; the caller may nest them (`attributes.x`).
    if not prefix:
        return error
    errors = error.errors.items()
    return ValidationFailed({f"{prefix}.{name}": messages for name, messages in errors})


async def check_request(
    session: AsyncSession,
    runtime: TenantRuntime,
    connection_uuid: uuid.UUID,
    customer_uuid: uuid.UUID,
    attributes: TenantAttributes,
    *,
    connection_field: str = "service_settings",
    prefix: str = "",
) -> CheckedRequest:
    """Everything about a tenant request that can be known before provisioning.

    Raises `ValidationFailed` (field errors under `prefix`, e.g. "attributes") and
    `ServiceUnavailable` when the cloud cannot list its external networks.
    """
    connection = await connections.by_uuid(session, connection_uuid)
    if connection is None:
        raise ValidationFailed.field(connection_field, "No such cloud connection.")
    try:
        subnet = None
        if not attributes.skip_creation_of_default_subnet:
            subnet = plan_subnet(attributes.subnet_cidr, runtime.openstack.subnet)
        network = None
        if not attributes.skip_connection_extnet and not attributes.skip_creation_of_default_router:
            network = await chosen_external_network(
                session, connection, customer_uuid, attributes.external_network_id
            )
            if network is not None:
                await runtime.external_networks.ensure_exists(connection.uuid, network)
    except ValidationFailed as error:
        raise _under(prefix, error) from None
    return CheckedRequest(connection, attributes, subnet, network)
