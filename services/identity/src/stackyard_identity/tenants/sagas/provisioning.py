"""The tenant provisioning saga (and the quota update saga, which reuses its quota step).

provision-tenant
 1 mark-creating              state CREATING
 2 create-project          Keystone project            compensation: delete it
 3 create-users            admin and tenant users      compensation: delete them
 4 push-quotas             Nova, Cinder, Neutron
 5 create-security-groups  the default groups          compensation: delete the groups
 6 create-network          network and subnet          compensation: delete them
 7 create-router           interface and gateway       compensation: unplug, delete
 8 pull-properties            flavors, images, volume types, zones
 9 mark-ok                    state OK, the order done
on failure: everything made is removed in reverse, the tenant and its order end ERRED
with the cloud's message.

update-tenant-quotas: mark-updating, push-quotas (the new quotas), mark-ok.
"""

from __future__ import annotations

from datetime import timedelta

from stackyard_common.sagas import Action, Saga, Step
from stackyard_identity.tenants.models import TenantState
from stackyard_identity.tenants.sagas.keystone import (
    create_project,
    create_users,
    delete_project,
    delete_users,
)
from stackyard_identity.tenants.sagas.marks import mark, mark_erred
from stackyard_identity.tenants.sagas.network_steps import (
    create_network,
    create_router,
    create_security_groups,
    delete_network,
    delete_router,
    delete_security_groups,
)
from stackyard_identity.tenants.sagas.property_steps import pull_properties
from stackyard_identity.tenants.sagas.quota_steps import push_quotas

__all__ = ["cloud_step", "provision_tenant", "update_tenant_quotas"]


def cloud_step(name: str, action: Action, compensate: Action | None = None) -> Step:
    """A step that calls the cloud: tried often and soon, since most failures worth
    retrying (an outage, a 503) pass within seconds and every step finds what an earlier
    attempt made."""
    return Step(
        name,
        action,
        compensate=compensate,
        max_attempts=10,
        retry_base=timedelta(seconds=0.5),
        deadline=timedelta(minutes=10),
    )


provision_tenant = Saga(
    "provision-tenant",
    steps=[
        Step("mark-creating", mark(TenantState.CREATING)),
        cloud_step("create-project", create_project, delete_project),
        cloud_step("create-users", create_users, delete_users),
        cloud_step("push-quotas", push_quotas),
        cloud_step("create-security-groups", create_security_groups, delete_security_groups),
        cloud_step("create-network", create_network, delete_network),
        cloud_step("create-router", create_router, delete_router),
        cloud_step("pull-properties", pull_properties),
        Step("mark-ok", mark(TenantState.OK, final=True)),
    ],
    on_failure=mark_erred,
)

update_tenant_quotas = Saga(
    "update-tenant-quotas",
    steps=[
        Step("mark-updating", mark(TenantState.UPDATING)),
        cloud_step("push-quotas", push_quotas),
        Step("mark-ok", mark(TenantState.OK, final=True)),
    ],
    on_failure=mark_erred,
)
