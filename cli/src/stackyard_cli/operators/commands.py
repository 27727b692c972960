"""The operators' commands of `stackyard` (the specification's "CLI Commands"):

    validate-openstack-services --offering-uuid <uuid> [--verbose] [--test-writes]
    drop-leftover-openstack-projects --offering <name or uuid> [--dry-run]
    quota-drift [--tenant <uuid>]
    push-tenant-quotas [--tenant <uuid>] [--dry-run]
    import-tenant-quotas [--tenant <uuid>] [--dry-run]

They call the running platform's internal APIs (see `platform`); each prints what it
did or would do and exits 1 when something failed, with a one-line reason and no
traceback.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import uuid
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

import structlog
import typer

from stackyard_cli.operators.leftovers import drop_leftover_projects
from stackyard_cli.operators.platform import OperatorError, Platform
from stackyard_cli.operators.quotas import drift_report, import_quotas, push_quotas
from stackyard_cli.operators.validate import validate_services
from stackyard_common.settings import get_settings

__all__ = ["register"]

DryRun = Annotated[bool, typer.Option("--dry-run", help="Print what would change; change nothing.")]
TenantOption = Annotated[
    uuid.UUID | None, typer.Option("--tenant", help="Only this tenant (its uuid).")
]


def _quiet_logs() -> None:
    # The OpenStack client logs every call at info level: right for a service's log,
    # noise between a command's own lines. Warnings and errors still reach stderr.
    structlog.configure(
        wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
    )


def _run(work: Callable[[Platform], Coroutine[Any, Any, int]]) -> None:
    _quiet_logs()
    try:
        code = asyncio.run(work(Platform(get_settings())))
    except OperatorError as error:
        typer.echo(f"stackyard: {error}", err=True)
        raise typer.Exit(1) from None
    raise typer.Exit(code)


def validate_openstack_services(
    offering_uuid: Annotated[
        str, typer.Option("--offering-uuid", help="The OpenStack.Tenant offering (uuid or name).")
    ],
    verbose: Annotated[
        bool, typer.Option("--verbose", help="Endpoints and credentials used.")
    ] = False,
    test_writes: Annotated[
        bool,
        typer.Option("--test-writes", help="Also create and delete one resource of each kind."),
    ] = False,
) -> None:
    """Check the offering's cloud: Keystone, then Nova, Neutron, Cinder and Glance."""
    _run(
        lambda platform: validate_services(
            platform, typer.echo, offering=offering_uuid, verbose=verbose, test_writes=test_writes
        )
    )


def drop_leftover_openstack_projects(
    offering: Annotated[
        str, typer.Option("--offering", help="The OpenStack.Tenant offering (name or uuid).")
    ],
    dry_run: DryRun = False,
) -> None:
    """Delete the cloud's projects (and their users) of tenants the platform no longer has."""
    _run(
        lambda platform: drop_leftover_projects(
            platform, typer.echo, offering=offering, dry_run=dry_run
        )
    )


def quota_drift(tenant: TenantOption = None) -> None:
    """Report each tenant's cloud quotas that differ from its marketplace limits."""
    _run(lambda platform: drift_report(platform, typer.echo, tenant=tenant))


def push_tenant_quotas(tenant: TenantOption = None, dry_run: DryRun = False) -> None:
    """Push the marketplace's limits to the clouds of tenants whose quotas drifted."""
    _run(lambda platform: push_quotas(platform, typer.echo, tenant=tenant, dry_run=dry_run))


def import_tenant_quotas(tenant: TenantOption = None, dry_run: DryRun = False) -> None:
    """Import the clouds' current limits and usage into the marketplace and the tenants."""
    _run(lambda platform: import_quotas(platform, typer.echo, tenant=tenant, dry_run=dry_run))


def register(app: typer.Typer) -> None:
    """Add the operators' commands to `app`."""
    for command in (
        validate_openstack_services,
        drop_leftover_openstack_projects,
        quota_drift,
        push_tenant_quotas,
        import_tenant_quotas,
    ):
        app.command(command.__name__.replace("_", "-"))(command)
