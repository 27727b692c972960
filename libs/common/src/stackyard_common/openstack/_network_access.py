"""Neutron calls on access: floating IPs, security groups and their rules, RBAC policies."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ._neutron import FloatingIP, NeutronProxy, RBACPolicy, SecurityGroup, SecurityGroupRule

__all__ = ["NetworkAccessProxy"]


class NetworkAccessProxy(NeutronProxy):
    """Floating IPs, security groups and RBAC; `NetworkProxy` adds the topology."""

    # ----- floating IPs --------------------------------------------------------------

    async def list_floating_ips(
        self,
        *,
        floating_network_id: str | None = None,
        port_id: str | None = None,
        project_id: str | None = None,
        floating_ip_address: str | None = None,
        tags: list[str] | None = None,
    ) -> list[FloatingIP]:
        """Floating IPs, filtered by the given fields."""
        return await self._n_list(
            FloatingIP,
            "floatingips",
            {
                "floating_network_id": floating_network_id,
                "port_id": port_id,
                "project_id": project_id,
                "floating_ip_address": floating_ip_address,
                "tags": tags,
            },
        )

    async def get_floating_ip(self, floating_ip_id: str) -> FloatingIP:
        """The floating IP `floating_ip_id`; raises `NotFound`."""
        return await self._n_get(FloatingIP, "floatingips", "floatingip", floating_ip_id)

    async def create_floating_ip(
        self,
        floating_network_id: str,
        *,
        port_id: str | None = None,
        fixed_ip_address: str | None = None,
        floating_ip_address: str | None = None,
        project_id: str | None = None,
        description: str | None = None,
        tags: list[str] | None = None,
        retry_safe: bool = False,
    ) -> FloatingIP:
        """Allocate a floating IP on an external network (and associate it to `port_id`)."""
        attrs = {
            "floating_network_id": floating_network_id,
            "port_id": port_id,
            "fixed_ip_address": fixed_ip_address,
            "floating_ip_address": floating_ip_address,
            "project_id": project_id,
            "description": description,
            "tags": tags,
        }
        return await self._n_create(FloatingIP, "floatingips", "floatingip", attrs, retry_safe)

    async def associate_floating_ip(
        self, floating_ip_id: str, port_id: str, *, fixed_ip_address: str | None = None
    ) -> FloatingIP:
        """Point the floating IP at a port (and one of its fixed addresses)."""
        attrs: dict[str, Any] = {"port_id": port_id}
        if fixed_ip_address is not None:
            attrs["fixed_ip_address"] = fixed_ip_address
        return await self._n_update(FloatingIP, "floatingips", "floatingip", floating_ip_id, attrs)

    async def disassociate_floating_ip(self, floating_ip_id: str) -> FloatingIP:
        """Detach the floating IP from its port (it stays allocated)."""
        return await self._n_update(
            FloatingIP, "floatingips", "floatingip", floating_ip_id, {"port_id": None}
        )

    async def delete_floating_ip(self, floating_ip_id: str, *, ignore_missing: bool = True) -> bool:
        """Release a floating IP; False when it was already gone (and `ignore_missing`)."""
        return await self._n_delete("floatingips", floating_ip_id, ignore_missing)

    # ----- security groups -----------------------------------------------------------

    async def list_security_groups(
        self,
        *,
        name: str | None = None,
        project_id: str | None = None,
        tags: list[str] | None = None,
    ) -> list[SecurityGroup]:
        """Security groups with their rules."""
        return await self._n_list(
            SecurityGroup,
            "security-groups",
            {"name": name, "project_id": project_id, "tags": tags},
        )

    async def get_security_group(self, group_id: str) -> SecurityGroup:
        """The security group `group_id` with its rules; raises `NotFound`."""
        return await self._n_get(SecurityGroup, "security-groups", "security_group", group_id)

    async def find_security_group(
        self,
        *,
        name: str | None = None,
        project_id: str | None = None,
        tags: list[str] | None = None,
    ) -> SecurityGroup | None:
        """A security group with this name (in this project) and these tags, or None."""
        found = await self.list_security_groups(name=name, project_id=project_id, tags=tags)
        return found[0] if found else None

    async def create_security_group(
        self,
        name: str,
        *,
        description: str | None = None,
        project_id: str | None = None,
        tags: list[str] | None = None,
        retry_safe: bool = False,
    ) -> SecurityGroup:
        """Create a security group (Neutron adds its default egress rules)."""
        attrs = {"name": name, "description": description, "project_id": project_id, "tags": tags}
        return await self._n_create(
            SecurityGroup, "security-groups", "security_group", attrs, retry_safe
        )

    async def create_security_groups(
        self, groups: Sequence[Mapping[str, Any]], *, project_id: str | None = None
    ) -> list[SecurityGroup]:
        """Create several security groups in one call, all or none: each mapping holds
        a group's `name` and, optionally, its `description`. Never retried (a repeat
        would make them twice): the caller looks for them before trying again."""
        items = [{**group, "project_id": project_id} for group in groups]
        return await self._n_create_many(SecurityGroup, "security-groups", items, False)

    async def update_security_group(
        self, group_id: str, *, name: str | None = None, description: str | None = None
    ) -> SecurityGroup:
        """Rename a security group or change its description."""
        attrs = {k: v for k, v in {"name": name, "description": description}.items() if v}
        return await self._n_update(
            SecurityGroup, "security-groups", "security_group", group_id, attrs
        )

    async def delete_security_group(self, group_id: str, *, ignore_missing: bool = True) -> bool:
        """Delete a security group; False when it was already gone (and `ignore_missing`)."""
        return await self._n_delete("security-groups", group_id, ignore_missing)

    async def list_security_group_rules(
        self, *, security_group_id: str | None = None
    ) -> list[SecurityGroupRule]:
        """Security group rules, of one group when given."""
        return await self._n_list(
            SecurityGroupRule, "security-group-rules", {"security_group_id": security_group_id}
        )

    async def create_security_group_rule(
        self,
        security_group_id: str,
        *,
        direction: str = "ingress",
        ethertype: str = "IPv4",
        protocol: str | None = None,
        port_range_min: int | None = None,
        port_range_max: int | None = None,
        remote_ip_prefix: str | None = None,
        remote_group_id: str | None = None,
        description: str | None = None,
    ) -> SecurityGroupRule:
        """Add a rule; Neutron refuses a duplicate with `Conflict` (so repeats are safe)."""
        attrs = {
            "security_group_id": security_group_id,
            "direction": direction,
            "ethertype": ethertype,
            "protocol": protocol,
            "port_range_min": port_range_min,
            "port_range_max": port_range_max,
            "remote_ip_prefix": remote_ip_prefix,
            "remote_group_id": remote_group_id,
            "description": description,
        }
        return await self._n_create(
            SecurityGroupRule, "security-group-rules", "security_group_rule", attrs, True
        )

    async def create_security_group_rules(
        self, rules: Sequence[Mapping[str, Any]]
    ) -> list[SecurityGroupRule]:
        """Add several rules in one call, all or none: each mapping holds the keyword
        arguments of `create_security_group_rule` and its `security_group_id`. A
        duplicate among them fails the whole call with `Conflict` (so repeats are safe)."""
        return await self._n_create_many(SecurityGroupRule, "security-group-rules", rules, True)

    async def delete_security_group_rule(
        self, rule_id: str, *, ignore_missing: bool = True
    ) -> bool:
        """Delete a rule; False when it was already gone (and `ignore_missing`)."""
        return await self._n_delete("security-group-rules", rule_id, ignore_missing)

    # ----- RBAC ----------------------------------------------------------------------

    async def list_rbac_policies(
        self,
        *,
        object_id: str | None = None,
        object_type: str | None = None,
        target_tenant: str | None = None,
    ) -> list[RBACPolicy]:
        """RBAC policies, filtered by the given fields."""
        return await self._n_list(
            RBACPolicy,
            "rbac-policies",
            {"object_id": object_id, "object_type": object_type, "target_tenant": target_tenant},
        )

    async def create_rbac_policy(
        self,
        object_id: str,
        target_tenant: str,
        *,
        object_type: str = "network",
        action: str = "access_as_shared",
    ) -> RBACPolicy:
        """Share an object with a project (`target_tenant`, "*" for every project)."""
        attrs = {
            "object_id": object_id,
            "object_type": object_type,
            "target_tenant": target_tenant,
            "action": action,
        }
        # A repeat answers Conflict rather than making a duplicate: safe to retry.
        return await self._n_create(RBACPolicy, "rbac-policies", "rbac_policy", attrs, True)

    async def delete_rbac_policy(self, policy_id: str, *, ignore_missing: bool = True) -> bool:
        """Delete an RBAC policy; False when it was already gone (and `ignore_missing`)."""
        return await self._n_delete("rbac-policies", policy_id, ignore_missing)
