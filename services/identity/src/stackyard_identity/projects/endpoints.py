"""`/api/projects/`: projects inside organisations, and the roles held in them."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Query, Request, Response, status

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
from stackyard_identity.customers import repository
from stackyard_identity.customers.models import Customer, Project
from stackyard_identity.projects import service
from stackyard_identity.projects.schemas import ProjectCreate, ProjectRead, ProjectUpdate
from stackyard_identity.roles import actions
from stackyard_identity.roles.schemas import RoleGrantRead, RoleGrantRequest, RoleRevokeRequest
from stackyard_identity.roles.service import Scope
from stackyard_identity.web import absolute_url

__all__ = ["router"]

router = APIRouter(prefix="/api/projects", tags=["projects"])

READ_ERRORS = error_responses(NotAuthenticated, NotFound)
WRITE_ERRORS = error_responses(ValidationFailed, NotAuthenticated, PermissionDenied, NotFound)


def project_read(request: Request, project: Project, customer: Customer) -> ProjectRead:
    """The API's view of a project."""
    return ProjectRead(
        uuid=project.uuid,
        url=absolute_url(request, f"/api/projects/{project.uuid}/"),
        name=project.name,
        description=project.description,
        customer=absolute_url(request, f"/api/customers/{customer.uuid}/"),
        customer_uuid=customer.uuid,
        customer_name=customer.name,
        created=project.created,
        modified=project.modified,
    )


@router.get("/", responses=READ_ERRORS, summary="Projects the caller may see")
async def list_projects(
    request: Request,
    principal: CurrentUser,
    session: SessionDep,
    page: PageDep,
    name: str | None = Query(default=None, description="Part of the name."),
    customer: uuid.UUID | None = Query(default=None, description="The organisation's uuid."),
) -> list[ProjectRead]:
    conditions = []
    if name is not None:
        conditions.append(Project.name.icontains(name, autoescape=True))
    if customer is not None:
        conditions.append(Project.customer_uuid == customer)
    rows = await paginate(session, repository.visible_projects(principal, *conditions), page)
    customers = await repository.customers_by_uuid(
        session, {project.customer_uuid for project in rows}
    )
    return [project_read(request, project, customers[project.customer_uuid]) for project in rows]


@router.post(
    "/",
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
    summary="Create (staff, the organisation's owners)",
)
async def create_project(
    request: Request, principal: CurrentUser, session: SessionDep, data: ProjectCreate
) -> ProjectRead:
    project, customer = await service.create_project(session, principal, data)
    return project_read(request, project, customer)


@router.get("/{project_uuid}/", responses=READ_ERRORS, summary="One project")
async def get_project(
    request: Request, project_uuid: uuid.UUID, principal: CurrentUser, session: SessionDep
) -> ProjectRead:
    project = await service.get_visible(session, principal, project_uuid)
    return project_read(request, project, await service.with_customer(session, project))


@router.patch(
    "/{project_uuid}/", responses=WRITE_ERRORS, summary="Update (staff, owners, managers)"
)
async def update_project(
    request: Request,
    project_uuid: uuid.UUID,
    principal: CurrentUser,
    session: SessionDep,
    data: ProjectUpdate,
) -> ProjectRead:
    project = await service.get_visible(session, principal, project_uuid)
    updated, customer = await service.update_project(session, principal, project, data)
    return project_read(request, updated, customer)


@router.delete(
    "/{project_uuid}/",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=WRITE_ERRORS,
    summary="Delete (staff, the organisation's owners)",
)
async def delete_project(
    project_uuid: uuid.UUID, principal: CurrentUser, session: SessionDep
) -> Response:
    project = await service.get_visible(session, principal, project_uuid)
    await service.delete_project(session, principal, project)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


async def _scope(session: SessionDep, principal: CurrentUser, project_uuid: uuid.UUID) -> Scope:
    project = await service.get_visible(session, principal, project_uuid)
    return service.scope_of(project, await service.with_customer(session, project))


@router.get("/{project_uuid}/list_users/", responses=READ_ERRORS, summary="Roles held here")
async def list_users(
    project_uuid: uuid.UUID, principal: CurrentUser, session: SessionDep, page: PageDep
) -> list[RoleGrantRead]:
    return await actions.list_users(session, await _scope(session, principal, project_uuid), page)


@router.post(
    "/{project_uuid}/add_user/",
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
    summary="Grant a project role",
)
async def add_user(
    project_uuid: uuid.UUID, principal: CurrentUser, session: SessionDep, data: RoleGrantRequest
) -> RoleGrantRead:
    scope = await _scope(session, principal, project_uuid)
    return await actions.add_user(session, principal, scope, data)


@router.post(
    "/{project_uuid}/update_user/", responses=WRITE_ERRORS, summary="Change a role's expiry"
)
async def update_user(
    project_uuid: uuid.UUID, principal: CurrentUser, session: SessionDep, data: RoleGrantRequest
) -> RoleGrantRead:
    scope = await _scope(session, principal, project_uuid)
    return await actions.update_user(session, principal, scope, data)


@router.post(
    "/{project_uuid}/delete_user/",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=WRITE_ERRORS,
    summary="Revoke a project role",
)
async def delete_user(
    project_uuid: uuid.UUID, principal: CurrentUser, session: SessionDep, data: RoleRevokeRequest
) -> Response:
    scope = await _scope(session, principal, project_uuid)
    await actions.delete_user(session, principal, scope, data)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
