"""Every operation handler of the service, imported once so that the worker's saga
finds them all (each domain's `cloud` module registers its own)."""

import stackyard_network.floating_ips.cloud
import stackyard_network.networks.cloud
import stackyard_network.ports.cloud
import stackyard_network.rbac.cloud
import stackyard_network.routers.cloud
import stackyard_network.security_groups.cloud
import stackyard_network.subnets.cloud  # noqa: F401
from stackyard_network.resources.operations import HANDLERS, network_operation

__all__ = ["HANDLERS", "network_operation"]
