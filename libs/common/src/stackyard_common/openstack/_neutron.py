"""The pattern every Neutron resource follows, and the resources' typed results.

Neutron's resources all live at `/<plural>` with bodies `{"<singular>": {...}}`; the
proxy in `network.py` is spelled out per resource on top of these few calls.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from pydantic import Field

from ._errors import NotFound
from ._proxy import Proxy
from ._resource import Resource

__all__ = [
    "FloatingIP",
    "Network",
    "NeutronProxy",
    "Port",
    "RBACPolicy",
    "Router",
    "SecurityGroup",
    "SecurityGroupRule",
    "Subnet",
]

M = TypeVar("M", bound=Resource)


class _Neutron(Resource):
    name: str = ""
    description: str = ""
    project_id: str | None = None
    tags: list[str] = []


class Network(_Neutron):
    status: str | None = None
    admin_state_up: bool = True
    shared: bool = False
    is_external: bool = Field(default=False, alias="router:external")
    mtu: int | None = None
    subnets: list[str] = []


class Subnet(_Neutron):
    network_id: str = ""
    cidr: str = ""
    ip_version: int = 4
    gateway_ip: str | None = None
    enable_dhcp: bool = True
    allocation_pools: list[dict[str, str]] = []
    dns_nameservers: list[str] = []
    host_routes: list[dict[str, str]] = []


class Router(_Neutron):
    status: str | None = None
    admin_state_up: bool = True
    external_gateway_info: dict[str, Any] | None = None
    routes: list[dict[str, str]] = []


class Port(_Neutron):
    status: str | None = None
    network_id: str = ""
    device_id: str = ""
    device_owner: str = ""
    mac_address: str | None = None
    fixed_ips: list[dict[str, str]] = []
    security_groups: list[str] = []
    admin_state_up: bool = True


class FloatingIP(_Neutron):
    status: str | None = None
    floating_ip_address: str | None = None
    floating_network_id: str = ""
    fixed_ip_address: str | None = None
    port_id: str | None = None
    router_id: str | None = None


class SecurityGroupRule(Resource):
    security_group_id: str = ""
    direction: str = "ingress"
    ethertype: str = "IPv4"
    protocol: str | None = None
    port_range_min: int | None = None
    port_range_max: int | None = None
    remote_ip_prefix: str | None = None
    remote_group_id: str | None = None
    description: str | None = None
    project_id: str | None = None


class SecurityGroup(_Neutron):
    stateful: bool = True
    security_group_rules: list[SecurityGroupRule] = []


class RBACPolicy(Resource):
    object_type: str = ""
    object_id: str = ""
    action: str = ""
    target_tenant: str = ""
    project_id: str | None = None


class NeutronProxy(Proxy):
    """The calls shared by every Neutron resource."""

    service = "network"

    async def _n_list(self, model: type[M], plural: str, filters: dict[str, Any]) -> list[M]:
        params = {k: v for k, v in filters.items() if v is not None}
        if isinstance(params.get("tags"), list):
            params["tags"] = ",".join(params["tags"])
        # The URL says "security-groups", the body "security_groups".
        return await self._list(model, f"/{plural}", plural.replace("-", "_"), params)

    async def _n_get(self, model: type[M], plural: str, singular: str, rid: str) -> M:
        return await self._get(model, f"/{plural}/{rid}", singular)

    async def _n_find(
        self, model: type[M], plural: str, name: str | None, tags: list[str] | None
    ) -> M | None:
        found = await self._n_list(model, plural, {"name": name, "tags": tags})
        return found[0] if found else None

    async def _n_create(
        self, model: type[M], plural: str, singular: str, attrs: dict[str, Any], retry_safe: bool
    ) -> M:
        body = {k: v for k, v in attrs.items() if v is not None}
        tags = body.pop("tags", None)
        created = await self._create(
            model, f"/{plural}", singular, {singular: body}, retry_safe=retry_safe
        )
        if tags:
            # Tags are a separate call on every Neutron release; saga lookups need them.
            await self.set_tags(plural, created.id, tags)
            created = await self._n_get(model, plural, singular, created.id)
        return created

    async def _n_create_many(
        self, model: type[M], plural: str, items: Sequence[Mapping[str, Any]], retry_safe: bool
    ) -> list[M]:
        """Neutron's bulk create: every item in one call, made all or none."""
        if not items:
            return []
        key = plural.replace("-", "_")
        bodies = [{k: v for k, v in item.items() if v is not None} for item in items]
        response = await self._call("POST", f"/{plural}", json={key: bodies}, retry_safe=retry_safe)
        return [model.from_api(item) for item in response.json()[key]]

    async def _n_update(
        self, model: type[M], plural: str, singular: str, rid: str, attrs: dict[str, Any]
    ) -> M:
        return await self._update(model, f"/{plural}/{rid}", singular, {singular: attrs})

    async def _n_delete(self, plural: str, rid: str, ignore_missing: bool) -> bool:
        return await self._delete(f"/{plural}/{rid}", ignore_missing=ignore_missing)

    async def set_tags(self, collection: str, resource_id: str, tags: list[str]) -> None:
        """Replace the tags of a resource (`collection` is e.g. "networks", "ports")."""
        await self._call("PUT", f"/{collection}/{resource_id}/tags", json={"tags": tags})

    async def get_quotas(self, project_id: str) -> dict[str, int]:
        """The project's Neutron quota limits (network, subnet, port, floatingip, ...)."""
        response = await self._call("GET", f"/quotas/{project_id}")
        return {k: int(v) for k, v in response.json()["quota"].items()}

    async def set_quotas(self, project_id: str, **limits: int) -> dict[str, int]:
        """Change the given Neutron quota limits; returns all of them."""
        response = await self._call("PUT", f"/quotas/{project_id}", json={"quota": limits})
        return {k: int(v) for k, v in response.json()["quota"].items()}

    async def _ignore_missing(self, ignore_missing: bool, path: str, body: dict[str, Any]) -> bool:
        try:
            await self._call("PUT", path, json=body)
        except NotFound:
            if ignore_missing:
                return False
            raise
        return True
