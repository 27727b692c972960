"""`/api/users/`: list, retrieve, create (staff), update, password, deactivate (staff)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status

from stackyard_common.api import (
    NotAuthenticated,
    NotFound,
    PageDep,
    PermissionDenied,
    ValidationFailed,
    error_responses,
    paginate,
)
from stackyard_common.auth import CurrentUser
from stackyard_common.db import SessionDep
from stackyard_identity.deps import RedisDep, SettingsDep
from stackyard_identity.models import User
from stackyard_identity.users import repository, service
from stackyard_identity.users.schemas import PasswordChange, UserCreate, UserRead, UserUpdate
from stackyard_identity.web import absolute_url

__all__ = ["router"]

router = APIRouter(prefix="/api/users", tags=["users"])

READ_ERRORS = error_responses(NotAuthenticated, NotFound)
WRITE_ERRORS = error_responses(ValidationFailed, NotAuthenticated, PermissionDenied, NotFound)


def user_read(request: Request, user: User) -> UserRead:
    """The API's view of `user`."""
    return UserRead(
        uuid=user.uuid,
        url=absolute_url(request, f"/api/users/{user.uuid}/"),
        username=user.username,
        full_name=user.full_name,
        email=user.email,
        is_active=user.is_active,
        is_staff=user.is_staff,
        is_support=user.is_support,
        created=user.created,
        modified=user.modified,
    )


@router.get("/", responses=READ_ERRORS, summary="Users the caller may see")
async def list_users(
    request: Request,
    principal: CurrentUser,
    session: SessionDep,
    page: PageDep,
    filters: Annotated[repository.UserFilters, Depends()],
) -> list[UserRead]:
    rows = await paginate(session, repository.visible_users(principal, filters), page)
    return [user_read(request, user) for user in rows]


@router.get("/me/", responses=READ_ERRORS, summary="The caller")
async def me(request: Request, principal: CurrentUser, session: SessionDep) -> UserRead:
    return user_read(request, await service.get_visible(session, principal, principal.uuid))


@router.post(
    "/", status_code=status.HTTP_201_CREATED, responses=WRITE_ERRORS, summary="Create (staff)"
)
async def create_user(
    request: Request, principal: CurrentUser, session: SessionDep, data: UserCreate
) -> UserRead:
    return user_read(request, await service.create_user(session, principal, data))


@router.get("/{user_uuid}/", responses=READ_ERRORS, summary="One user")
async def get_user(
    request: Request, user_uuid: uuid.UUID, principal: CurrentUser, session: SessionDep
) -> UserRead:
    return user_read(request, await service.get_visible(session, principal, user_uuid))


@router.patch("/{user_uuid}/", responses=WRITE_ERRORS, summary="Update")
async def update_user(
    request: Request,
    user_uuid: uuid.UUID,
    principal: CurrentUser,
    session: SessionDep,
    redis: RedisDep,
    settings: SettingsDep,
    data: UserUpdate,
) -> UserRead:
    user = await service.get_visible(session, principal, user_uuid)
    updated = await service.update_user(session, redis, settings, principal, user, data)
    return user_read(request, updated)


@router.post(
    "/{user_uuid}/password/",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=WRITE_ERRORS,
    summary="Set the password (own, or anyone's for staff)",
)
async def change_password(
    user_uuid: uuid.UUID, principal: CurrentUser, session: SessionDep, data: PasswordChange
) -> Response:
    user = await service.get_visible(session, principal, user_uuid)
    await service.change_password(session, principal, user, data.password)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{user_uuid}/deactivate/", responses=WRITE_ERRORS, summary="Deactivate (staff)")
async def deactivate_user(
    request: Request,
    user_uuid: uuid.UUID,
    principal: CurrentUser,
    session: SessionDep,
    redis: RedisDep,
    settings: SettingsDep,
) -> UserRead:
    user = await service.get_visible(session, principal, user_uuid)
    return user_read(
        request, await service.deactivate_user(session, redis, settings, principal, user)
    )
