"""Many records of one model written by key in one statement each way, for the pulls:
the records come back whole (every column, outside any session) as they are after the
write, so that the events about them need no second read.

```python
now = await update_records(session, Instance, [{"uuid": key, "name": "web-2"}, ...])
gone = await delete_records(session, Instance, [key, ...])
```
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any, TypeVar, cast

from sqlalchemy import Row, Table, Update, bindparam, column, delete, func, inspect, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

__all__ = ["delete_records", "update_records"]

M = TypeVar("M")


@lru_cache(maxsize=64)
def _update_from_arrays(table: Table, key: str, names: tuple[str, ...]) -> Update:
    """`UPDATE table SET name = written.name, ... FROM unnest(:_w_key, :_w_name, ...)
    AS written(...) WHERE table.key = written.key RETURNING table.*`: one array per
    column, so that the statement is the same whatever the number of rows (compiled and
    prepared once)."""
    columns = (key, *names)
    written = (
        func.unnest(*(bindparam(f"_w_{name}", type_=ARRAY(table.c[name].type)) for name in columns))
        .table_valued(*(column(name, table.c[name].type) for name in columns))
        .render_derived(name="written")
    )
    return (
        update(table)
        .where(table.c[key] == written.c[key])
        .values({name: written.c[name] for name in names})
        .returning(*table.c)
    )


def _table(model: type[Any]) -> Table:
    return cast(Table, inspect(model).local_table)


def _records(model: type[M], rows: Sequence[Row[Any]], key: str) -> dict[Any, M]:
    """Records of `model` (outside any session) holding `rows`' columns, by `key`."""
    attributes = [
        (attribute.key, attribute.columns[0]) for attribute in inspect(model).column_attrs
    ]
    records = (model(**{name: row._mapping[column] for name, column in attributes}) for row in rows)
    return {getattr(record, key): record for record in records}


async def update_records(
    session: AsyncSession, model: type[M], rows: Sequence[Mapping[str, Any]], *, key: str = "uuid"
) -> dict[Any, M]:
    """Give each record of `model` whose `key` equals a mapping's `key` the mapping's
    other values, in one statement; the records written, whole, by key. Every mapping
    names the same columns; columns updated on every write (`onupdate`, such as
    `modified`) follow unless named."""
    if not rows:
        return {}
    names = tuple(name for name in rows[0] if name != key)
    if any(set(row) != set(rows[0]) for row in rows):
        raise ValueError("every row must name the same columns")
    arrays = {f"_w_{name}": [row[name] for row in rows] for name in (key, *names)}
    found = await session.execute(_update_from_arrays(_table(model), key, names), arrays)
    return _records(model, found.all(), key)


async def delete_records(
    session: AsyncSession, model: type[M], keys: Sequence[Any], *, key: str = "uuid"
) -> dict[Any, M]:
    """Delete the records of `model` whose `key` is one of `keys`, in one statement; the
    records deleted, whole, as they were, by key."""
    if not keys:
        return {}
    table = _table(model)
    statement = delete(table).where(table.c[key].in_(list(keys))).returning(*table.c)
    return _records(model, (await session.execute(statement)).all(), key)
