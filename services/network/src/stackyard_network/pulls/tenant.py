"""Reading a tenant's whole network back from the cloud: one list per kind (networks,
subnets, routers, ports, security groups, floating IPs), compared with the records in
one pass (`stackyard_common.resources.pulls.reconcile`). A resource the cloud has and the
records lack becomes a record (`created`); a settled record whose resource is gone is
marked missing (ERRED, `backend_missing_since`; `missing`) and goes only once the grace
period has passed (`deleted`); one that comes back is OK again (`returned`); the rest
take the cloud's values (`updated` when something changed). Records in a transitional
state are left to the operation working on them. Ports owned by Neutron itself (router
interfaces and gateways, DHCP) are shown on their routers instead."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.openstack import Resource
from stackyard_common.resources.pulls import pull_settings, reconcile
from stackyard_common.tenants import TenantRecord
from stackyard_network.cloud import Clouds
from stackyard_network.floating_ips.cloud import apply_floating_ip
from stackyard_network.floating_ips.models import FloatingIP
from stackyard_network.networks.cloud import apply_network
from stackyard_network.networks.models import Network
from stackyard_network.ports.models import Port
from stackyard_network.ports.planning import apply_port
from stackyard_network.resources.events import CREATED, DELETED, UPDATED, resource_event
from stackyard_network.resources.kinds import KINDS
from stackyard_network.resources.models import ResourceState
from stackyard_network.routers.cloud import INTERFACE_OWNERS, apply_router
from stackyard_network.routers.models import Router
from stackyard_network.security_groups.cloud import apply_group, sync_rules
from stackyard_network.security_groups.models import SecurityGroup
from stackyard_network.subnets.cloud import apply_subnet
from stackyard_network.subnets.models import Subnet

__all__ = ["pull_tenant_network"]

Apply = Callable[[Any, Any], Awaitable[None]]


def _snapshot(kind: str, record: Any) -> dict[str, Any]:
    return {
        "name": record.name,
        "description": record.description,
        "runtime_state": record.runtime_state,
        **KINDS[kind].payload(record),
    }


async def _reconcile(
    session: AsyncSession,
    tenant: TenantRecord,
    kind: str,
    found: Sequence[Resource],
    apply: Apply,
    now: datetime,
    **defaults: Any,
) -> dict[str, int]:
    model = KINDS[kind].model
    records = (
        (await session.execute(select(model).where(model.tenant_uuid == tenant.uuid)))
        .scalars()
        .all()
    )
    # The cloud's values are applied below (network's appliers may read other records).
    pairs: list[tuple[Any, Resource]] = []

    def pair(record: Any, item: Resource) -> bool:
        pairs.append((record, item))
        return False

    settings = pull_settings()
    label = KINDS[kind].label
    result = reconcile(
        records,
        found,
        apply=pair,
        now=now,
        grace=settings.grace,
        missing_message=f"The {label[:1].lower()}{label[1:]} is gone from the cloud.",
    )
    counts = {"created": 0, "updated": 0, "missing": 0, "returned": 0, "deleted": 0}
    returned = {id(record) for record in result.returned}
    for record, item in pairs:
        before = _snapshot(kind, record)
        await apply(record, item)
        if id(record) not in returned and _snapshot(kind, record) != before:
            await session.flush()
            await resource_event(session, kind, UPDATED, record)
            counts["updated"] += 1
    for name, marked in (("missing", result.missing), ("returned", result.returned)):
        for record in marked:
            await session.flush()
            await resource_event(session, kind, UPDATED, record)
            counts[name] += 1
    for record in result.expired:
        await resource_event(session, kind, DELETED, record)
        await session.delete(record)
        counts["deleted"] += 1
    for item in result.unknown:
        # Sub-resources the cloud has and the records lack become records at once (the
        # tenant's own network, made by its provisioning, arrives this way).
        record = model(
            tenant_uuid=tenant.uuid,
            customer_uuid=tenant.customer_uuid,
            project_uuid=tenant.project_uuid,
            state=ResourceState.OK.value,
            **defaults,
        )
        await apply(record, item)
        session.add(record)
        await session.flush()
        await resource_event(session, kind, CREATED, record)
        counts["created"] += 1
    await session.flush()
    return counts


def _own(items: Sequence[Any], project_id: str) -> list[Any]:
    # Tenant users also list shared and external resources: keep the tenant's own.
    return [item for item in items if item.project_id in (None, project_id)]


async def pull_tenant_network(
    session: AsyncSession, clouds: Clouds, tenant: TenantRecord, *, now: datetime | None = None
) -> dict[str, dict[str, int]]:
    """Bring the tenant's records in step with its cloud; what changed, per kind."""
    now = now or datetime.now(UTC)
    cloud = (await clouds.tenant(tenant.uuid)).network
    project = tenant.backend_id
    networks = _own(await cloud.list_networks(project_id=project), project)
    subnets = _own(await cloud.list_subnets(), project)
    routers = await cloud.list_routers(project_id=project)
    ports = _own(await cloud.list_ports(), project)
    groups = await cloud.list_security_groups(project_id=project)
    floating = await cloud.list_floating_ips(project_id=project)
    report: dict[str, dict[str, int]] = {}

    async def network(record: Network, item: Any) -> None:
        apply_network(record, item)

    report["network"] = await _reconcile(session, tenant, "network", networks, network, now)
    by_network = {
        row.backend_id: row.uuid
        for row in await session.execute(
            select(Network.backend_id, Network.uuid).where(Network.tenant_uuid == tenant.uuid)
        )
    }

    async def subnet(record: Subnet, item: Any) -> None:
        record.network_uuid = by_network[item.network_id]
        apply_subnet(record, item)

    known = [item for item in subnets if item.network_id in by_network]
    report["subnet"] = await _reconcile(session, tenant, "subnet", known, subnet, now)
    interfaces: dict[str, list[dict[str, Any]]] = {}
    for port in ports:
        if port.device_owner in INTERFACE_OWNERS:
            interfaces.setdefault(port.device_id, []).extend(
                {"subnet_id": ip["subnet_id"], "port_id": port.id, "ip_address": ip["ip_address"]}
                for ip in port.fixed_ips
            )

    async def router(record: Router, item: Any) -> None:
        apply_router(record, item, interfaces.get(item.id, []))

    report["router"] = await _reconcile(session, tenant, "router", routers, router, now)

    async def group(record: SecurityGroup, item: Any) -> None:
        apply_group(record, item)

    report["security_group"] = await _reconcile(
        session, tenant, "security_group", groups, group, now
    )
    for record in (
        await session.execute(select(SecurityGroup).where(SecurityGroup.tenant_uuid == tenant.uuid))
    ).scalars():
        # Rules after every group has a record, so that remote groups resolve.
        match = next((item for item in groups if item.id == record.backend_id), None)
        if match is not None:
            await sync_rules(session, record, match)

    async def port_apply(record: Port, item: Any) -> None:
        record.network_uuid = by_network.get(item.network_id)
        apply_port(record, item)

    users_ports = [p for p in ports if not p.device_owner.startswith("network:")]
    report["port"] = await _reconcile(session, tenant, "port", users_ports, port_apply, now)

    async def floating_apply(record: FloatingIP, item: Any) -> None:
        await apply_floating_ip(session, record, item)

    report["floating_ip"] = await _reconcile(
        session, tenant, "floating_ip", floating, floating_apply, now
    )
    return report
