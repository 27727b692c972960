"""Pulls bring the records in step with Glance: a tenant's own images, a cloud's public
ones; and who sees which in `/api/openstack-images/`."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from sqlalchemy import func, select

from stackyard_common.sagas.tables import saga_runs
from stackyard_common.tenants import get_tenant
from stackyard_images.images.models import Image
from stackyard_images.offerings.projection import image_limits
from stackyard_images.pulls.service import pull_cloud_images, pull_tenant_images
from stackyard_images.pulls.tasks import PROPERTIES_PULLED, STATE_CHANGED, on_tenant_event
from stackyard_images.settings import ImagesSettings

from .conftest import Images, Tenant


async def test_a_tenant_pull_follows_glance(images: Images, tenant: Tenant) -> None:
    glance = (await images.clouds.tenant(tenant.uuid)).image
    first = await glance.create_image("made-outside", disk_format="raw")
    second = await glance.create_image("also-outside", min_ram=256)
    async with images.database.session() as session:
        record = await get_tenant(session, tenant.uuid)
        assert record is not None
        result = await pull_tenant_images(session, await images.clouds.tenant(tenant.uuid), record)
    assert (result.added, result.updated, result.removed) == (2, 0, 0)
    await glance.delete_image(first.id)
    await glance.update_image(second.id, name="renamed")
    async with images.database.session() as session:
        record = await get_tenant(session, tenant.uuid)
        assert record is not None
        result = await pull_tenant_images(session, await images.clouds.tenant(tenant.uuid), record)
        assert (result.added, result.updated, result.removed) == (0, 1, 1)
        rows = (
            await session.execute(select(Image).where(Image.tenant_uuid == tenant.uuid))
        ).scalars()
        assert [(row.name, row.min_ram, row.runtime_state) for row in rows] == [
            ("renamed", 256, "queued")
        ]


async def test_public_images_are_seen_by_those_with_a_tenant_on_the_cloud(
    images: Images, tenant: Tenant
) -> None:
    async with images.database.session() as session:
        await pull_cloud_images(
            session, await images.clouds.admin(images.clouds.connection), images.clouds.connection
        )
    params = {"tenant_uuid": str(tenant.uuid), "visibility": "public"}
    seen = await images.client.get(
        "/api/openstack-images/", headers=tenant.member.headers, params=params
    )
    names = {image["name"] for image in seen.json()}
    assert {"cirros-0.6.2-x86_64-disk", "ubuntu-22.04-server"} <= names
    assert all(image["tenant_uuid"] is None for image in seen.json())
    one = seen.json()[0]
    detail = await images.client.get(
        f"/api/openstack-images/{one['uuid']}/", headers=tenant.member.headers
    )
    assert detail.status_code == 200
    stranger = images.person("stranger")
    hidden = await images.client.get(
        f"/api/openstack-images/{one['uuid']}/", headers=stranger.headers
    )
    assert hidden.status_code == 404
    nothing = await images.client.get("/api/openstack-images/", headers=stranger.headers)
    assert nothing.json() == []


async def test_limits_fall_back_on_the_settings(images: Images, tenant: Tenant) -> None:
    fallback = ImagesSettings(image_count_total_limit=3, image_size_total_limit=-1)
    async with images.database.session() as session:
        record = await get_tenant(session, tenant.uuid)
        assert record is not None
        limits = await image_limits(session, record, fallback)
        assert (limits.count, limits.size) == (3, None)
    await images.offering(tenant, image_count_total_limit=5, image_size_total_limit="lots")
    async with images.database.session() as session:
        record = await get_tenant(session, tenant.uuid)
        assert record is not None
        limits = await image_limits(session, record, fallback)
    assert (limits.count, limits.size) == (5, None)


async def _pulls_after(images: Images, tenant: Tenant, kind: str, payload: dict[str, Any]) -> int:
    """The image pulls started for `tenant` once identity's event `kind` is consumed."""
    envelope = images.tenant_envelope(tenant, kind, **payload)
    async with images.database.session() as session:
        await on_tenant_event(envelope, session)
    async with images.database.session() as session:
        started = await session.scalar(
            select(func.count())
            .select_from(saga_runs)
            .where(saga_runs.c.saga == "pull-images", saga_runs.c.resource_uuid == tenant.uuid)
        )
    return int(started or 0)


async def test_a_new_tenant_has_its_images_pulled_once(images: Images, tenant: Tenant) -> None:
    pulled = {"images": [{"id": "a", "name": "cirros"}], "flavors": [{"id": "m1", "name": "m1"}]}
    # Provisioning pulls the properties while the tenant is CREATING, then turns it OK.
    creating = {"state": "CREATING", **pulled}
    assert await _pulls_after(images, tenant, PROPERTIES_PULLED, creating) == 0
    assert await _pulls_after(images, tenant, STATE_CHANGED, {"state": "OK"}) == 1
    # Later pulls of an OK tenant's properties that found its images changed pull them.
    assert await _pulls_after(images, tenant, PROPERTIES_PULLED, {"state": "OK", **pulled}) == 2
    flavors_only = {"state": "OK", "flavors": pulled["flavors"]}
    assert await _pulls_after(images, tenant, PROPERTIES_PULLED, flavors_only) == 2


async def test_pulls_of_one_cloud_at_once_keep_one_record_per_public_image(
    images: Images,
) -> None:
    # Tenants of a new cloud turn OK together: each one's pull reads the cloud's public
    # images, in transactions of their own side by side.
    connection = uuid.uuid4()
    admin = await images.clouds.admin(images.clouds.connection)

    async def pull() -> None:
        async with images.database.session() as session:
            await pull_cloud_images(session, admin, connection)

    await asyncio.gather(*(pull() for _ in range(4)))  # none fails on another's insert
    async with images.database.session() as session:
        records = (
            await session.execute(
                select(Image.backend_id, Image.name).where(
                    Image.cloud_connection_uuid == connection
                )
            )
        ).all()
    assert "cirros-0.6.2-x86_64-disk" in {name for _, name in records}
    backend_ids = [backend_id for backend_id, _ in records]
    assert len(backend_ids) == len(set(backend_ids))
