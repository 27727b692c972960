"""The components an offering gets by default, by type and storage mode.

A tenant offering's limits are `cores`, `ram` (MiB) and, in `fixed` storage mode,
`storage` (MiB); in `dynamic` mode each volume type of the cloud is a component of its
own, `volume_type_<name>` (MiB), synchronised from the volume types the cloud reports.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal

from stackyard_common.api import ValidationFailed
from stackyard_marketplace.offerings.models import OfferingType
from stackyard_marketplace.offerings.schemas import OfferingComponentIn, PlanIn

__all__ = [
    "DYNAMIC",
    "FIXED",
    "VOLUME_TYPE_PREFIX",
    "check_components",
    "check_plans",
    "default_components",
    "volume_type_component",
]

FIXED = "fixed"
DYNAMIC = "dynamic"
VOLUME_TYPE_PREFIX = "volume_type_"

Billing = Literal["limit", "fixed", "usage"]


def _limit(
    kind: str, name: str, unit: str, default: int | None, billing: Billing
) -> OfferingComponentIn:
    return OfferingComponentIn(
        type=kind, name=name, measured_unit=unit, billing_type=billing, default_limit=default
    )


def volume_type_component(volume_type: str, billing_type: Billing = "limit") -> OfferingComponentIn:
    """The component of one volume type in dynamic storage mode."""
    kind = VOLUME_TYPE_PREFIX + "".join(c if c.isalnum() else "_" for c in volume_type.lower())
    return _limit(kind, f"Storage ({volume_type})", "MiB", None, billing_type)


def default_components(
    offering_type: OfferingType, storage_mode: str, volume_types: Iterable[str] = ()
) -> list[OfferingComponentIn]:
    """The components of a new offering: limits for a tenant offering, fixed-billed ones
    for the private instance and volume offerings made for a tenant."""
    billing: Billing = "limit" if offering_type is OfferingType.TENANT else "fixed"
    components: list[OfferingComponentIn] = []
    if offering_type in (OfferingType.TENANT, OfferingType.INSTANCE):
        components.append(_limit("cores", "Cores", "cores", 20, billing))
        components.append(_limit("ram", "RAM", "MiB", 51200, billing))
    if storage_mode == DYNAMIC:
        components.extend(volume_type_component(name, billing) for name in sorted(volume_types))
    else:
        components.append(_limit("storage", "Storage", "MiB", 1048576, billing))
    return components


def check_components(components: Sequence[OfferingComponentIn]) -> None:
    """`ValidationFailed` when a type repeats or a range is empty."""
    seen: set[str] = set()
    for index, component in enumerate(components):
        if component.type in seen:
            raise ValidationFailed.field(f"components.{index}.type", "This type repeats.")
        seen.add(component.type)
        if component.max_value is not None and component.max_value < component.min_value:
            raise ValidationFailed.field(
                f"components.{index}.max_value", "Must not be less than min_value."
            )


def check_plans(plans: Sequence[PlanIn], component_types: set[str], field: str = "plans") -> None:
    """`ValidationFailed` when a plan prices or caps a component the offering lacks."""
    for index, plan in enumerate(plans):
        for key in ("prices", "quotas"):
            unknown = sorted(set(getattr(plan, key)) - component_types)
            if unknown:
                raise ValidationFailed.field(
                    f"{field}.{index}.{key}", f"Unknown components: {', '.join(unknown)}."
                )
