"""The actions every resource has: `pull` (read it back from the cloud: managers) and
staff's `set_erred`, `set_ok` and `unlink` (the record only, announced by event)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.api import (
    Conflict,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    ValidationFailed,
    error_responses,
)
from stackyard_common.auth import CurrentUser, Principal, ensure_staff
from stackyard_common.db import SessionDep
from stackyard_network.resources.access import ensure_manager, get_visible
from stackyard_network.resources.events import DELETED, UPDATED, Actor, resource_event
from stackyard_network.resources.kinds import KINDS
from stackyard_network.resources.models import ResourceState
from stackyard_network.resources.operations import ensure_idle, schedule
from stackyard_network.resources.schemas import NetworkSetErredRequest

__all__ = ["ACTION_ERRORS", "add_common_actions", "force_state", "unlink"]

ACTION_ERRORS = error_responses(
    ValidationFailed, NotAuthenticated, PermissionDenied, NotFound, Conflict
)


async def force_state(
    session: AsyncSession,
    principal: Principal,
    kind: str,
    record: object,
    state: ResourceState,
    message: str,
) -> None:
    """`set_erred` / `set_ok` (staff): the record's state and message, nothing else."""
    ensure_staff(principal)
    record.state, record.error_message = state.value, message  # type: ignore[attr-defined]
    await session.flush()
    await resource_event(session, kind, UPDATED, record, actor=Actor.of(principal))


async def unlink(session: AsyncSession, principal: Principal, kind: str, record: object) -> None:
    """Forget the record, leaving the cloud as it is (staff)."""
    ensure_staff(principal)
    await resource_event(session, kind, DELETED, record, actor=Actor.of(principal))
    await session.delete(record)
    await session.flush()


def add_common_actions(router: APIRouter, kind_name: str) -> None:
    """Add `pull`, `set_erred`, `set_ok` and `unlink` for `kind_name` to `router`."""
    kind = KINDS[kind_name]
    model, label = kind.model, kind.label
    prefix = kind.path.strip("/").split("/")[-1].replace("-", "_")

    async def pull(key: uuid.UUID, principal: CurrentUser, session: SessionDep) -> dict[str, str]:
        record = await get_visible(session, principal, model, key, lock=True)
        await ensure_manager(session, principal, record.customer_uuid, record.project_uuid)
        if not record.backend_id:
            raise Conflict("The resource has no cloud counterpart to pull.")
        await ensure_idle(session, record)
        await schedule(
            session,
            kind_name,
            record,
            "pull",
            actor=Actor.of(principal),
            state=ResourceState.UPDATE_SCHEDULED,
        )
        return {"detail": "Pull operation was successfully scheduled."}

    async def set_erred(
        key: uuid.UUID,
        principal: CurrentUser,
        session: SessionDep,
        data: NetworkSetErredRequest | None = None,
    ) -> dict[str, str]:
        record = await get_visible(session, principal, model, key, lock=True)
        message = (data or NetworkSetErredRequest()).error_message
        await force_state(session, principal, kind_name, record, ResourceState.ERRED, message)
        return {"detail": f"{label} has been marked as erred."}

    async def set_ok(key: uuid.UUID, principal: CurrentUser, session: SessionDep) -> dict[str, str]:
        record = await get_visible(session, principal, model, key, lock=True)
        await force_state(session, principal, kind_name, record, ResourceState.OK, "")
        return {"detail": f"{label} has been marked as OK."}

    async def unlink_route(key: uuid.UUID, principal: CurrentUser, session: SessionDep) -> Response:
        record = await get_visible(session, principal, model, key, lock=True)
        await unlink(session, principal, kind_name, record)
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    routes = (
        ("pull", pull, status.HTTP_202_ACCEPTED, "Read it back from the cloud"),
        ("set_erred", set_erred, status.HTTP_200_OK, "Force ERRED (staff)"),
        ("set_ok", set_ok, status.HTTP_200_OK, "Force OK (staff)"),
        ("unlink", unlink_route, status.HTTP_204_NO_CONTENT, "Forget the record (staff)"),
    )
    for action, endpoint, code, summary in routes:
        router.add_api_route(
            f"/{{key}}/{action}/",
            endpoint,
            methods=["POST"],
            status_code=code,
            responses=ACTION_ERRORS,
            summary=summary,
            operation_id=f"{prefix}_{action}",
            response_model=None,
        )
