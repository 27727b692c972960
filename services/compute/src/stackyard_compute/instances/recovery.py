"""Lost instances: servers in a tenant's cloud project that no instance record knows
become records (OK, or ERRED for a server in ERROR) with the cloud's values and a new
marketplace resource uuid, announced by `instance.imported.v1` in the same transaction;
the marketplace makes the resource under that uuid in the tenant's private offering.

A server is known when a record (in any state) has its id as `backend_id`, or when its
`stackyard_uuid` metadata names a record. The provisioning saga tags the server with its
instance's uuid as Nova creates it and writes the server's id onto the record in the
same step's transaction; between Nova's answer and that commit only the tag ties them,
and the record exists before its saga starts, so a server being created is always
known. The records are read before the listing and again after it: a server known to
either reading is not lost (one whose record a DELETE removed while the cloud answered
was being deleted itself). Servers Nova is deleting are skipped. A transaction-level
advisory lock per tenant keeps two recoveries from importing the same server twice.

What the record takes: the server's name, status, flavor (name, cores, RAM, disk: from
the tenant's flavors, else asked from Nova), image, zone, key pair, security groups,
metadata and launch time; its ports and their floating IPs (one listing of each per
tenant, when it has lost servers). Volumes are storage's, which recovers them itself.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.db import transaction_lock
from stackyard_common.openstack import NotFound, OpenStackClient
from stackyard_common.openstack.compute import Server
from stackyard_common.resources.records import ResourceState
from stackyard_common.tenants import TenantRecord
from stackyard_compute.common.runtime import CloudClients
from stackyard_compute.flavors.models import TenantImage
from stackyard_compute.instances.cloud_ports import port_view
from stackyard_compute.instances.events import IMPORTED, instance_event
from stackyard_compute.instances.models import Instance
from stackyard_compute.instances.provision_steps import MARK
from stackyard_compute.instances.server_values import (
    FlavorValues,
    apply_server,
    tenant_flavors,
)

__all__ = ["known_servers", "lost_servers", "recover_lost_instances"]

log = structlog.get_logger(__name__)

GOING = frozenset({"DELETED", "SOFT_DELETED"})


async def known_servers(session: AsyncSession, tenant: uuid.UUID) -> set[str]:
    """The server ids and the instance uuids (as strings) of all the tenant's records."""
    rows = await session.execute(
        select(Instance.uuid, Instance.backend_id).where(Instance.tenant_uuid == tenant)
    )
    known: set[str] = set()
    for key, backend_id in rows:
        known.add(str(key))
        if backend_id:
            known.add(backend_id)
    return known


def lost_servers(servers: Iterable[Server], known: set[str]) -> list[Server]:
    """The servers that no record knows (by id or by the saga's tag), but those going."""
    return [
        server
        for server in servers
        if server.id not in known
        and server.metadata.get(MARK) not in known
        and server.status not in GOING
        and server.task_state != "deleting"
    ]


class _Lookups:
    """The tenant's flavors and images, and what the cloud adds, asked once a run."""

    def __init__(self, session: AsyncSession, client: OpenStackClient, tenant: uuid.UUID):
        self.session, self.client, self.tenant = session, client, tenant
        self.flavors: dict[str, FlavorValues] = {}
        self._ports: dict[str, list[dict[str, Any]]] | None = None
        self._floating: dict[str, list[dict[str, Any]]] | None = None

    async def load(self) -> None:
        self.flavors = await tenant_flavors(self.session, self.tenant)

    async def flavor(self, flavor_id: str) -> None:
        """Make sure `flavor_id` is known (a flavor the tenant's projection lacks)."""
        if not flavor_id or flavor_id in self.flavors:
            return
        try:
            flavor = await self.client.compute.get_flavor(flavor_id)
        except NotFound:
            return  # deleted since: the record keeps its id only
        # As the tenant's flavors keep them: RAM and disk in MiB.
        self.flavors[flavor_id] = {
            "flavor_name": flavor.name,
            "cores": flavor.vcpus,
            "ram": flavor.ram,
            "disk": flavor.disk * 1024,
        }

    async def image_name(self, image_id: str) -> str:
        if not image_id:
            return ""
        found = await self.session.execute(
            select(TenantImage.name).where(
                TenantImage.tenant_uuid == self.tenant, TenantImage.backend_id == image_id
            )
        )
        return found.scalar_one_or_none() or ""

    async def ports(self, server_id: str) -> list[dict[str, Any]]:
        """The server's ports, as an instance records them (one listing a run)."""
        if self._ports is None:
            self._ports = {}
            for port in await self.client.network.list_ports():
                if port.device_id:
                    subnet = str(port.fixed_ips[0].get("subnet_id") or "") if port.fixed_ips else ""
                    self._ports.setdefault(port.device_id, []).append(port_view(port, subnet))
        return self._ports.get(server_id, [])

    async def floating_ips(self, port_ids: list[str]) -> list[dict[str, Any]]:
        """The floating IPs on these ports, as an instance records borrowed ones."""
        if self._floating is None:
            self._floating = {}
            for floating in await self.client.network.list_floating_ips():
                if floating.port_id:
                    self._floating.setdefault(floating.port_id, []).append(
                        {
                            "backend_id": floating.id,
                            "address": floating.floating_ip_address or "",
                            "port_id": floating.port_id,
                            # Not made by us: DELETE disassociates it, never releases it.
                            "allocated": False,
                        }
                    )
        return [item for port in port_ids for item in self._floating.get(port, [])]


def _launched(server: Server) -> datetime | None:
    value = server.raw.get("OS-SRV-USG:launched_at")
    if not value:
        return None
    moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _groups(server: Server) -> list[str]:
    names = [str(group.get("name")) for group in server.raw.get("security_groups") or []]
    return list(dict.fromkeys(name for name in names if name))


async def _record(tenant: TenantRecord, server: Server, lookups: _Lookups) -> Instance:
    assert tenant.customer_uuid is not None  # checked by the caller
    assert tenant.project_uuid is not None
    flavor_id = str(server.flavor.get("id") or "")
    await lookups.flavor(flavor_id)
    image_id = str(server.image.get("id") or "") if isinstance(server.image, dict) else ""
    ports = await lookups.ports(server.id)
    record = Instance(
        uuid=uuid.uuid4(),
        name="",
        description=server.description or "",
        state=ResourceState.OK.value,
        runtime_state="",
        error_message="",
        backend_id=server.id,
        tenant_uuid=tenant.uuid,
        customer_uuid=tenant.customer_uuid,
        project_uuid=tenant.project_uuid,
        service_settings_uuid=tenant.cloud_connection_uuid,
        flavor_backend_id=flavor_id,
        flavor_name="",
        cores=0,
        ram=0,
        disk=0,
        image_backend_id=image_id,
        image_name=await lookups.image_name(image_id),
        availability_zone="",
        key_name="",
        security_groups=_groups(server),
        ports=ports,
        floating_ips=await lookups.floating_ips([str(port["backend_id"]) for port in ports]),
        server_metadata=dict(server.metadata),
        start_time=_launched(server),
        marketplace_resource_uuid=uuid.uuid4(),
    )
    apply_server(record, server, lookups.flavors)  # the values a pull would keep in step
    return record


async def recover_lost_instances(
    session: AsyncSession, clouds: CloudClients, tenant: TenantRecord
) -> dict[str, int]:
    """Import the servers of the tenant's cloud project that no record knows (see the
    module's docstring), in `session`'s transaction (no commit); `imported` and `known`
    servers in numbers. A tenant that identity has not yet placed in an organisation
    and project imports nothing (`skipped`)."""
    known_before = await known_servers(session, tenant.uuid)
    client = await clouds.client(tenant.uuid)
    servers = await client.compute.list_servers()
    await transaction_lock(session, f"compute:recover-instances:{tenant.uuid}")
    lost = lost_servers(servers, known_before | await known_servers(session, tenant.uuid))
    counts = {"imported": 0, "known": len(servers) - len(lost), "skipped": 0}
    if not lost:
        return counts
    if tenant.customer_uuid is None or tenant.project_uuid is None:
        counts["skipped"] = len(lost)
        return counts
    lookups = _Lookups(session, client, tenant.uuid)
    await lookups.load()
    records = [await _record(tenant, server, lookups) for server in lost]
    session.add_all(records)
    await session.flush()
    for record in records:
        await instance_event(session, IMPORTED, record)
    counts["imported"] = len(records)
    log.info("lost instances imported", tenant_uuid=str(tenant.uuid), **counts)
    return counts
