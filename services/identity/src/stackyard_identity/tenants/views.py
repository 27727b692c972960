"""How tenants look in the API.

The tenant user's password is shown to staff, and to the project's users only when
`TENANT_CREDENTIALS_VISIBLE` is on; otherwise it is null.
"""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import Request
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.auth import Principal
from stackyard_common.sagas import saga_progress
from stackyard_identity.customers.models import Customer, Project
from stackyard_identity.tenants.models import Tenant
from stackyard_identity.tenants.quotas import DEFAULT_QUOTAS
from stackyard_identity.tenants.runtime import TenantRuntime
from stackyard_identity.tenants.schemas import TenantProgress, TenantQuota, TenantRead
from stackyard_identity.web import absolute_url

__all__ = ["quota_list", "tenant_reads"]


def quota_list(tenant: Tenant) -> list[TenantQuota]:
    """The tenant's quotas with their usage, the specification's ones first."""
    names = [*DEFAULT_QUOTAS, *sorted(set(tenant.quotas) - set(DEFAULT_QUOTAS))]
    return [
        TenantQuota(name=name, limit=int(tenant.quotas[name]), usage=tenant.usage.get(name))
        for name in names
        if name in tenant.quotas
    ]


async def tenant_reads(
    request: Request,
    session: AsyncSession,
    runtime: TenantRuntime,
    principal: Principal,
    tenants: Sequence[Tenant],
    *,
    with_progress: bool = True,
) -> list[TenantRead]:
    """The API's views of `tenants` (with each one's newest saga run, unless told not)."""
    projects = {
        project.uuid: project
        for project in (
            await session.execute(
                select(Project).where(Project.uuid.in_({t.project_uuid for t in tenants}))
            )
        ).scalars()
    }
    customers = {
        customer.uuid: customer
        for customer in (
            await session.execute(
                select(Customer).where(Customer.uuid.in_({t.customer_uuid for t in tenants}))
            )
        ).scalars()
    }
    show_password = principal.is_staff or runtime.openstack.tenant_credentials_visible
    box = runtime.box if show_password else None
    views = []
    for tenant in tenants:
        progress = await saga_progress(session, tenant.uuid) if with_progress else None
        project, customer = projects.get(tenant.project_uuid), customers.get(tenant.customer_uuid)
        views.append(
            TenantRead(
                uuid=tenant.uuid,
                url=absolute_url(request, f"/api/openstack-tenants/{tenant.uuid}/"),
                name=tenant.name,
                description=tenant.description,
                state=tenant.state,
                error_message=tenant.error_message,
                backend_id=tenant.backend_id,
                service_settings=absolute_url(
                    request, f"/api/service-settings/{tenant.connection_uuid}/"
                ),
                service_settings_uuid=tenant.connection_uuid,
                project=absolute_url(request, f"/api/projects/{tenant.project_uuid}/"),
                project_uuid=tenant.project_uuid,
                project_name=project.name if project else "",
                customer=absolute_url(request, f"/api/customers/{tenant.customer_uuid}/"),
                customer_uuid=tenant.customer_uuid,
                customer_name=customer.name if customer else "",
                availability_zone=tenant.availability_zone,
                internal_network_id=tenant.internal_network_id,
                subnet_id=tenant.subnet_id,
                router_id=tenant.router_id,
                external_network_id=tenant.external_network_id,
                subnet_cidr=tenant.subnet_cidr,
                skip_creation_of_default_router=bool(
                    tenant.options.get("skip_creation_of_default_router")
                ),
                user_username=tenant.user_username,
                user_password=(
                    box.decrypt(tenant.user_password_encrypted)
                    if box is not None and tenant.user_password_encrypted
                    else None
                ),
                quotas=quota_list(tenant),
                properties=tenant.properties,
                progress=(
                    TenantProgress(
                        saga=progress.saga,
                        step=progress.step,
                        total=progress.total,
                        step_name=progress.step_name,
                        state=progress.state,
                        error=progress.error,
                        text=progress.text,
                    )
                    if progress is not None
                    else None
                ),
                marketplace_resource_uuid=tenant.marketplace_resource_uuid,
                marketplace_offering_uuid=tenant.marketplace_offering_uuid,
                created=tenant.created,
                modified=tenant.modified,
            )
        )
    return views
