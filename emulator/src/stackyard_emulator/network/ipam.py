"""IP address allocation inside one subnet, O(1) per address in the common case."""

from __future__ import annotations

import ipaddress
from typing import Any

from stackyard_emulator.errors import ApiError, neutron_error

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_cidr(cidr: str) -> IPNetwork:
    """The network a CIDR names; Neutron's 400 when it is malformed."""
    try:
        return ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        raise neutron_error(
            400,
            "InvalidInput",
            f"Invalid input for cidr. Reason: '{cidr}' is not a valid IP subnet.",
        ) from None


def default_pools(net: IPNetwork, gateway: str | None) -> list[dict[str, str]]:
    """Neutron's default allocation pools: the usable range minus the gateway."""
    first = int(net.network_address) + 1
    last = int(net.broadcast_address) - (1 if net.version == 4 else 0)
    if net.num_addresses <= 2:
        first, last = int(net.network_address), int(net.broadcast_address)
    ranges = [(first, last)]
    if gateway:
        gw = int(ipaddress.ip_address(gateway))
        split: list[tuple[int, int]] = []
        for lo, hi in ranges:
            if lo <= gw <= hi:
                if lo <= gw - 1:
                    split.append((lo, gw - 1))
                if gw + 1 <= hi:
                    split.append((gw + 1, hi))
            else:
                split.append((lo, hi))
        ranges = split
    make = ipaddress.ip_address
    return [{"start": str(make(lo)), "end": str(make(hi))} for lo, hi in ranges]


class Allocator:
    """The addresses of one subnet's allocation pools and which are taken."""

    def __init__(self, subnet_id: str, network_id: str, cidr: str, pools: list[dict[str, Any]]):
        self.subnet_id = subnet_id
        self.network_id = network_id
        self.network = parse_cidr(cidr)
        self.ranges = sorted(
            (int(ipaddress.ip_address(p["start"])), int(ipaddress.ip_address(p["end"])))
            for p in pools
        )
        self.taken: set[int] = set()
        self.pool_used = 0  # how many taken addresses lie inside the pools
        self._cursor = 0  # index into the flattened pools where the next search starts
        self.size = sum(hi - lo + 1 for lo, hi in self.ranges)

    def contains(self, address: str) -> bool:
        """Whether ``address`` lies inside the subnet's CIDR."""
        try:
            return ipaddress.ip_address(address) in self.network
        except ValueError:
            return False

    def in_pools(self, value: int) -> bool:
        """Whether the address is inside an allocation pool."""
        return any(lo <= value <= hi for lo, hi in self.ranges)

    def full(self) -> bool:
        """Whether every pool address is taken."""
        return self.pool_used >= self.size

    def reserve(self, address: str) -> None:
        """Mark an address taken without the checks of :meth:`allocate` (gateways)."""
        self._take(int(ipaddress.ip_address(address)))

    def adopt(self, other: Allocator) -> None:
        """Take over the allocations of the allocator this one replaces (new pools)."""
        for value in other.taken:
            self._take(value)

    def _take(self, value: int) -> None:
        if value not in self.taken:
            self.taken.add(value)
            if self.in_pools(value):
                self.pool_used += 1

    def _at(self, offset: int) -> int:
        for lo, hi in self.ranges:
            span = hi - lo + 1
            if offset < span:
                return lo + offset
            offset -= span
        raise IndexError(offset)

    def allocate(self, address: str | None = None) -> str:
        """Take ``address`` (any address of the subnet) or the next free pool address."""
        if address is not None:
            try:
                value = int(ipaddress.ip_address(address))
            except ValueError:
                raise neutron_error(
                    400,
                    "InvalidIpForSubnet",
                    f"IP address {address} is not a valid IP for the specified subnet.",
                ) from None
            if not self.contains(address):
                raise neutron_error(
                    400,
                    "InvalidIpForSubnet",
                    f"IP address {address} is not a valid IP for the specified subnet.",
                )
            if value in self.taken:
                raise ip_in_use(address, self.subnet_id)
            self._take(value)
            return str(ipaddress.ip_address(value))
        if self.full():
            raise exhausted(self.network_id)
        # Walk from the cursor; addresses are handed out round-robin as Neutron's
        # IPAM tends to, and the cursor keeps bulk allocation linear overall.
        for step in range(self.size):
            offset = (self._cursor + step) % self.size
            value = self._at(offset)
            if value not in self.taken:
                self._take(value)
                self._cursor = (offset + 1) % self.size
                return str(ipaddress.ip_address(value))
        raise exhausted(self.network_id)

    def release(self, address: str) -> None:
        """Give an address back."""
        try:
            value = int(ipaddress.ip_address(address))
        except ValueError:
            return
        if value in self.taken:
            self.taken.discard(value)
            if self.in_pools(value):
                self.pool_used -= 1

    def is_taken(self, address: str) -> bool:
        """Whether ``address`` is allocated."""
        try:
            return int(ipaddress.ip_address(address)) in self.taken
        except ValueError:
            return False


def ip_in_use(address: str, subnet_id: str) -> ApiError:
    """Neutron's 409 for a fixed IP that is already allocated."""
    return neutron_error(
        409,
        "IpAddressAlreadyAllocated",
        f"IP address {address} already allocated in subnet {subnet_id}",
    )


def exhausted(network_id: str) -> ApiError:
    """Neutron's 409 when a network has no free address left."""
    return neutron_error(
        409,
        "IpAddressGenerationFailure",
        f"No more IP addresses available on network {network_id}.",
    )
