"""Security groups in the cloud: create (with rules), rename, rules added and removed,
delete and pull, as operations of the `network-operation` saga. A group's rule records
follow the cloud's rules on every operation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.openstack import NotFound, OpenStackClient
from stackyard_common.openstack.network import SecurityGroup as CloudGroup
from stackyard_common.openstack.network import SecurityGroupRule as CloudRule
from stackyard_common.sagas import StepFailed
from stackyard_network.resources.operations import Operation, Outcome, gone, operation
from stackyard_network.security_groups.models import SecurityGroup, SecurityGroupRule

__all__ = ["apply_group", "sync_group_rules", "sync_rules"]


def _matches(rule: SecurityGroupRule, found: CloudRule, remote_id: str | None) -> bool:
    return (
        found.direction == rule.direction
        and found.ethertype == rule.ethertype
        and (found.protocol or "") == rule.protocol
        and found.port_range_min == rule.from_port
        and found.port_range_max == rule.to_port
        and found.remote_ip_prefix == rule.cidr
        and (found.remote_group_id or None) == remote_id
    )


async def _groups_by_backend(session: AsyncSession, tenant_uuid: object) -> dict[str, object]:
    rows = await session.execute(
        select(SecurityGroup.backend_id, SecurityGroup.uuid).where(
            SecurityGroup.tenant_uuid == tenant_uuid, SecurityGroup.backend_id != ""
        )
    )
    return {row.backend_id: row.uuid for row in rows}


async def sync_rules(session: AsyncSession, record: SecurityGroup, found: CloudGroup) -> None:
    """Make the group's rule records what the cloud holds (rules not yet made stay)."""
    await sync_group_rules(session, record.tenant_uuid, [(record, found)])


async def sync_group_rules(
    session: AsyncSession, tenant_uuid: object, groups: Sequence[tuple[Any, CloudGroup]]
) -> None:
    """`sync_rules` for several groups of one tenant (records, or rows with their
    `uuid`, beside the cloud's groups): one read of their rules and one flush."""
    if not groups:
        return
    known: dict[object, list[SecurityGroupRule]] = {record.uuid: [] for record, _ in groups}
    rules = await session.execute(
        select(SecurityGroupRule).where(SecurityGroupRule.security_group_uuid.in_(list(known)))
    )
    for rule in rules.scalars():
        known[rule.security_group_uuid].append(rule)
    # The tenant's groups by cloud id, read only when a rule to be recorded names a
    # remote group: a pull of unchanged groups records no rule and reads nothing more.
    recorded = {rule.backend_id for rules in known.values() for rule in rules}
    names_remote = any(
        item.remote_group_id and item.id not in recorded
        for _, found in groups
        for item in found.security_group_rules
    )
    by_backend = await _groups_by_backend(session, tenant_uuid) if names_remote else {}
    for record, found in groups:
        cloud = {rule.id: rule for rule in found.security_group_rules}
        for rule in known[record.uuid]:
            if rule.backend_id and rule.backend_id not in cloud:
                await session.delete(rule)
        made = {rule.backend_id for rule in known[record.uuid]}
        for rule_id, item in cloud.items():
            if rule_id in made:
                continue
            remote = item.remote_group_id or ""
            session.add(
                SecurityGroupRule(
                    security_group_uuid=record.uuid,
                    backend_id=rule_id,
                    direction=item.direction,
                    ethertype=item.ethertype,
                    protocol=item.protocol or "",
                    from_port=item.port_range_min,
                    to_port=item.port_range_max,
                    cidr=item.remote_ip_prefix,
                    remote_group_uuid=by_backend.get(remote) if remote else None,
                    remote_group_backend_id=remote,
                    description=item.description or "",
                )
            )
    await session.flush()


def apply_group(record: SecurityGroup, found: CloudGroup) -> None:
    """Copy the group's own attributes from the cloud onto its record."""
    record.backend_id = found.id
    record.name = found.name
    record.description = found.description


async def _make_rule(
    cloud: OpenStackClient, session: AsyncSession, group_id: str, rule: SecurityGroupRule
) -> None:
    remote = rule.remote_group_backend_id or None
    if rule.remote_group_uuid is not None and remote is None:
        target = await session.get(SecurityGroup, rule.remote_group_uuid)
        if target is None or not target.backend_id:
            raise StepFailed("The rule's remote group is not in the cloud.")
        remote = rule.remote_group_backend_id = target.backend_id
    existing = await cloud.network.list_security_group_rules(security_group_id=group_id)
    for found in existing:  # made by an earlier attempt that did not finish
        if _matches(rule, found, remote):
            rule.backend_id = found.id
            return
    made = await cloud.network.create_security_group_rule(
        group_id,
        direction=rule.direction,
        ethertype=rule.ethertype,
        protocol=rule.protocol or None,
        port_range_min=rule.from_port,
        port_range_max=rule.to_port,
        remote_ip_prefix=rule.cidr,
        remote_group_id=remote,
        description=rule.description or None,
    )
    rule.backend_id = made.id


async def _pending(session: AsyncSession, record: SecurityGroup) -> list[SecurityGroupRule]:
    query = select(SecurityGroupRule).where(
        SecurityGroupRule.security_group_uuid == record.uuid, SecurityGroupRule.backend_id == ""
    )
    return list((await session.execute(query)).scalars())


@operation("security_group", "create")
async def create(job: Operation) -> Outcome:
    record: SecurityGroup = job.record
    found = await job.cloud.network.find_security_group(tags=[job.tag])
    if found is None:
        found = await job.cloud.network.create_security_group(
            record.name, description=record.description or None, tags=[job.tag]
        )
    apply_group(record, found)
    for rule in await _pending(job.session, record):
        await _make_rule(job.cloud, job.session, found.id, rule)
    await job.session.flush()
    await sync_rules(job.session, record, await job.cloud.network.get_security_group(found.id))
    return Outcome.KEEP


@operation("security_group", "update")
async def update(job: Operation) -> Outcome:
    found = await job.cloud.network.update_security_group(
        job.record.backend_id,
        name=job.params.get("name"),
        description=job.params.get("description"),
    )
    apply_group(job.record, found)
    return Outcome.KEEP


@operation("security_group", "add_rule")
async def add_rule(job: Operation) -> Outcome:
    for rule in await _pending(job.session, job.record):
        await _make_rule(job.cloud, job.session, job.record.backend_id, rule)
    await job.session.flush()
    found = await job.cloud.network.get_security_group(job.record.backend_id)
    await sync_rules(job.session, job.record, found)
    return Outcome.KEEP


@operation("security_group", "remove_rule")
async def remove_rule(job: Operation) -> Outcome:
    await job.cloud.network.delete_security_group_rule(str(job.params["rule_backend_id"]))
    found = await job.cloud.network.get_security_group(job.record.backend_id)
    await sync_rules(job.session, job.record, found)
    return Outcome.KEEP


@operation("security_group", "delete")
async def delete(job: Operation) -> Outcome:
    if job.record.backend_id:
        await job.cloud.network.delete_security_group(job.record.backend_id)
    return Outcome.DELETED


@operation("security_group", "pull")
async def pull(job: Operation) -> Outcome:
    try:
        found = await job.cloud.network.get_security_group(job.record.backend_id)
    except NotFound as error:
        raise gone("security group", job.record.backend_id) from error
    apply_group(job.record, found)
    await sync_rules(job.session, job.record, found)
    return Outcome.KEEP
