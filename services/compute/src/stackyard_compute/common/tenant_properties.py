"""Reading what a tenant offers (flavors, zones): visible to whoever sees the tenant."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, select

from stackyard_common.auth import Principal, visible_filter
from stackyard_common.tenants import tenants

__all__ = ["visible_properties"]


def visible_properties(
    model: Any, principal: Principal, *conditions: ColumnElement[bool]
) -> Select[Any]:
    """Rows of `model` (with `tenant_uuid`) of live tenants `principal` sees, by name."""
    return (
        select(model)
        .join(tenants, tenants.c.uuid == model.tenant_uuid)
        .where(
            tenants.c.deleted.is_(False),
            visible_filter(principal, tenants.c.customer_uuid, tenants.c.project_uuid),
            *conditions,
        )
        .order_by(model.name, model.uuid)
    )
