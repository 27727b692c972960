"""Stackyard network service: Neutron: networks, subnets, routers, ports, floating IPs,
security groups, RBAC policies, external networks.
"""
