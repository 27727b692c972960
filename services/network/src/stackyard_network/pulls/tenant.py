"""Reading a tenant's whole network back from the cloud: one list per kind (networks,
subnets, routers, ports, security groups, floating IPs), compared with the records in
one pass (`stackyard_common.resources.pulls.reconcile`). A resource the cloud has and the
records lack becomes a record (`created`); a settled record whose resource is gone is
marked missing (ERRED, `backend_missing_since`; `missing`) and goes only once the grace
period has passed (`deleted`); one that comes back is OK again (`returned`); the rest
take the cloud's values (`updated` when something changed). Records in a transitional
state are left to the operation working on them. Ports owned by Neutron itself (router
interfaces and gateways, DHCP) are shown on their routers instead.

Per kind the pull costs a few statements, whatever the number of records: the records
are read as plain rows (their columns, without the ORM's bookkeeping) and the cloud's
values applied to them; only the rows that differ are written (one UPDATE per set of
changed columns), the new records inserted together, the expired ones deleted together,
and the kind's events, one per difference, go to the outbox together.

Ports, the kind a tenant holds by the hundred, keep the Neutron revision the pull last
wrote them with (`RevisionMark`): their marks are read first, and only the ports whose
revision moved (or that are not settled) are read whole and compared."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import Select, any_, bindparam, delete, inspect, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.events import Envelope, publish_many
from stackyard_common.openstack import Resource
from stackyard_common.resources.pulls import (
    RevisionMark,
    passable_revision,
    pull_settings,
    reconcile,
    same_revision,
)
from stackyard_common.tenants import TenantRecord
from stackyard_network.cloud import Clouds
from stackyard_network.floating_ips.cloud import copy_floating_ip, port_links
from stackyard_network.networks.cloud import apply_network
from stackyard_network.ports.planning import apply_port
from stackyard_network.resources.events import CREATED, DELETED, UPDATED, resource_envelope
from stackyard_network.resources.kinds import KINDS
from stackyard_network.resources.models import ResourceState
from stackyard_network.routers.cloud import INTERFACE_OWNERS, apply_router
from stackyard_network.security_groups.cloud import apply_group, sync_group_rules
from stackyard_network.subnets.cloud import apply_subnet

__all__ = ["pull_tenant_network"]

Apply = Callable[[Any, Any], Awaitable[None]]


def _neutron_revision(item: Resource) -> str | None:
    """Neutron's revision of `item`, with its status beside it: agents report status,
    and a status that moved without a new revision would otherwise go unseen."""
    number = item.raw.get("revision_number")
    return None if number is None else f"{number}/{item.raw.get('status', '')}"


class _Row:
    """One record's columns as plain attributes, for `reconcile`, the appliers and the
    events (which read a record's attributes only), beside the row as read, so that only
    what differs is written."""

    __slots__ = ("__dict__", "_keys", "_read")

    _keys: Sequence[str]
    _read: Sequence[Any]
    uuid: uuid.UUID
    backend_id: str
    state: str
    error_message: str
    backend_missing_since: datetime | None
    backend_revision: str | None
    modified: datetime

    def __init__(self, keys: Sequence[str], read: Sequence[Any]) -> None:
        self.__dict__.update(zip(keys, read, strict=True))
        self._keys, self._read = keys, read

    def changes(self) -> dict[str, Any]:
        """The columns whose values differ from those read, with their values now."""
        values = self.__dict__
        if tuple(values.values()) == tuple(self._read):
            return {}
        return {
            name: values[name]
            for name, old in zip(self._keys, self._read, strict=True)
            if values[name] != old
        }

    def as_read(self) -> _Row:
        """The record as it was read."""
        return _Row(self._keys, self._read)


def _snapshot(kind: str, record: Any) -> dict[str, Any]:
    return {
        "name": record.name,
        "description": record.description,
        "runtime_state": record.runtime_state,
        **KINDS[kind].payload(record),
    }


@dataclass(frozen=True)
class _Reading:
    """The statements reading one kind's records (Core, without the ORM's loading,
    built once): every column of a tenant's records (`:tenant`) or of some of them
    (`:uuids`), and, for a kind whose model has revision marks, a tenant's marks (uuid,
    backend id, `passable_revision`)."""

    keys: list[str]
    whole: Select[Any]
    some: Select[Any]
    marks: Select[Any] | None


@cache
def _reading(kind: str) -> _Reading:
    model = KINDS[kind].model
    attributes = inspect(model).column_attrs
    table = model.__table__
    columns = select(*(attribute.columns[0] for attribute in attributes))
    tenant = table.c.tenant_uuid == bindparam("tenant")
    uuids = bindparam("uuids", type_=ARRAY(table.c.uuid.type))
    marks = None
    # Only ports keep a revision mark (their model mixes in `RevisionMark`): the other kinds
    # are a handful per tenant, and several take values from elsewhere than their own
    # revision (a network's `shared` from RBAC policies, a router's interfaces from ports, a
    # group's rules, a floating IP's port record).
    if issubclass(model, RevisionMark):
        marks = select(table.c.uuid, table.c.backend_id, passable_revision(table)).where(tenant)
    return _Reading(
        [attribute.key for attribute in attributes],
        columns.where(tenant),
        columns.where(table.c.uuid == any_(uuids)),
        marks,
    )


async def _rows(session: AsyncSession, kind: str, tenant: uuid.UUID) -> list[_Row]:
    """The tenant's records of `kind`, every column, as plain rows."""
    reading = _reading(kind)
    found = await session.execute(reading.whole, {"tenant": tenant})
    return [_Row(reading.keys, row) for row in found.all()]


async def _rows_to_compare(
    session: AsyncSession, kind: str, tenant: uuid.UUID, found: Sequence[Resource]
) -> tuple[list[_Row], list[Resource]]:
    """The tenant's records of a revisioned kind to compare with the cloud (every
    column) and the items to compare them with; the records passed over by their
    revision are read as marks only, and no further."""
    reading = _reading(kind)
    assert reading.marks is not None  # the caller asks for kinds with marks only
    # Unpacked, never read by attribute name (that costs more per row than a tenant's
    # ports can afford: they come by the hundred).
    marks = (await session.execute(reading.marks, {"tenant": tenant})).all()
    same, rest = same_revision(
        {backend_id: mark for _, backend_id, mark in marks}, found, revision=_neutron_revision
    )
    wanted = [key for key, backend_id, _ in marks if backend_id not in same]
    if not wanted:
        return [], rest
    whole = await session.execute(reading.some, {"uuids": wanted})
    return [_Row(reading.keys, row) for row in whole.all()], rest


async def _write(session: AsyncSession, model: type[Any], rows: Sequence[_Row]) -> None:
    """Write what differs from what was read, one UPDATE per set of changed columns (the
    table's `modified` follows, as with every update)."""
    table = model.__table__
    batches: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        changes = row.changes()
        if changes:
            batches.setdefault(tuple(changes), []).append({"_uuid": row.uuid, **changes})
    for batch in batches.values():
        await session.execute(update(table).where(table.c.uuid == bindparam("_uuid")), batch)


async def _reconcile(
    session: AsyncSession,
    tenant: TenantRecord,
    kind: str,
    found: Sequence[Resource],
    apply: Apply,
    now: datetime,
    **defaults: Any,
) -> tuple[dict[str, int], list[Any]]:
    """Bring the tenant's records of `kind` in step with `found`; the counts, and the
    records there are now (of a kind with revision marks: those compared only)."""
    model = KINDS[kind].model
    revisioned = _reading(kind).marks is not None
    if revisioned:
        records, found = await _rows_to_compare(session, kind, tenant.uuid, found)
    else:
        records = await _rows(session, kind, tenant.uuid)

    async def apply_revised(record: Any, item: Resource) -> None:
        await apply(record, item)
        if revisioned:
            record.backend_revision = _neutron_revision(item)

    # The cloud's values are applied below (network's appliers may read other records).
    pairs: list[tuple[_Row, Resource]] = []

    def pair(record: _Row, item: Resource) -> bool:
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
    events: list[Envelope] = []
    returned = {id(record) for record in result.returned}
    for record, item in pairs:
        await apply_revised(record, item)
        if (
            id(record) not in returned
            and record.changes()
            and _snapshot(kind, record) != _snapshot(kind, record.as_read())
        ):
            events.append(resource_envelope(kind, UPDATED, record))
            counts["updated"] += 1
    for name, marked in (("missing", result.missing), ("returned", result.returned)):
        for record in marked:
            events.append(resource_envelope(kind, UPDATED, record))
            counts[name] += 1
    for record in result.expired:
        events.append(resource_envelope(kind, DELETED, record))
        counts["deleted"] += 1
    expired = {id(record) for record in result.expired}
    kept: list[Any] = [record for record in records if id(record) not in expired]
    await _write(session, model, kept)
    if result.expired:
        await session.execute(
            delete(model).where(model.uuid.in_([record.uuid for record in result.expired]))
        )
    created = []
    for item in result.unknown:
        # Sub-resources the cloud has and the records lack become records at once (the
        # tenant's own network, made by its provisioning, arrives this way).
        record = model(
            uuid=uuid.uuid4(),
            tenant_uuid=tenant.uuid,
            customer_uuid=tenant.customer_uuid,
            project_uuid=tenant.project_uuid,
            state=ResourceState.OK.value,
            **defaults,
        )
        await apply_revised(record, item)
        created.append(record)
    if created:
        session.add_all(created)
        await session.flush()
    events.extend(resource_envelope(kind, CREATED, record) for record in created)
    counts["created"] = len(created)
    await publish_many(session, events)
    return counts, [*kept, *created]


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

    async def network(record: Any, item: Any) -> None:
        apply_network(record, item)

    report["network"], network_records = await _reconcile(
        session, tenant, "network", networks, network, now
    )
    by_network = {record.backend_id: record.uuid for record in network_records}

    async def subnet(record: Any, item: Any) -> None:
        record.network_uuid = by_network[item.network_id]
        apply_subnet(record, item)

    known = [item for item in subnets if item.network_id in by_network]
    report["subnet"], _ = await _reconcile(session, tenant, "subnet", known, subnet, now)
    interfaces: dict[str, list[dict[str, Any]]] = {}
    for port in ports:
        if port.device_owner in INTERFACE_OWNERS:
            interfaces.setdefault(port.device_id, []).extend(
                {"subnet_id": ip["subnet_id"], "port_id": port.id, "ip_address": ip["ip_address"]}
                for ip in port.fixed_ips
            )

    async def router(record: Any, item: Any) -> None:
        apply_router(record, item, interfaces.get(item.id, []))

    report["router"], _ = await _reconcile(session, tenant, "router", routers, router, now)

    async def group(record: Any, item: Any) -> None:
        apply_group(record, item)

    report["security_group"], group_records = await _reconcile(
        session, tenant, "security_group", groups, group, now
    )
    # Rules after every group has a record, so that remote groups resolve.
    by_id = {item.id: item for item in groups}
    await sync_group_rules(
        session,
        tenant.uuid,
        [
            (record, by_id[record.backend_id])
            for record in group_records
            if record.backend_id in by_id
        ],
    )

    async def port_apply(record: Any, item: Any) -> None:
        record.network_uuid = by_network.get(item.network_id)
        apply_port(record, item)

    users_ports = [p for p in ports if not p.device_owner.startswith("network:")]
    report["port"], _ = await _reconcile(session, tenant, "port", users_ports, port_apply, now)

    # The ports floating IPs point at, read together (the ports' records are written).
    links = await port_links(session, {item.port_id for item in floating if item.port_id})

    async def floating_apply(record: Any, item: Any) -> None:
        copy_floating_ip(record, item, links.get(item.port_id or ""))

    report["floating_ip"], _ = await _reconcile(
        session, tenant, "floating_ip", floating, floating_apply, now
    )
    return report
