"""`stackyard pull-openstack-volume-metadata [--tenant <uuid>] [--dry-run]`: sync volume
metadata from OpenStack to the platform's volumes (and so, by their events, to the
marketplace resources).

Storage does the work tenant by tenant on its internal API (`stackyard_storage.pulls.
internal`); this prints it: one line per tenant, `tenant i/n name (uuid): ...`, then one
line per volume whose metadata changed (or would change, with `--dry-run`, which changes
nothing), and a summary. A tenant that fails is reported and the run goes on; the exit
code is 1 when any failed.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import typer

from stackyard_cli.operators.platform import OperatorError, Platform
from stackyard_common.settings import get_settings

__all__ = ["pull_metadata", "pull_openstack_volume_metadata", "register"]

Echo = Callable[[str], None]
Call = Callable[[str, str, Any], Awaitable[Any]]
"""`(method, path, body)` on storage's internal API: its JSON answer, or `OperatorError`."""


async def pull_metadata(
    call: Call, echo: Echo, *, tenant: uuid.UUID | None = None, dry_run: bool = False
) -> int:
    """Pull every usable tenant's volume metadata (or `tenant`'s), printing each change;
    how many tenants failed."""
    tenants: list[dict[str, Any]] = await call("GET", "/internal/operators/tenants", None)
    if tenant is not None:
        tenants = [item for item in tenants if item["uuid"] == str(tenant)]
    if not tenants:
        echo("no tenants" if tenant is None else f"storage has no usable tenant {tenant}")
        return 0 if tenant is None else 1
    verb = "would change" if dry_run else "changed"
    volumes = failed = 0
    for index, item in enumerate(tenants, 1):
        prefix = f"tenant {index}/{len(tenants)} {item['name']} ({item['uuid']})"
        path = f"/internal/operators/tenants/{item['uuid']}/pull-volume-metadata"
        try:
            answer = await call("POST", path, {"dry_run": dry_run})
        except OperatorError as error:
            echo(f"{prefix}: failed: {error}")
            failed += 1
            continue
        changes = answer["changes"]
        echo(f"{prefix}: {len(changes)} volume(s) {verb}" if changes else f"{prefix}: in step")
        for change in changes:
            echo(f"    {verb} volume {change['name']} ({change['volume_uuid']}):")
            for difference in change["differences"]:
                echo(f"        {difference}")
        volumes += len(changes)
    summary = f"{volumes} volume(s) {verb} in {len(tenants) - failed} tenant(s)"
    echo(f"{summary}, {failed} failed" if failed else summary)
    if dry_run:
        echo("dry run: nothing was changed")
    return failed


def pull_openstack_volume_metadata(
    tenant: Annotated[
        uuid.UUID | None, typer.Option("--tenant", help="Only this tenant (its uuid).")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print what would change; change nothing.")
    ] = False,
) -> None:
    """Sync volume metadata from OpenStack to the platform's volumes and marketplace."""
    platform = Platform(get_settings())

    async def call(method: str, path: str, body: Any) -> Any:
        return await platform.call("storage", method, path, body)

    try:
        failed = asyncio.run(pull_metadata(call, typer.echo, tenant=tenant, dry_run=dry_run))
    except OperatorError as error:
        typer.echo(f"stackyard: {error}", err=True)
        raise typer.Exit(1) from None
    raise typer.Exit(1 if failed else 0)


def register(app: typer.Typer) -> None:
    """Add the command to `app`."""
    app.command("pull-openstack-volume-metadata")(pull_openstack_volume_metadata)
