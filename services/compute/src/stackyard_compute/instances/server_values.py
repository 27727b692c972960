"""What an instance record takes from its Nova server: the values a pull copies onto a
settled record (and the recovery onto a new one).

A pull copies the server's status (`runtime_state`), name, flavor (its name, cores, RAM
and disk from the tenant's flavors, as compute projects them), availability zone and
key pair name: what the cloud decides. Ports, floating IPs and volumes are not copied:
their records are network's and storage's, which pull them themselves. A server in
`ERROR` makes an OK instance ERRED with Nova's fault; out of `ERROR` again, an instance
that was ERRED by it is OK again.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Mapping
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.openstack.compute import Server
from stackyard_common.resources.pulls import changed_fields
from stackyard_common.resources.records import ResourceState
from stackyard_compute.flavors.models import Flavor

__all__ = [
    "FlavorValues",
    "ServerFields",
    "apply_server",
    "flavor_values",
    "flavors_to_look_up",
    "server_fault",
    "tenant_flavors",
]

FlavorValues = Mapping[str, Any]
"""`flavor_name`, `cores`, `ram` and `disk` (MiB) of one flavor, as a record has them."""


class ServerFields(Protocol):
    """What a pull reads and writes on an instance (a record or a pulled row)."""

    backend_id: str
    state: str
    error_message: str
    runtime_state: str
    name: str
    key_name: str
    availability_zone: str
    flavor_backend_id: str
    flavor_name: str
    cores: int
    ram: int
    disk: int


NAME_LENGTH = 150  # the records' `name` column
ERROR = "ERROR"


async def tenant_flavors(
    session: AsyncSession, tenant: uuid.UUID, only: Collection[str] | None = None
) -> dict[str, FlavorValues]:
    """The tenant's flavors (those with the cloud's ids `only`, if given) by the cloud's
    id, as record values (one query; none for an empty `only`)."""
    if only is not None and not only:
        return {}
    query = select(Flavor).where(Flavor.tenant_uuid == tenant)
    if only is not None:
        query = query.where(Flavor.backend_id.in_(list(only)))
    rows = await session.execute(query)
    return {flavor.backend_id: flavor_values(flavor) for flavor in rows.scalars()}


def flavors_to_look_up(records: Iterable[ServerFields], servers: Iterable[Server]) -> set[str]:
    """The flavors a pull needs the figures of: those of servers whose record has another
    flavor, or none known yet (most pulls need none)."""
    by_server = {record.backend_id: record for record in records if record.backend_id}
    wanted = set()
    for server in servers:
        flavor_id = str(server.flavor.get("id") or "")
        record = by_server.get(server.id)
        if record is None or not flavor_id:
            continue
        if record.flavor_backend_id != flavor_id or not record.flavor_name:
            wanted.add(flavor_id)
    return wanted


def flavor_values(flavor: Flavor) -> FlavorValues:
    """A flavor's values as a record keeps them (RAM and disk in MiB)."""
    return {
        "flavor_name": flavor.name,
        "cores": flavor.cores,
        "ram": flavor.ram,
        "disk": flavor.disk,
    }


def server_fault(server: Server) -> str:
    """Why Nova says the server failed."""
    return str((server.fault or {}).get("message") or "no reason given")


def _values(server: Server, flavors: Mapping[str, FlavorValues]) -> dict[str, Any]:
    values: dict[str, Any] = {
        "runtime_state": server.status or "",
        "name": server.name[:NAME_LENGTH],
        "key_name": server.key_name or "",
    }
    if server.availability_zone:  # empty while the server waits for a host
        values["availability_zone"] = server.availability_zone
    flavor_id = str(server.flavor.get("id") or "")
    if flavor_id:
        values["flavor_backend_id"] = flavor_id
        # An unknown flavor (made after the tenant's last properties pull) keeps the
        # record's figures until the properties catch up.
        values.update(flavors.get(flavor_id, {}))
    return values


def apply_server(record: ServerFields, server: Server, flavors: Mapping[str, FlavorValues]) -> bool:
    """Bring a settled record to its server's values; True when anything changed."""
    was_error = record.runtime_state == ERROR
    changed = changed_fields(record, _values(server, flavors))
    if server.status == ERROR and record.state == ResourceState.OK.value:
        record.state = ResourceState.ERRED.value
        record.error_message = f"The server went to ERROR: {server_fault(server)}"
        changed = True
    elif was_error and server.status != ERROR and record.state == ResourceState.ERRED.value:
        record.state, record.error_message = ResourceState.OK.value, ""
        changed = True
    return changed
