"""Projects: created and deleted by staff and owners, updated by them and managers."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.api import NotFound, ValidationFailed
from stackyard_common.auth import Principal, Role, require_role
from stackyard_identity.audit.recording import Actor, record_change
from stackyard_identity.customers import repository
from stackyard_identity.customers.models import Customer, Project
from stackyard_identity.projects.schemas import ProjectCreate, ProjectUpdate
from stackyard_identity.roles.service import Scope, revoke_all
from stackyard_identity.web import parse_reference

__all__ = [
    "create_project",
    "delete_project",
    "get_visible",
    "scope_of",
    "update_project",
    "with_customer",
]


def scope_of(project: Project, customer: Customer) -> Scope:
    """The project as a place where roles are held."""
    return Scope("project", project.uuid, project.name, customer.uuid)


async def get_visible(session: AsyncSession, principal: Principal, uuid_: uuid.UUID) -> Project:
    """The project if `principal` may see it; `NotFound` otherwise."""
    project = await repository.project_by_uuid(session, uuid_, principal)
    if project is None:
        raise NotFound
    return project


async def with_customer(session: AsyncSession, project: Project) -> Customer:
    """The organisation of `project`."""
    customer = await repository.customer_by_uuid(session, project.customer_uuid)
    if customer is None:  # the foreign key makes this impossible short of corruption
        raise NotFound
    return customer


async def _change(
    session: AsyncSession, principal: Principal, verb: str, project: Project, customer: Customer
) -> None:
    await record_change(
        session,
        Actor.of(principal),
        f"project.{verb}.v1",
        f"Project {project.name} was {verb} by {principal.username}.",
        resource_type="project",
        resource_uuid=project.uuid,
        resource_name=project.name,
        customer=customer.uuid,
        project=project.uuid,
        data={"name": project.name, "customer_name": customer.name},
    )


async def create_project(
    session: AsyncSession, principal: Principal, data: ProjectCreate
) -> tuple[Project, Customer]:
    """Create a project in an organisation the caller can see (400 otherwise) and owns
    (403 otherwise), or any as staff."""
    customer_uuid = parse_reference("customer", data.customer)
    customer = await repository.customer_by_uuid(session, customer_uuid, principal)
    if customer is None:
        raise ValidationFailed.field("customer", "No such organisation.")
    await require_role(session, principal, [Role.CUSTOMER_OWNER], customer=customer.uuid)
    project = Project(name=data.name, description=data.description, customer_uuid=customer.uuid)
    session.add(project)
    await session.flush()
    await session.refresh(project)
    await _change(session, principal, "created", project, customer)
    return project, customer


async def update_project(
    session: AsyncSession, principal: Principal, project: Project, data: ProjectUpdate
) -> tuple[Project, Customer]:
    """Apply a partial update (staff, owners, project managers; 403 otherwise)."""
    await require_role(
        session,
        principal,
        [Role.CUSTOMER_OWNER, Role.PROJECT_MANAGER],
        customer=project.customer_uuid,
        project=project.uuid,
    )
    for name, value in data.model_dump(exclude_unset=True, exclude_none=True).items():
        setattr(project, name, value)
    await session.flush()
    await session.refresh(project)
    customer = await with_customer(session, project)
    await _change(session, principal, "updated", project, customer)
    return project, customer


async def delete_project(session: AsyncSession, principal: Principal, project: Project) -> None:
    """Delete a project (staff and owners; 403 otherwise), revoking its roles first."""
    await require_role(session, principal, [Role.CUSTOMER_OWNER], customer=project.customer_uuid)
    customer = await with_customer(session, project)
    await revoke_all(session, Actor.of(principal), scope_of(project, customer))
    await session.delete(project)
    await session.flush()
    await _change(session, principal, "deleted", project, customer)
