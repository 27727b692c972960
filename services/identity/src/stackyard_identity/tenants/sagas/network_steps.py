"""Neutron steps: the default security groups, the internal network and subnet, and
the router with its interface and its gateway to the external network.

Everything is made in the tenant's project (as the connection's admin, naming the
project) and found again by name in that project, so a repeated step makes nothing twice.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping
from typing import Any

from stackyard_common.openstack import BadRequest, Conflict, OpenStackClient
from stackyard_common.openstack.network import SecurityGroup, SecurityGroupRule
from stackyard_common.sagas import StepContext, StepFailed
from stackyard_identity.tenants.attributes import plan_subnet
from stackyard_identity.tenants.naming import marker, network_name, router_name, subnet_name
from stackyard_identity.tenants.sagas.context import TenantStep
from stackyard_identity.tenants.sagas.errors import refusals_fail
from stackyard_identity.tenants.settings import RuleSpec, SecurityGroupSpec

__all__ = [
    "create_network",
    "create_router",
    "create_security_groups",
    "delete_network",
    "delete_router",
    "delete_security_groups",
    "group_specs",
    "remove_security_groups",
]

ROUTER_INTERFACE = "network:router_interface"
NEUTRON_DEFAULT = "default"


def group_specs(step: TenantStep) -> list[SecurityGroupSpec]:
    """The tenant's own security groups if it asked for some, else the defaults."""
    asked = step.options.get("security_groups")
    if asked is not None:
        return [SecurityGroupSpec.model_validate(group) for group in asked]
    return list(step.runtime.openstack.default_security_groups)


def _signature(rule: RuleSpec) -> tuple[Any, ...]:
    low, high = rule.port_range
    return (rule.direction, rule.ethertype, rule.protocol, low, high, rule.cidr)


def _existing(rule: SecurityGroupRule) -> tuple[Any, ...]:
    return (
        rule.direction,
        rule.ethertype,
        rule.protocol,
        rule.port_range_min,
        rule.port_range_max,
        rule.remote_ip_prefix,
    )


def _rule_attrs(group: str, rule: RuleSpec) -> dict[str, Any]:
    low, high = rule.port_range
    return {
        "security_group_id": group,
        "direction": rule.direction,
        "ethertype": rule.ethertype,
        "protocol": rule.protocol,
        "port_range_min": low,
        "port_range_max": high,
        "remote_ip_prefix": rule.cidr,
        "description": rule.description or None,
    }


async def _add_rules(cloud: OpenStackClient, rules: list[dict[str, Any]]) -> None:
    try:
        await cloud.network.create_security_group_rules(rules)  # all in one call
    except Conflict:
        # One of them exists (an earlier attempt's lost answer): add them one by one,
        # each duplicate refused on its own.
        for attrs in rules:
            with contextlib.suppress(Conflict):
                await cloud.network.create_security_group_rule(**attrs)


@refusals_fail
async def create_security_groups(ctx: StepContext) -> Mapping[str, Any]:
    """Find or make each security group of the tenant, with its rules: one listing (none
    for a fresh step, which has nothing to find), then the missing groups in one call and
    the missing rules in another. Neutron's own `default` group is never made: Neutron
    makes it with the project's first group, and the step finds it then."""
    step = await TenantStep.load(ctx)
    cloud = await step.cloud()
    project_id = step.tenant.backend_id
    specs = group_specs(step)
    groups: dict[str, SecurityGroup] = {}
    if not ctx.fresh:  # one listing finds what an earlier attempt made
        groups = {
            g.name: g for g in await cloud.network.list_security_groups(project_id=project_id)
        }
    description = marker(step.tenant)
    made = await cloud.network.create_security_groups(
        [
            {"name": spec.name, "description": spec.description or description}
            for spec in specs
            if spec.name not in groups and spec.name != NEUTRON_DEFAULT
        ],
        project_id=project_id,
    )
    groups.update((group.name, group) for group in made)
    if any(spec.name not in groups for spec in specs):
        listed = await cloud.network.list_security_groups(project_id=project_id)
        groups.update((g.name, g) for g in listed if g.name not in groups)
    absent = [spec.name for spec in specs if spec.name not in groups]
    if absent:
        raise StepFailed(f"the cloud shows no security group {', '.join(absent)}")
    missing: list[dict[str, Any]] = []
    for spec in specs:
        group = groups[spec.name]
        have = {_existing(rule) for rule in group.security_group_rules}
        missing += [_rule_attrs(group.id, r) for r in spec.rules if _signature(r) not in have]
    if missing:
        await _add_rules(cloud, missing)
    return {"security_groups": {spec.name: groups[spec.name].id for spec in specs}}


async def remove_security_groups(cloud: OpenStackClient, project_id: str) -> None:
    """Delete every security group of the project (Neutron's `default` too)."""
    groups = await cloud.network.list_security_groups(project_id=project_id)
    await asyncio.gather(*(cloud.network.delete_security_group(group.id) for group in groups))


async def delete_security_groups(ctx: StepContext) -> None:
    """Delete every security group of the tenant's project (Neutron's `default` too)."""
    step = await TenantStep.load(ctx)
    if step.tenant.backend_id:
        await remove_security_groups(await step.cloud(), step.tenant.backend_id)


@refusals_fail
async def create_network(ctx: StepContext) -> Mapping[str, Any] | None:
    """Find or make the internal network (MTU from the offering) and its subnet, with the
    allocation pool of the `SUBNET` setting."""
    step = await TenantStep.load(ctx)
    tenant = step.tenant
    if step.options.get("skip_creation_of_default_subnet"):
        return None
    cloud = await step.cloud()
    plan = plan_subnet(tenant.subnet_cidr, step.runtime.openstack.subnet)
    # A fresh step has nothing to find (see `StepContext.fresh`).
    found = (
        []
        if ctx.fresh
        else await cloud.network.list_networks(
            name=network_name(tenant), project_id=tenant.backend_id
        )
    )
    network = (
        found[0]
        if found
        else await cloud.network.create_network(
            network_name(tenant),
            description=marker(tenant),
            project_id=tenant.backend_id,
            mtu=step.options.get("mtu"),
        )
    )
    # A network made a moment ago has no subnet yet: no need to look.
    subnets = (
        await cloud.network.list_subnets(network_id=network.id, name=subnet_name(tenant))
        if found
        else []
    )
    subnet = (
        subnets[0]
        if subnets
        else await cloud.network.create_subnet(
            network.id,
            plan.cidr,
            name=subnet_name(tenant),
            gateway_ip=plan.gateway_ip,
            allocation_pools=[{"start": plan.pool_start, "end": plan.pool_end}],
            project_id=tenant.backend_id,
        )
    )
    await step.save(internal_network_id=network.id, subnet_id=subnet.id)
    return {"network_id": network.id, "subnet_id": subnet.id}


async def delete_network(ctx: StepContext) -> None:
    """Delete the internal network and its subnets if they exist."""
    step = await TenantStep.load(ctx)
    tenant = step.tenant
    if not tenant.backend_id:
        return
    cloud = await step.cloud()
    networks = await cloud.network.list_networks(
        name=network_name(tenant), project_id=tenant.backend_id
    )
    for network in networks:
        for subnet in await cloud.network.list_subnets(network_id=network.id):
            await cloud.network.delete_subnet(subnet.id)
        await cloud.network.delete_network(network.id)
    await step.save(internal_network_id="", subnet_id="")


async def _ensure_interface(
    cloud: OpenStackClient, router: str, subnet: str, *, new_router: bool
) -> None:
    async def connected() -> bool:
        ports = await cloud.network.list_ports(device_id=router, device_owner=ROUTER_INTERFACE)
        return any(ip.get("subnet_id") == subnet for port in ports for ip in port.fixed_ips)

    # A router made a moment ago has no interface yet: no need to look.
    if not new_router and await connected():
        return
    try:
        await cloud.network.add_router_interface(router, subnet_id=subnet)
    except (BadRequest, Conflict):
        # A repeated call after a lost answer finds the interface there already.
        if not await connected():
            raise


@refusals_fail
async def create_router(ctx: StepContext) -> Mapping[str, Any] | None:
    """Find or make the router, with its gateway on the tenant's external network (if
    any) and an interface on the internal subnet."""
    step = await TenantStep.load(ctx)
    tenant = step.tenant
    if step.options.get("skip_creation_of_default_router"):
        return None
    cloud = await step.cloud()
    external = None
    if tenant.external_network_id and not step.options.get("skip_connection_extnet"):
        external = tenant.external_network_id
    found = (
        []
        if ctx.fresh
        else await cloud.network.list_routers(
            name=router_name(tenant), project_id=tenant.backend_id
        )
    )
    router = (
        found[0]
        if found
        else await cloud.network.create_router(
            router_name(tenant),
            external_network_id=external,
            description=marker(tenant),
            project_id=tenant.backend_id,
        )
    )
    if tenant.subnet_id:
        await _ensure_interface(cloud, router.id, tenant.subnet_id, new_router=not found)
    await step.save(router_id=router.id)
    return {"router_id": router.id}


async def delete_router(ctx: StepContext) -> None:
    """Disconnect and delete the router if it exists."""
    step = await TenantStep.load(ctx)
    tenant = step.tenant
    if not tenant.backend_id:
        return
    cloud = await step.cloud()
    for router in await cloud.network.list_routers(
        name=router_name(tenant), project_id=tenant.backend_id
    ):
        ports = await cloud.network.list_ports(device_id=router.id, device_owner=ROUTER_INTERFACE)
        for port in ports:
            await cloud.network.remove_router_interface(router.id, port_id=port.id)
        await cloud.network.delete_router(router.id)
    await step.save(router_id="")
