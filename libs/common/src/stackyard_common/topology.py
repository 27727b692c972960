"""The one list of Stackyard's services: their names and the API prefixes each owns.

Everything that needs to know "which service answers this path" reads this module: the
gateway's nginx configuration, the merged OpenAPI document, the Procfile of `make run`,
and service-to-service calls. Adding a service means adding one entry here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["SERVICES", "ServiceSpec", "service"]


@dataclass(frozen=True, slots=True)
class ServiceSpec:
    """A service: its name (also its DB schema and URL segment), package and routes.

    `prefixes` are the public `/api/...` path prefixes the gateway sends to this service.
    Every service also answers `/api/<name>/...` (readiness, metrics, OpenAPI) there.
    """

    name: str
    prefixes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def package(self) -> str:
        """Import name of the service's package, e.g. `stackyard_compute`."""
        return f"stackyard_{self.name}"

    @property
    def own_prefix(self) -> str:
        """The prefix under which the gateway exposes the service itself."""
        return f"/api/{self.name}/"

    @property
    def all_prefixes(self) -> tuple[str, ...]:
        """Every prefix the gateway routes here, the service's own one first."""
        return (self.own_prefix, *self.prefixes)


SERVICES: tuple[ServiceSpec, ...] = (
    ServiceSpec(
        "identity",
        (
            "/api-auth/",
            "/api/users/",
            "/api/customers/",
            "/api/projects/",
            "/api/service-settings/",
            "/api/openstack-tenants/",
            "/api/events/",
        ),
    ),
    ServiceSpec(
        "compute",
        (
            "/api/openstack-instances/",
            "/api/openstack-flavors/",
            "/api/openstack-server-groups/",
            "/api/openstack-instance-availability-zones/",
        ),
    ),
    ServiceSpec(
        "storage",
        (
            "/api/openstack-volumes/",
            "/api/openstack-snapshots/",
            "/api/openstack-backups/",
            "/api/openstack-volume-types/",
            "/api/openstack-volume-availability-zones/",
        ),
    ),
    ServiceSpec(
        "network",
        (
            "/api/openstack-networks/",
            "/api/openstack-subnets/",
            "/api/openstack-routers/",
            "/api/openstack-ports/",
            "/api/openstack-floating-ips/",
            "/api/openstack-sgp/",
            "/api/openstack-security-groups/",
            "/api/openstack-network-rbac-policies/",
            "/api/openstack-external-networks/",
        ),
    ),
    ServiceSpec(
        "images",
        (
            "/api/openstack-images/",
            "/api/openstack-marketplace/",
            "/api/openstack-marketplace-tenants/",
        ),
    ),
    ServiceSpec(
        "marketplace",
        (
            "/api/marketplace-categories/",
            "/api/marketplace-provider-offerings/",
            "/api/marketplace-public-offerings/",
            "/api/marketplace-plans/",
            "/api/marketplace-orders/",
            "/api/marketplace-resources/",
        ),
    ),
    ServiceSpec("replication", ("/api/openstack-migrations/",)),
)


def service(name: str) -> ServiceSpec:
    """The service called `name`; raises `KeyError` for an unknown name."""
    for spec in SERVICES:
        if spec.name == name:
            return spec
    raise KeyError(name)
