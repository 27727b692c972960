"""The names a tenant's cloud resources get. Each is derived from the tenant alone, so
a step that runs again finds what an earlier attempt made instead of making another.

The Keystone project's name ends with the start of the tenant's uuid (unique in the
cloud); everything inside the project is found by name within the project, and carries
the tenant's uuid in its description where the API has one.
"""

from __future__ import annotations

import uuid

from stackyard_identity.tenants.models import Tenant

__all__ = [
    "marked_tenant",
    "marker",
    "network_name",
    "project_name",
    "router_name",
    "subnet_name",
    "user_names",
]


def project_name(tenant: Tenant) -> str:
    """The Keystone project: `<name>-<first 8 hex digits of the uuid>`."""
    return f"{tenant.name}-{tenant.uuid.hex[:8]}"


def user_names(tenant: Tenant) -> tuple[str, str]:
    """The tenant's admin user and its tenant user."""
    prefix = project_name(tenant)
    return f"{prefix}-admin", f"{prefix}-user"


def network_name(tenant: Tenant) -> str:
    return f"{tenant.name}-int-net"


def subnet_name(tenant: Tenant) -> str:
    return f"{tenant.name}-sub-net"


def router_name(tenant: Tenant) -> str:
    return f"{tenant.name}-router"


MARKER_PREFIX = "Stackyard tenant "


def marker(tenant: Tenant) -> str:
    """The description that ties a cloud resource to its tenant."""
    return f"{MARKER_PREFIX}{tenant.uuid}"


def marked_tenant(description: str | None) -> uuid.UUID | None:
    """The uuid of the tenant a `marker` description names; None for any other text."""
    if not description or not description.startswith(MARKER_PREFIX):
        return None
    try:
        return uuid.UUID(description.removeprefix(MARKER_PREFIX).strip())
    except ValueError:
        return None
