"""Every table of the network service, imported in one place (for Alembic and tests)."""

from stackyard_network.external_networks.models import ExternalNetwork, ExternalSubnet
from stackyard_network.floating_ips.models import FloatingIP
from stackyard_network.networks.models import Network
from stackyard_network.ports.models import Port
from stackyard_network.rbac.models import RBACPolicy
from stackyard_network.routers.models import Router
from stackyard_network.security_groups.models import SecurityGroup, SecurityGroupRule
from stackyard_network.subnets.models import Subnet

__all__ = [
    "ExternalNetwork",
    "ExternalSubnet",
    "FloatingIP",
    "Network",
    "Port",
    "RBACPolicy",
    "Router",
    "SecurityGroup",
    "SecurityGroupRule",
    "Subnet",
]
