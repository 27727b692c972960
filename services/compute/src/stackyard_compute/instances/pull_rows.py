"""What a pull reads and writes of a tenant's instances: only the columns it compares
and owns, read row-locked in one query and written back in one statement, so that a
pull of a hundred unchanged instances costs two round trips and no ORM objects. The
write hands back the whole records, for the events announcing the change, with no
further read."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import cast

from sqlalchemy import Table, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.resources.bulk import update_records
from stackyard_compute.instances.models import Instance

__all__ = ["PulledInstance", "locked_rows", "write_rows"]


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


async def locked_rows(session: AsyncSession, tenant: uuid.UUID) -> list[PulledInstance]:
    """The tenant's instances, row-locked until the transaction ends (in uuid order, so
    that two pulls never deadlock): no action starts on one meanwhile."""
    rows = await session.execute(_LOCKED_ROWS, {"tenant": tenant})
    return [PulledInstance(*row) for row in rows]


async def write_rows(
    session: AsyncSession, rows: Sequence[PulledInstance]
) -> dict[uuid.UUID, Instance]:
    """Write the pulled columns of `rows` back, in one statement; the whole records as
    they are now (not in the session: for their events)."""
    stamp = datetime.now(UTC)
    return await update_records(
        session,
        Instance,
        [
            {"uuid": row.uuid, "modified": stamp, **{name: getattr(row, name) for name in _WRITTEN}}
            for row in rows
        ],
    )
