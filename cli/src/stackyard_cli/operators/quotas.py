"""`quota-drift`, `push-tenant-quotas` and `import-tenant-quotas`: identity does the work
tenant by tenant (see `stackyard_identity.operators`), these print it.

Each tenant gets one line, `tenant i/n name (uuid): what happened`, followed by one line
per quota that differs; a summary ends the run. A tenant that fails is reported and the
run goes on; the exit code is 1 when any failed.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable
from typing import Any

from stackyard_cli.operators.platform import OperatorError, Platform

__all__ = ["drift_report", "import_quotas", "push_quotas"]

Echo = Callable[[str], None]


def _mib(quota: str, value: int | None) -> str:
    if value is None:
        return "absent"
    if value < 0:
        return "unlimited"
    unit = " MiB" if quota in ("ram", "storage") or quota.startswith("volume_type_") else ""
    return f"{value}{unit}"


def _differences(echo: Echo, drift: dict[str, Any]) -> None:
    for item in drift["differences"]:
        name = item["quota"]
        label = name if item["component"] == name else f"{name} (limit {item['component']})"
        echo(
            f"    {label}: cloud {_mib(name, item['cloud'])}, "
            f"marketplace {_mib(name, item['marketplace'])}"
        )


async def _each_tenant(
    platform: Platform,
    echo: Echo,
    tenant: uuid.UUID | None,
    handle: Callable[[dict[str, Any], str], Any],
) -> Counter[str]:
    tenants = await platform.tenants(tenant)
    counts: Counter[str] = Counter()
    if not tenants:
        echo("no tenants")
    for index, item in enumerate(tenants, 1):
        prefix = f"tenant {index}/{len(tenants)} {item['name']} ({item['uuid']})"
        try:
            counts[await handle(item, prefix)] += 1
        except OperatorError as error:
            echo(f"{prefix}: failed: {error}")
            counts["failed"] += 1
    return counts


def _summary(echo: Echo, counts: Counter[str]) -> int:
    echo("done: " + (", ".join(f"{n} {what}" for what, n in sorted(counts.items())) or "nothing"))
    return 1 if counts["failed"] else 0


def _unchecked(echo: Echo, prefix: str, answer: dict[str, Any]) -> str | None:
    if answer["checked"]:
        return None
    echo(f"{prefix}: skipped, {answer['reason']}")
    return "skipped"


async def drift_report(platform: Platform, echo: Echo, *, tenant: uuid.UUID | None) -> int:
    """Print each tenant's quota drift; the exit code."""

    async def handle(item: dict[str, Any], prefix: str) -> str:
        drift = await platform.call(
            "identity", "GET", f"/internal/operators/tenants/{item['uuid']}/quota-drift"
        )
        skipped = _unchecked(echo, prefix, drift)
        if skipped:
            return skipped
        if not drift["differences"]:
            echo(f"{prefix}: cloud quotas match the marketplace limits")
            return "in agreement"
        echo(f"{prefix}: {len(drift['differences'])} quota(s) drifted")
        _differences(echo, drift)
        return "drifted"

    return _summary(echo, await _each_tenant(platform, echo, tenant, handle))


async def push_quotas(
    platform: Platform, echo: Echo, *, tenant: uuid.UUID | None, dry_run: bool
) -> int:
    """Push the marketplace's limits to each drifted tenant's cloud (or, with
    `dry_run`, print what would be pushed); the exit code."""

    async def handle(item: dict[str, Any], prefix: str) -> str:
        answer = await platform.call(
            "identity",
            "POST",
            f"/internal/operators/tenants/{item['uuid']}/push-quotas",
            {"dry_run": dry_run},
        )
        drift = answer["drift"]
        skipped = _unchecked(echo, prefix, drift)
        if skipped:
            return skipped
        if not drift["differences"]:
            echo(f"{prefix}: cloud quotas match the marketplace limits, nothing to push")
            return "in agreement"
        count = len(drift["differences"])
        if answer["pushed"]:
            echo(f"{prefix}: pushed {count} quota(s)")
            outcome = "pushed"
        else:
            echo(f"{prefix}: would push {count} quota(s)")
            outcome = "would push"
        _differences(echo, drift)
        return outcome

    return _summary(echo, await _each_tenant(platform, echo, tenant, handle))


def _changes(echo: Echo, title: str, changes: dict[str, list[int | None]]) -> None:
    for name, (old, new) in changes.items():
        echo(f"    {title} {name}: {_mib(name, old)} -> {_mib(name, new)}")


async def import_quotas(
    platform: Platform, echo: Echo, *, tenant: uuid.UUID | None, dry_run: bool
) -> int:
    """Import each tenant's cloud limits and usage into the marketplace resource and the
    tenant's record (or, with `dry_run`, print what would change); the exit code."""

    async def handle(item: dict[str, Any], prefix: str) -> str:
        answer = await platform.call(
            "identity",
            "POST",
            f"/internal/operators/tenants/{item['uuid']}/import-quotas",
            {"dry_run": dry_run},
        )
        skipped = _unchecked(echo, prefix, answer)
        if skipped:
            return skipped
        changed = len(answer["limits"]) + len(answer["quotas"])
        verb = "would import" if dry_run else "imported"
        usage = ", ".join(f"{k} {_mib(k, v)}" for k, v in sorted(answer["usage"].items()))
        echo(
            f"{prefix}: {verb} {len(answer['limits'])} marketplace limit(s) and "
            f"{len(answer['quotas'])} quota(s); usage {usage or 'none reported'}"
        )
        _changes(echo, "marketplace limit", answer["limits"])
        _changes(echo, "tenant quota", answer["quotas"])
        if not changed:
            return "unchanged"
        return verb

    return _summary(echo, await _each_tenant(platform, echo, tenant, handle))
