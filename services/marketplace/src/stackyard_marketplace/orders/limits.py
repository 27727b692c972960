"""Checking an order's limits against its offering's components and its plan.

Only `limit` components take limits. A limit left out takes the component's
`default_limit` (and is not set when there is none). Each limit must lie between the
component's `min_value` and `max_value`, and must not exceed the plan's `quotas` for it.
Errors are field errors under `limits` (`{"limits": {"cores": ["..."]}}`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from stackyard_common.api import ValidationFailed
from stackyard_marketplace.offerings.models import OfferingComponent, Plan

__all__ = ["check_limits"]


def check_limits(
    components: Sequence[OfferingComponent],
    plan: Plan | None,
    limits: Mapping[str, int],
    *,
    fill_defaults: bool = True,
) -> dict[str, int]:
    """The order's limits with defaults filled in; `ValidationFailed` when one is wrong."""
    limited = {c.type: c for c in components if c.billing_type == "limit"}
    errors: dict[str, list[str]] = {}
    for name in sorted(set(limits) - set(limited)):
        errors[f"limits.{name}"] = ["The offering has no such limit."]
    checked: dict[str, int] = {}
    for name, component in limited.items():
        value = limits.get(name)
        if value is None and fill_defaults:
            value = component.default_limit
        if value is None:
            continue
        problems = []
        if value < component.min_value:
            problems.append(f"Ensure this value is greater than or equal to {component.min_value}.")
        if component.max_value is not None and value > component.max_value:
            problems.append(f"Ensure this value is less than or equal to {component.max_value}.")
        if plan is not None and plan.quotas.get(name) is not None:
            quota = int(plan.quotas[name])
            if value > quota:
                problems.append(f"The plan {plan.name} allows at most {quota}.")
        if problems:
            errors[f"limits.{name}"] = problems
        checked[name] = value
    if errors:
        raise ValidationFailed(errors)
    return checked
