"""OpenStack tenants as every service but identity sees them.

Identity owns tenants and publishes `tenant.*` events; each service that works inside
tenants (compute, storage, network, images) keeps a `tenants` projection in its own
schema (`tenant_table`, `tenants_consumer`) and opens cloud sessions scoped to a tenant
with `TenantClients`, whose credentials come from identity's internal endpoint.
"""

from stackyard_common.tenants.projection import (
    TENANT_EVENT_TYPES,
    TenantRecord,
    apply_tenant_event,
    get_tenant,
    tenant_table,
    tenants,
    tenants_consumer,
)
from stackyard_common.tenants.sessions import (
    TENANT_SESSION_PATH,
    TenantClients,
    TenantCredentials,
    fetch_tenant_credentials,
)

__all__ = [
    "TENANT_EVENT_TYPES",
    "TENANT_SESSION_PATH",
    "TenantClients",
    "TenantCredentials",
    "TenantRecord",
    "apply_tenant_event",
    "fetch_tenant_credentials",
    "get_tenant",
    "tenant_table",
    "tenants",
    "tenants_consumer",
]
