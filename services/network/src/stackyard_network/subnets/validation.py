"""Checks of a subnet's addressing, made before any cloud call: a valid CIDR that
overlaps no other subnet of the tenant, a gateway and allocation pools inside it, DNS
servers that are addresses, host routes with a CIDR and an address."""

from __future__ import annotations

import ipaddress
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.api import ValidationFailed
from stackyard_network.subnets.models import Subnet

__all__ = ["IPNetwork", "check_addressing", "check_overlap", "parse_cidr"]

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_cidr(field: str, value: str) -> IPNetwork:
    """The network `value` names; 400 on `field` unless it is a CIDR with no host bits."""
    try:
        return ipaddress.ip_network(value, strict=True)
    except ValueError as error:
        raise ValidationFailed.field(field, f"{value!r} is not a valid CIDR.") from error


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


async def check_overlap(
    session: AsyncSession, tenant_uuid: uuid.UUID, cidr: IPNetwork, exclude: uuid.UUID | None
) -> None:
    """400 on `cidr` when another subnet of the tenant overlaps it."""
    rows = await session.execute(
        select(Subnet.uuid, Subnet.name, Subnet.cidr).where(Subnet.tenant_uuid == tenant_uuid)
    )
    for row in rows:
        if row.uuid == exclude:
            continue
        other = ipaddress.ip_network(row.cidr, strict=False)
        if other.version == cidr.version and other.overlaps(cidr):
            raise ValidationFailed.field(
                "cidr", f"{cidr} overlaps {other} of subnet {row.name or row.uuid}."
            )


def check_addressing(
    cidr: IPNetwork,
    *,
    gateway_ip: str | None,
    allocation_pools: Sequence[dict[str, Any]] | None,
    dns_nameservers: Sequence[str] | None,
    host_routes: Sequence[dict[str, Any]] | None,
) -> None:
    """400 with every field that does not fit `cidr`."""
    errors: dict[str, list[str]] = {}
    gateway = None
    if gateway_ip is not None:
        gateway = _address(gateway_ip)
        if gateway is None:
            errors["gateway_ip"] = [f"{gateway_ip!r} is not an IP address."]
        elif gateway not in cidr or gateway in (cidr.network_address, cidr.broadcast_address):
            errors["gateway_ip"] = [f"{gateway_ip} is not a host address of {cidr}."]
    for index, pool in enumerate(allocation_pools or ()):
        start, end = _address(str(pool.get("start"))), _address(str(pool.get("end")))
        problem = None
        if start is None or end is None:
            problem = "start and end must be IP addresses."
        elif start not in cidr or end not in cidr:
            problem = f"{start}-{end} is not inside {cidr}."
        elif int(start) > int(end):
            problem = f"{start} comes after {end}."
        elif gateway is not None and int(start) <= int(gateway) <= int(end):
            problem = f"{start}-{end} contains the gateway {gateway}."
        if problem:
            errors.setdefault("allocation_pools", []).append(f"Pool {index + 1}: {problem}")
    for server in dns_nameservers or ():
        if _address(server) is None:
            errors.setdefault("dns_nameservers", []).append(f"{server!r} is not an IP address.")
    for index, route in enumerate(host_routes or ()):
        try:
            ipaddress.ip_network(str(route.get("destination")), strict=True)
        except ValueError:
            errors.setdefault("host_routes", []).append(
                f"Route {index + 1}: the destination is not a CIDR."
            )
        if _address(str(route.get("nexthop"))) is None:
            errors.setdefault("host_routes", []).append(
                f"Route {index + 1}: the next hop is not an IP address."
            )
    if errors:
        raise ValidationFailed(errors)
