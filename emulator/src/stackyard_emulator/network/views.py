"""How Neutron shows each resource, and its list filters."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request

from stackyard_emulator.pagination import parse_bool
from stackyard_emulator.store import Record, public

from .ports import port_status
from .state import Caller, NetworkState

View = Callable[[NetworkState, Record, Caller], dict[str, Any]]

_PROVIDER = ("provider:network_type", "provider:physical_network", "provider:segmentation_id")


def network_view(net: NetworkState, record: Record, caller: Caller) -> dict[str, Any]:
    """A network; provider attributes for admins only, ``shared`` as the caller sees it."""
    out = public(record)
    if not caller.is_admin:
        for key in _PROVIDER:
            out.pop(key, None)
        if caller.project_id in record.get("_grants", ()) and caller.project_id in (
            net.rbac_targets(record["id"], "access_as_shared")
        ):
            out["shared"] = True
    out["subnets"] = list(record["subnets"])
    return out


def port_view(net: NetworkState, record: Record, caller: Caller) -> dict[str, Any]:
    """A port with its live status."""
    out = public(record)
    out["status"] = port_status(net, record)
    return out


def group_view(net: NetworkState, record: Record, caller: Caller) -> dict[str, Any]:
    """A security group with its rules inlined."""
    out = public(record)
    rules = (net.security_group_rules.get(r) for r in record["security_group_rules"])
    out["security_group_rules"] = [public(r) for r in rules if r is not None]
    return out


def plain_view(net: NetworkState, record: Record, caller: Caller) -> dict[str, Any]:
    """The record as stored."""
    return public(record)


def project_fields(view: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    """Only the ``fields`` asked for (Neutron's ``?fields=``)."""
    if not fields:
        return view
    return {k: v for k, v in view.items() if k in fields}


def _matches(value: Any, wanted: list[str]) -> bool:
    if isinstance(value, bool):
        return any(parse_bool(w) is value for w in wanted)
    if isinstance(value, list):
        return any(w in [str(v) for v in value] for w in wanted)
    if value is None:
        return any(w in ("", "None", "null") for w in wanted)
    return str(value) in wanted


def _fixed_ip_filter(values: list[str]) -> Callable[[Record], bool]:
    constraints = []
    for raw in values:
        key, _, value = raw.partition("=")
        constraints.append((key, value))

    def matches(record: Record) -> bool:
        for key, value in constraints:
            if key == "ip_address_substr":
                if not any(value in ip["ip_address"] for ip in record["fixed_ips"]):
                    return False
            elif not any(ip.get(key) == value for ip in record["fixed_ips"]):
                return False
        return True

    return matches


def _equality(
    value_of: Callable[[Record], Any] | None, key: str, wanted: list[str]
) -> Callable[[Record], bool]:
    def matches(record: Record) -> bool:
        value = value_of(record) if value_of is not None else record.get(key)
        return _matches(value, wanted)

    return matches


def build_filter(
    request: Request,
    allowed: set[str],
    reserved: set[str],
    derived: dict[str, Callable[[Record], Any]] | None = None,
) -> tuple[Callable[[Record], bool] | None, list[str] | None]:
    """The predicate of the equality filters in the query, and bad attribute names if any.

    ``derived`` gives the shown value of attributes computed at view time (port status).
    """
    filters: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        if key in reserved:
            continue
        filters.setdefault(key, []).append(value)
    special = {"fixed_ips", "ip_address", "subnet_id"} if "fixed_ips" in allowed else set()
    unknown = [k for k in filters if k not in allowed and k not in special]
    if unknown:
        return None, unknown
    checks: list[Callable[[Record], bool]] = []
    fixed: list[str] = []
    if special:
        fixed += filters.pop("fixed_ips", [])
        fixed += [f"ip_address={v}" for v in filters.pop("ip_address", [])]
        fixed += [f"subnet_id={v}" for v in filters.pop("subnet_id", [])]
    if fixed:
        checks.append(_fixed_ip_filter(fixed))
    if "tenant_id" in filters:
        filters.setdefault("project_id", []).extend(filters.pop("tenant_id"))
    for key, wanted in filters.items():
        checks.append(_equality((derived or {}).get(key), key, wanted))
    if not checks:
        return None, None

    def matches(record: Record) -> bool:
        return all(check(record) for check in checks)

    return matches, None
