"""What a pull reads and writes of a tenant's instances: only the columns it compares
and owns, read row-locked in one query and written back in one statement, so that a
pull of a hundred unchanged instances costs two round trips and no ORM objects. Whole
records are loaded only for the instances whose change is announced."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_compute.instances.models import Instance

__all__ = ["PulledInstance", "locked_rows", "whole_records", "write_rows"]


@dataclass
class PulledInstance:
    """The columns of one instance that a pull compares and may change."""

    uuid: uuid.UUID
    backend_id: str
    state: str
    error_message: str
    backend_missing_since: datetime | None
    modified: datetime
    runtime_state: str
    name: str
    key_name: str
    availability_zone: str
    flavor_backend_id: str
    flavor_name: str
    cores: int
    ram: int
    disk: int


_COLUMNS = [field.name for field in fields(PulledInstance)]
_WRITTEN = [name for name in _COLUMNS if name not in ("uuid", "modified")]


_TABLE = cast(Table, Instance.__table__)
# Built once, of the table's columns (Core, no ORM loading): a pull runs it per tenant.
_LOCKED_ROWS = (
    select(*(_TABLE.c[name] for name in _COLUMNS))
    .where(_TABLE.c.tenant_uuid == bindparam("tenant"))
    .order_by(_TABLE.c.uuid)
    .with_for_update()
)
_WRITE = update(_TABLE).where(_TABLE.c.uuid == bindparam("_uuid"))


async def locked_rows(session: AsyncSession, tenant: uuid.UUID) -> list[PulledInstance]:
    """The tenant's instances, row-locked until the transaction ends (in uuid order, so
    that two pulls never deadlock): no action starts on one meanwhile."""
    rows = await session.execute(_LOCKED_ROWS, {"tenant": tenant})
    return [PulledInstance(*row) for row in rows]


async def write_rows(session: AsyncSession, rows: Sequence[PulledInstance]) -> None:
    """Write the pulled columns of `rows` back, in one statement."""
    if not rows:
        return
    stamp = datetime.now(UTC)
    await session.execute(
        _WRITE,
        [
            {
                "_uuid": row.uuid,
                "modified": stamp,
                **{name: getattr(row, name) for name in _WRITTEN},
            }
            for row in rows
        ],
    )


async def whole_records(
    session: AsyncSession, keys: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Instance]:
    """The instances `keys` as they are now (for their events)."""
    if not keys:
        return {}
    found = await session.execute(
        select(Instance)
        .where(Instance.uuid.in_(list(keys)))
        .execution_options(populate_existing=True)
    )
    return {record.uuid: record for record in found.scalars()}
