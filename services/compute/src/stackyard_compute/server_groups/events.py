"""The events compute publishes about server groups (each also an audit log entry):
`server_group.created.v1`, `server_group.state_changed.v1`, `server_group.deleted.v1`,
with `server_group_uuid`, `tenant_uuid`, `backend_id`, `name`, `policy`, `state` and
`error_message` besides the audit fields."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.resources.events import SYSTEM, Actor, publish_resource_event
from stackyard_compute.common.events import SOURCE
from stackyard_compute.server_groups.models import ServerGroup

__all__ = ["CREATED", "DELETED", "STATE_CHANGED", "group_event"]

CREATED = "server_group.created.v1"
STATE_CHANGED = "server_group.state_changed.v1"
DELETED = "server_group.deleted.v1"
_VERBS = {CREATED: "was scheduled for creation", STATE_CHANGED: "is now {}", DELETED: "was deleted"}


async def group_event(
    session: AsyncSession,
    kind: str,
    group: ServerGroup,
    *,
    actor: Actor = SYSTEM,
    order: uuid.UUID | None = None,
    **extra: Any,
) -> None:
    """Record the event `kind` about `group` in `session`'s transaction."""
    message = f"Server group {group.name} {_VERBS[kind].format(group.state)}."
    if group.state == "ERRED" and group.error_message:
        message = f"{message} {group.error_message}"
    await publish_resource_event(
        session,
        SOURCE,
        kind,
        group,
        resource_type="server_group",
        message=message,
        fields={
            "server_group_uuid": str(group.uuid),
            "tenant_uuid": str(group.tenant_uuid),
            "backend_id": group.backend_id,
            "name": group.name,
            "policy": group.policy,
            "state": group.state,
            "error_message": group.error_message,
        },
        actor=actor,
        order=order,
        **extra,
    )
