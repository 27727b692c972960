"""Neutron v2.0: networks, subnets, routers, ports (and, from `NetworkAccessProxy`,
floating IPs, security groups and rules, RBAC policies and quotas)."""

from __future__ import annotations

from typing import Any

from ._network_access import NetworkAccessProxy
from ._neutron import (
    FloatingIP,
    Network,
    Port,
    RBACPolicy,
    Router,
    SecurityGroup,
    SecurityGroupRule,
    Subnet,
)

__all__ = [
    "FloatingIP",
    "Network",
    "NetworkProxy",
    "Port",
    "RBACPolicy",
    "Router",
    "SecurityGroup",
    "SecurityGroupRule",
    "Subnet",
]


class NetworkProxy(NetworkAccessProxy):
    """Neutron calls."""

    # ----- networks ------------------------------------------------------------------

    async def list_networks(
        self,
        *,
        name: str | None = None,
        project_id: str | None = None,
        is_external: bool | None = None,
        shared: bool | None = None,
        tags: list[str] | None = None,
        page_size: int | None = None,
    ) -> list[Network]:
        """Networks, filtered by the given fields (`tags`: all of them).

        Every page is read; `page_size` only sets how many come per request.
        """
        filters = {
            "limit": page_size,
            "name": name,
            "project_id": project_id,
            "router:external": is_external,
            "shared": shared,
            "tags": tags,
        }
        return await self._n_list(Network, "networks", filters)

    async def get_network(self, network_id: str) -> Network:
        """The network `network_id`; raises `NotFound`."""
        return await self._n_get(Network, "networks", "network", network_id)

    async def find_network(
        self, *, name: str | None = None, tags: list[str] | None = None
    ) -> Network | None:
        """A network with this name and these tags, or None (for saga look-ups)."""
        return await self._n_find(Network, "networks", name, tags)

    async def create_network(
        self,
        name: str,
        *,
        description: str | None = None,
        project_id: str | None = None,
        shared: bool | None = None,
        is_external: bool | None = None,
        mtu: int | None = None,
        tags: list[str] | None = None,
        retry_safe: bool = False,
    ) -> Network:
        """Create a network (tagged with `tags`)."""
        attrs = {
            "name": name,
            "description": description,
            "project_id": project_id,
            "shared": shared,
            "router:external": is_external,
            "mtu": mtu,
            "tags": tags,
        }
        return await self._n_create(Network, "networks", "network", attrs, retry_safe)

    async def update_network(self, network_id: str, **attrs: Any) -> Network:
        """Change the given attributes of a network (`name`, `description`, ...)."""
        return await self._n_update(Network, "networks", "network", network_id, attrs)

    async def delete_network(self, network_id: str, *, ignore_missing: bool = True) -> bool:
        """Delete a network; False when it was already gone (and `ignore_missing`)."""
        return await self._n_delete("networks", network_id, ignore_missing)

    # ----- subnets -------------------------------------------------------------------

    async def list_subnets(
        self,
        *,
        network_id: str | None = None,
        name: str | None = None,
        tags: list[str] | None = None,
    ) -> list[Subnet]:
        """Subnets, filtered by network, name and tags."""
        return await self._n_list(
            Subnet, "subnets", {"network_id": network_id, "name": name, "tags": tags}
        )

    async def get_subnet(self, subnet_id: str) -> Subnet:
        """The subnet `subnet_id`; raises `NotFound`."""
        return await self._n_get(Subnet, "subnets", "subnet", subnet_id)

    async def find_subnet(
        self, *, name: str | None = None, tags: list[str] | None = None
    ) -> Subnet | None:
        """A subnet with this name and these tags, or None."""
        return await self._n_find(Subnet, "subnets", name, tags)

    async def create_subnet(
        self,
        network_id: str,
        cidr: str,
        *,
        name: str | None = None,
        ip_version: int = 4,
        gateway_ip: str | None = None,
        enable_dhcp: bool = True,
        dns_nameservers: list[str] | None = None,
        allocation_pools: list[dict[str, str]] | None = None,
        project_id: str | None = None,
        tags: list[str] | None = None,
        retry_safe: bool = False,
    ) -> Subnet:
        """Create a subnet of `network_id` with `cidr`."""
        attrs = {
            "network_id": network_id,
            "cidr": cidr,
            "name": name,
            "ip_version": ip_version,
            "gateway_ip": gateway_ip,
            "enable_dhcp": enable_dhcp,
            "dns_nameservers": dns_nameservers,
            "allocation_pools": allocation_pools,
            "project_id": project_id,
            "tags": tags,
        }
        return await self._n_create(Subnet, "subnets", "subnet", attrs, retry_safe)

    async def update_subnet(self, subnet_id: str, **attrs: Any) -> Subnet:
        """Change the given attributes of a subnet."""
        return await self._n_update(Subnet, "subnets", "subnet", subnet_id, attrs)

    async def delete_subnet(self, subnet_id: str, *, ignore_missing: bool = True) -> bool:
        """Delete a subnet; False when it was already gone (and `ignore_missing`)."""
        return await self._n_delete("subnets", subnet_id, ignore_missing)

    # ----- routers -------------------------------------------------------------------

    async def list_routers(
        self,
        *,
        name: str | None = None,
        project_id: str | None = None,
        tags: list[str] | None = None,
    ) -> list[Router]:
        """Routers, filtered by name, project and tags."""
        return await self._n_list(
            Router, "routers", {"name": name, "project_id": project_id, "tags": tags}
        )

    async def get_router(self, router_id: str) -> Router:
        """The router `router_id`; raises `NotFound`."""
        return await self._n_get(Router, "routers", "router", router_id)

    async def find_router(
        self, *, name: str | None = None, tags: list[str] | None = None
    ) -> Router | None:
        """A router with this name and these tags, or None."""
        return await self._n_find(Router, "routers", name, tags)

    async def create_router(
        self,
        name: str,
        *,
        external_network_id: str | None = None,
        description: str | None = None,
        project_id: str | None = None,
        tags: list[str] | None = None,
        retry_safe: bool = False,
    ) -> Router:
        """Create a router, with its gateway on `external_network_id` when given."""
        attrs: dict[str, Any] = {
            "name": name,
            "description": description,
            "project_id": project_id,
            "tags": tags,
        }
        if external_network_id is not None:
            attrs["external_gateway_info"] = {"network_id": external_network_id}
        return await self._n_create(Router, "routers", "router", attrs, retry_safe)

    async def update_router(self, router_id: str, **attrs: Any) -> Router:
        """Change the given attributes of a router (`routes`, `external_gateway_info`...)."""
        return await self._n_update(Router, "routers", "router", router_id, attrs)

    async def add_router_interface(
        self, router_id: str, *, subnet_id: str | None = None, port_id: str | None = None
    ) -> dict[str, Any]:
        """Connect the router to a subnet (or a port); returns Neutron's interface info."""
        body = {"subnet_id": subnet_id} if subnet_id else {"port_id": port_id}
        response = await self._call("PUT", f"/routers/{router_id}/add_router_interface", json=body)
        result: dict[str, Any] = response.json()
        return result

    async def remove_router_interface(
        self,
        router_id: str,
        *,
        subnet_id: str | None = None,
        port_id: str | None = None,
        ignore_missing: bool = True,
    ) -> bool:
        """Disconnect the router from a subnet (or a port); False if it was not connected."""
        body = {"subnet_id": subnet_id} if subnet_id else {"port_id": port_id}
        return await self._ignore_missing(
            ignore_missing, f"/routers/{router_id}/remove_router_interface", body
        )

    async def delete_router(self, router_id: str, *, ignore_missing: bool = True) -> bool:
        """Delete a router; False when it was already gone (and `ignore_missing`)."""
        return await self._n_delete("routers", router_id, ignore_missing)

    # ----- ports ---------------------------------------------------------------------

    async def list_ports(
        self,
        *,
        network_id: str | None = None,
        device_id: str | None = None,
        device_owner: str | None = None,
        name: str | None = None,
        tags: list[str] | None = None,
    ) -> list[Port]:
        """Ports, filtered by the given fields."""
        filters = {
            "network_id": network_id,
            "device_id": device_id,
            "device_owner": device_owner,
            "name": name,
            "tags": tags,
        }
        return await self._n_list(Port, "ports", filters)

    async def get_port(self, port_id: str) -> Port:
        """The port `port_id`; raises `NotFound`."""
        return await self._n_get(Port, "ports", "port", port_id)

    async def find_port(
        self, *, name: str | None = None, tags: list[str] | None = None
    ) -> Port | None:
        """A port with this name and these tags, or None."""
        return await self._n_find(Port, "ports", name, tags)

    async def create_port(
        self,
        network_id: str,
        *,
        name: str | None = None,
        fixed_ips: list[dict[str, str]] | None = None,
        security_groups: list[str] | None = None,
        description: str | None = None,
        project_id: str | None = None,
        tags: list[str] | None = None,
        retry_safe: bool = False,
    ) -> Port:
        """Create a port on `network_id`."""
        attrs = {
            "network_id": network_id,
            "name": name,
            "fixed_ips": fixed_ips,
            "security_groups": security_groups,
            "description": description,
            "project_id": project_id,
            "tags": tags,
        }
        return await self._n_create(Port, "ports", "port", attrs, retry_safe)

    async def update_port(self, port_id: str, **attrs: Any) -> Port:
        """Change the given attributes of a port (`security_groups`, `name`, ...)."""
        return await self._n_update(Port, "ports", "port", port_id, attrs)

    async def delete_port(self, port_id: str, *, ignore_missing: bool = True) -> bool:
        """Delete a port; False when it was already gone (and `ignore_missing`)."""
        return await self._n_delete("ports", port_id, ignore_missing)
