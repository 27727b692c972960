"""`drop-leftover-openstack-projects`: identity finds the Keystone projects of tenants it
no longer has in the offering's cloud, and drops them with their users (see
`stackyard_identity.operators.leftovers`); this prints what it did or would do."""

from __future__ import annotations

from collections.abc import Callable

from stackyard_cli.operators.platform import Platform

__all__ = ["drop_leftover_projects"]


async def drop_leftover_projects(
    platform: Platform, echo: Callable[[str], None], *, offering: str, dry_run: bool
) -> int:
    """Drop (or, with `dry_run`, list) the leftover projects; the exit code."""
    found, connection = await platform.connection_of(offering)
    echo(f"offering {found['name']} ({found['uuid']}), cloud connection {connection}")
    leftovers = await platform.call(
        "identity",
        "POST",
        f"/internal/operators/cloud-connections/{connection}/leftover-projects/drop",
        {"dry_run": dry_run},
    )
    if not leftovers:
        echo("no leftover projects")
        return 0
    verb = "would drop" if dry_run else "dropped"
    for index, item in enumerate(leftovers, 1):
        users = ", ".join(sorted(item["users"])) or "no users"
        echo(
            f"project {index}/{len(leftovers)} {item['project_name']} ({item['project_id']}) "
            f"of tenant {item['tenant_uuid']}: {verb}, with {users}"
        )
    echo(f"done: {verb} {len(leftovers)} project(s)")
    return 0
