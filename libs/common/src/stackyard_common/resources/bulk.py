"""Many rows of one table written by key in one statement each way, for the pulls: the
rows come back as they are after the write, every column, so that the events about
them need no second read.

```python
now = await update_returning(session, table, [{"uuid": key, "name": "web-2"}, ...])
gone = await delete_returning(session, table, [key, ...])
```
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any, TypeVar

from sqlalchemy import Row, Table, Update, bindparam, column, delete, func, inspect, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

__all__ = ["delete_returning", "record_of", "update_returning"]

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


async def update_returning(
    session: AsyncSession, table: Table, rows: Sequence[Mapping[str, Any]], *, key: str = "uuid"
) -> list[Row[Any]]:
    """Give each row of `table` whose `key` column equals a mapping's `key` the
    mapping's other values, in one statement; the rows written, every column, in no
    particular order. Every mapping names the same columns; columns updated on every
    write (`onupdate`, such as `modified`) follow unless named."""
    if not rows:
        return []
    names = tuple(name for name in rows[0] if name != key)
    if any(set(row) != set(rows[0]) for row in rows):
        raise ValueError("every row must name the same columns")
    arrays = {f"_w_{name}": [row[name] for row in rows] for name in (key, *names)}
    found = await session.execute(_update_from_arrays(table, key, names), arrays)
    return list(found.all())


async def delete_returning(
    session: AsyncSession, table: Table, keys: Sequence[Any], *, key: str = "uuid"
) -> list[Row[Any]]:
    """Delete the rows of `table` whose `key` column is one of `keys`, in one statement;
    the rows deleted, every column, as they were."""
    if not keys:
        return []
    statement = delete(table).where(table.c[key].in_(list(keys))).returning(*table.c)
    return list((await session.execute(statement)).all())


def record_of(model: type[M], row: Row[Any]) -> M:
    """A record of `model` (not in any session) holding `row`'s columns, every column
    of the model's table: what event builders read of a record, without loading one."""
    mapping = row._mapping
    attributes = inspect(model).column_attrs
    return model(**{attribute.key: mapping[attribute.columns[0]] for attribute in attributes})
