"""Queries on networks: visible through their tenant, or shared with a visible tenant
by an RBAC policy."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.api import NotFound
from stackyard_common.auth import Principal
from stackyard_network.networks.models import Network
from stackyard_network.rbac.models import RBACPolicy
from stackyard_network.resources.access import visible, visible_tenant_uuids
from stackyard_network.subnets.models import Subnet

__all__ = [
    "by_uuid",
    "policies_of",
    "shared_with",
    "subnets_of",
    "visible_network",
    "visible_networks",
]


def shared_with(tenant_uuids: Any) -> Select[Any]:
    """Uuids of the networks shared (by policy) with the tenants of `tenant_uuids`."""
    return select(RBACPolicy.network_uuid).where(RBACPolicy.target_tenant_uuid.in_(tenant_uuids))


def _seen(principal: Principal) -> ColumnElement[bool]:
    if principal.sees_everything:
        return visible(principal, Network)
    return or_(
        visible(principal, Network), Network.uuid.in_(shared_with(visible_tenant_uuids(principal)))
    )


def visible_networks(principal: Principal, *conditions: ColumnElement[bool]) -> Select[Any]:
    """Networks `principal` may see, matching `conditions`, by name."""
    return select(Network).where(_seen(principal), *conditions).order_by(Network.name, Network.uuid)


async def visible_network(session: AsyncSession, principal: Principal, key: uuid.UUID) -> Network:
    """The network if `principal` may see it (its own or shared with them); 404 else."""
    found = await session.execute(select(Network).where(Network.uuid == key, _seen(principal)))
    network = found.scalar_one_or_none()
    if network is None:
        raise NotFound
    return network


async def by_uuid(session: AsyncSession, key: uuid.UUID, lock: bool = False) -> Network | None:
    """The network, whoever asks."""
    query = select(Network).where(Network.uuid == key)
    if lock:
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def subnets_of(session: AsyncSession, networks: Sequence[uuid.UUID]) -> list[Subnet]:
    """The subnets of `networks`, by name."""
    query = select(Subnet).where(Subnet.network_uuid.in_(networks)).order_by(Subnet.name)
    return list((await session.execute(query)).scalars())


async def policies_of(session: AsyncSession, networks: Sequence[uuid.UUID]) -> list[RBACPolicy]:
    """The RBAC policies of `networks`, oldest first."""
    query = (
        select(RBACPolicy).where(RBACPolicy.network_uuid.in_(networks)).order_by(RBACPolicy.created)
    )
    return list((await session.execute(query)).scalars())
