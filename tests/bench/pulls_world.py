"""The world the pull benchmark (`bench_pulls.py`) works in: the services' cloud clients
over the emulator, the tenants it loads there and projects into the services' schemas,
how records come into being (the recoveries and a first network pull), and the changes
made behind the platform's back each round."""

from __future__ import annotations

import asyncio
import secrets
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx
from cpu_accounting import Cpu, collector_seconds, cpu_seconds, postgres_backends
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.auth import CloudCredentials
from stackyard_common.db import Database
from stackyard_common.events import Envelope
from stackyard_common.openstack import CloudConfig, MemoryTokenCache, OpenStackClient
from stackyard_common.settings import Settings
from stackyard_common.tenants import TenantRecord, apply_tenant_event, get_tenant
from stackyard_compute.instances.recovery import recover_lost_instances
from stackyard_network.pulls.tenant import pull_tenant_network
from stackyard_storage.pulls.recovery import recover_lost_volumes

__all__ = [
    "SERVICES",
    "BenchClouds",
    "BenchTenant",
    "Platform",
    "change",
    "in_session",
    "make_tenant",
    "recover",
]

SERVICES = ("compute", "storage", "network")
VOLUME_SIZE = 1  # GiB, as loaded

T = TypeVar("T")


@dataclass
class BenchClouds:
    """The services' cloud clients over the emulator: per tenant a client of the
    tenant's own user scoped to its project (as `TenantClients` makes them), tokens
    cached in memory. Serves compute's and storage's `CloudClients` (`client`) and
    network's `Clouds` (`tenant`, `admin`, `connection`)."""

    url: str
    admin_client: OpenStackClient
    clients: dict[uuid.UUID, OpenStackClient] = field(default_factory=dict)
    configs: dict[uuid.UUID, CloudConfig] = field(default_factory=dict)

    @classmethod
    def create(cls, url: str) -> BenchClouds:
        config = CloudConfig(
            name="bench-admin",
            auth_url=f"{url}/identity/v3",
            username="admin",
            password=SecretStr("secret"),  # the seeded admin's
            project_name="admin",
        )
        return cls(url, OpenStackClient(config, token_cache=MemoryTokenCache()))

    def add(self, tenant: uuid.UUID, username: str, password: SecretStr, project_id: str) -> None:
        config = CloudConfig(
            name=f"bench/{tenant}",
            auth_url=f"{self.url}/identity/v3",
            username=username,
            password=password,
            project_id=project_id,
            max_concurrency=20,  # what `TenantCredentials.cloud_config` gives
        )
        self.configs[tenant] = config
        self.clients[tenant] = OpenStackClient(config, token_cache=MemoryTokenCache())

    def outsider(self, tenant: uuid.UUID) -> OpenStackClient:
        """A client of its own for someone changing the tenant's project behind the
        platform's back (its own connections and token)."""
        return OpenStackClient(self.configs[tenant], token_cache=MemoryTokenCache())

    async def client(self, tenant: uuid.UUID) -> OpenStackClient:
        return self.clients[tenant]

    async def tenant(self, tenant_uuid: uuid.UUID) -> OpenStackClient:
        return self.clients[tenant_uuid]

    async def admin(self, connection_uuid: uuid.UUID) -> OpenStackClient:
        return self.admin_client

    async def connection(self, connection_uuid: uuid.UUID) -> CloudCredentials:
        config = self.admin_client.config
        return CloudCredentials(
            uuid=connection_uuid,
            name=config.name,
            type="OpenStack",
            auth_url=config.auth_url,
            username=config.username,
            password=config.password,
            domain=config.user_domain_name,
            project=config.project_name or "",
            verify_ssl=config.verify_ssl,
            availability_zone="",
            external_network_id="",
        )

    async def aclose(self) -> None:
        for client in self.clients.values():
            await client.aclose()
        self.clients.clear()
        await self.admin_client.aclose()


@dataclass
class BenchTenant:
    """One tenant: its projection row and the ids of what the benchmark changes."""

    record: TenantRecord
    servers: list[str] = field(default_factory=list)  # by name, as loaded
    volumes: list[str] = field(default_factory=list)
    ports: list[str] = field(default_factory=list)  # the extra ports


@dataclass
class Platform:
    """What the pulls work with: the services' databases and cloud clients, and how
    many tenants are worked on at a time."""

    settings: Settings
    clouds: BenchClouds
    databases: dict[str, Database]
    concurrency: int
    emulator_pid: int

    def cpu(self) -> Cpu:
        """CPU used so far (the pools keep their connections, hence their backends)."""
        backends = postgres_backends(self.settings.database.name)
        postgres = sum(map(cpu_seconds, backends)) if backends else None
        return Cpu(
            time.process_time(), collector_seconds(), cpu_seconds(self.emulator_pid), postgres
        )

    async def each(
        self, tenants: list[BenchTenant], work: Callable[[BenchTenant], Awaitable[T]]
    ) -> list[T]:
        """`work` for every tenant, `concurrency` tenants at a time."""
        gate = asyncio.Semaphore(self.concurrency)

        async def one(tenant: BenchTenant) -> T:
            async with gate:
                return await work(tenant)

        return list(await asyncio.gather(*(one(tenant) for tenant in tenants)))


def _by_index(items: list[Any], infix: str) -> list[str]:
    """Ids of the bulk-loaded items named `<prefix>-<infix>-<n>`, in the order of n."""
    named = [item for item in items if f"-{infix}-" in (item.name or "")]
    named.sort(key=lambda item: int(item.name.rsplit("-", 1)[1]))
    return [item.id for item in named]


async def make_tenant(
    platform: Platform,
    control: httpx.AsyncClient,
    index: int,
    sizes: Mapping[str, int],
) -> BenchTenant:
    """A cloud project with a member user and its bulk load; its projection rows."""
    admin = platform.clouds.admin_client
    name = f"pulls-{index:03d}"
    project = await admin.identity.create_project(name)
    password = SecretStr(secrets.token_urlsafe(12))
    user = await admin.identity.create_user(f"{name}-user", password)
    role = await admin.identity.find_role("member")
    assert role is not None
    await admin.identity.grant_project_role(project.id, user.id, role.id)
    loaded = await control.post(
        "/_emulator/load",
        json={"project_id": project.id, "name_prefix": name, "volume_size": VOLUME_SIZE, **sizes},
        timeout=120,
    )
    loaded.raise_for_status()
    tenant_uuid = uuid.uuid4()
    platform.clouds.add(tenant_uuid, user.name, password, project.id)
    envelope = Envelope(
        type="tenant.state_changed.v1",
        source="identity",
        organisation=uuid.uuid4(),
        project=uuid.uuid4(),
        payload={
            "tenant_uuid": str(tenant_uuid),
            "cloud_connection_uuid": str(uuid.uuid4()),
            "name": name,
            "state": "OK",
            "backend_id": project.id,
            "storage_mode": "fixed",
            "internal_network_id": loaded.json()["network_id"],
        },
    )
    for service in SERVICES:
        async with platform.databases[service].session() as session:
            await apply_tenant_event(envelope, session)
    async with platform.databases["compute"].session() as session:
        record = await get_tenant(session, tenant_uuid)
    assert record is not None
    client = await platform.clouds.client(tenant_uuid)
    return BenchTenant(
        record,
        servers=_by_index(await client.compute.list_servers(), "server"),
        volumes=_by_index(await client.volume.list_volumes(), "volume"),
        ports=_by_index(await client.network.list_ports(), "port"),
    )


async def in_session(
    database: Database,
    work: Callable[[AsyncSession], Awaitable[Mapping[str, Any]]],
) -> Mapping[str, Any]:
    """`work` in a session of its own on `database` (committed by `work` or not at all)."""
    async with database.session() as session:
        return await work(session)


async def recover(platform: Platform, tenant: BenchTenant) -> tuple[int, int, int]:
    """The platform's way to records: the two recoveries and a first network pull."""
    clouds, record, databases = platform.clouds, tenant.record, platform.databases
    instances, volumes, network = await asyncio.gather(
        in_session(databases["compute"], lambda s: recover_lost_instances(s, clouds, record)),
        in_session(databases["storage"], lambda s: recover_lost_volumes(s, clouds, record)),
        in_session(databases["network"], lambda s: pull_tenant_network(s, clouds, record)),
    )
    created = sum(kind["created"] for kind in network.values())
    return int(instances["imported"]), int(volumes["imported"]), created


async def change(platform: Platform, tenant: BenchTenant, round_: int) -> None:
    """Behind the platform's back, in the tenant's project: a server and a volume
    deleted (the server's port goes with it), a server and a further port renamed, a
    volume grown by a GiB (storage takes status, size and bootable, not names); other
    ones every round. Six differences for the pulls to find."""
    suffix = f"renamed-{round_}"
    async with platform.clouds.outsider(tenant.record.uuid) as client:
        await asyncio.gather(
            client.compute.delete_server(tenant.servers[2 * round_]),
            client.compute.update_server(tenant.servers[2 * round_ + 1], name=suffix),
            client.volume.delete_volume(tenant.volumes[2 * round_]),
            client.volume.extend_volume(tenant.volumes[2 * round_ + 1], VOLUME_SIZE + 1),
            client.network.update_port(tenant.ports[round_], name=suffix),
        )
