"""Who may put images into a tenant, and who may publish them.

A tenant's images are managed by staff and by whoever manages the tenant's organisation
(owner, manager) or project (admin, manager); a project member sees them but changes
nothing. A public image (offered to every tenant of the cloud) needs the provider's
image-management permission (`SERVICE_PROVIDER_OPENSTACK_IMAGE_MANAGEMENT`): staff, and
the owners of the organisation providing the tenant's offering.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.api import Conflict, NotFound, PermissionDenied
from stackyard_common.auth import Principal, Role, has_role, visible_filter
from stackyard_common.tenants import TenantRecord, get_tenant, tenants
from stackyard_images.offerings.projection import provider_of

__all__ = ["IMAGE_MANAGERS", "ensure_may_publish", "managed_tenant"]

IMAGE_MANAGERS = (
    Role.CUSTOMER_OWNER,
    Role.CUSTOMER_MANAGER,
    Role.PROJECT_ADMIN,
    Role.PROJECT_MANAGER,
)
PUBLISH_PERMISSION = "SERVICE_PROVIDER_OPENSTACK_IMAGE_MANAGEMENT"


async def managed_tenant(
    session: AsyncSession, principal: Principal, tenant_uuid: uuid.UUID
) -> TenantRecord:
    """The tenant, if `principal` may manage its images and it is usable now.

    Raises `NotFound` for a tenant that is unknown, deleted or not visible to them,
    `PermissionDenied` for one they see but may not change, `Conflict` for one that is
    not OK in the cloud.
    """
    visible = await session.execute(
        select(tenants.c.uuid).where(
            tenants.c.uuid == tenant_uuid,
            tenants.c.deleted.is_(False),
            visible_filter(principal, tenants.c.customer_uuid, tenants.c.project_uuid),
        )
    )
    tenant = await get_tenant(session, tenant_uuid) if visible.first() else None
    if tenant is None or tenant.customer_uuid is None:
        raise NotFound("Tenant not found.")
    if not await has_role(
        session,
        principal,
        IMAGE_MANAGERS,
        customer=tenant.customer_uuid,
        project=tenant.project_uuid,
    ):
        raise PermissionDenied
    if not tenant.usable:
        raise Conflict(f"The tenant is {tenant.state or 'not provisioned'}, not OK.")
    return tenant


async def ensure_may_publish(
    session: AsyncSession, principal: Principal, tenant: TenantRecord
) -> None:
    """Raise `PermissionDenied` unless `principal` may make public images on the
    tenant's cloud."""
    if principal.is_staff:
        return
    provider = await provider_of(session, tenant)
    if provider is not None and await has_role(
        session, principal, [Role.CUSTOMER_OWNER], customer=provider
    ):
        return
    raise PermissionDenied(f"Public images need the {PUBLISH_PERMISSION} permission.")
