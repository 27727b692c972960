"""Making instances: from the API and from `OpenStack.Instance` orders, checked the same
way (`planning`) before anything starts. Making one writes its record, starts its
provisioning saga and records `instance.created.v1` in one transaction."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.resources.events import SYSTEM, Actor
from stackyard_common.resources.records import ResourceState
from stackyard_common.sagas import start_saga
from stackyard_common.tenants import TenantRecord
from stackyard_compute.instances.events import CREATED, instance_event
from stackyard_compute.instances.models import Instance
from stackyard_compute.instances.planning import InstancePlan
from stackyard_compute.instances.provisioning import provision_instance

__all__ = ["create_instance"]


async def create_instance(
    session: AsyncSession,
    tenant: TenantRecord,
    planned: InstancePlan,
    *,
    actor: Actor = SYSTEM,
    order: uuid.UUID | None = None,
    marketplace_resource: uuid.UUID | None = None,
    marketplace_offering: uuid.UUID | None = None,
) -> Instance:
    """Write the instance (CREATION_SCHEDULED) and start its provisioning saga."""
    assert tenant.customer_uuid is not None
    assert tenant.project_uuid is not None
    instance = Instance(
        **planned.fields,
        plan=planned.plan,
        state=ResourceState.CREATION_SCHEDULED.value,
        tenant_uuid=tenant.uuid,
        customer_uuid=tenant.customer_uuid,
        project_uuid=tenant.project_uuid,
        service_settings_uuid=tenant.cloud_connection_uuid,
        marketplace_resource_uuid=marketplace_resource,
        marketplace_offering_uuid=marketplace_offering,
    )
    session.add(instance)
    await session.flush()
    await session.refresh(instance)
    data: dict[str, object] = dict(actor.as_data())
    if order is not None:
        data["order_uuid"] = str(order)
    await start_saga(session, provision_instance, instance.uuid, data)
    await instance_event(session, CREATED, instance, actor=actor, order=order)
    return instance
