"""`create_image`: who may, which formats, the count limit, both path prefixes."""

from __future__ import annotations

import uuid

import httpx
import pytest

from stackyard_common.auth import Role

from .conftest import Images, Tenant

PREFIXES = ("/api/openstack-marketplace", "/api/openstack-marketplace-tenants")


async def _create(
    images: Images, tenant: Tenant, headers: dict[str, str], **body: object
) -> httpx.Response:
    return await images.client.post(
        f"/api/openstack-marketplace/{tenant.uuid}/create_image/",
        headers=headers,
        json={"name": "custom", **body},
    )


@pytest.mark.parametrize("prefix", PREFIXES)
async def test_create_registers_a_queued_image_in_glance(
    images: Images, tenant: Tenant, prefix: str
) -> None:
    response = await images.client.post(
        f"{prefix}/{tenant.uuid}/create_image/",
        headers=tenant.manager.headers,
        json={"name": "debian", "disk_format": "raw", "min_disk": 2, "min_ram": 512},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "queued"
    assert body["upload_url"] == (
        f"http://images{prefix}/{tenant.uuid}/upload_image_data/{body['image_id']}/"
    )
    glance = await (await images.clouds.tenant(tenant.uuid)).image.get_image(body["image_id"])
    assert (glance.name, glance.disk_format, glance.container_format) == ("debian", "raw", "bare")
    assert (glance.min_disk, glance.min_ram, glance.visibility) == (2, 512, "private")
    assert glance.owner == tenant.backend_id
    listed = await images.client.get(
        "/api/openstack-images/",
        headers=tenant.member.headers,
        params={"tenant_uuid": str(tenant.uuid), "visibility": "private"},
    )
    assert [(i["backend_id"], i["min_disk"], i["min_ram"]) for i in listed.json()] == [
        (body["image_id"], 2048, 512)
    ]


@pytest.mark.parametrize(
    ("disk", "container"),
    [("qcow2", "ami"), ("ami", "bare"), ("aki", "ari"), ("iso", "aki")],
)
async def test_formats_that_do_not_go_together_are_refused(
    images: Images, tenant: Tenant, disk: str, container: str
) -> None:
    response = await _create(
        images, tenant, tenant.owner.headers, disk_format=disk, container_format=container
    )
    assert response.status_code == 400
    assert "does not go with container format" in response.json()["non_field_errors"][0]


async def test_matching_amazon_formats_and_unknown_formats(images: Images, tenant: Tenant) -> None:
    ok = await _create(
        images, tenant, tenant.owner.headers, disk_format="ami", container_format="ami"
    )
    assert ok.status_code == 201, ok.text
    unknown = await _create(images, tenant, tenant.owner.headers, disk_format="exe")
    assert unknown.status_code == 400
    assert "disk_format" in unknown.json()


async def test_unknown_invisible_and_read_only_callers(images: Images, tenant: Tenant) -> None:
    stranger = images.person("stranger")
    missing = await images.client.post(
        f"/api/openstack-marketplace/{uuid.uuid4()}/create_image/",
        headers=tenant.owner.headers,
        json={"name": "x"},
    )
    assert missing.status_code == 404
    assert (await _create(images, tenant, stranger.headers)).status_code == 404
    assert (await _create(images, tenant, tenant.member.headers)).status_code == 403
    assert (await _create(images, tenant, {})).status_code == 401


async def test_a_tenant_that_is_not_ok_takes_no_images(images: Images, tenant: Tenant) -> None:
    await images.tenant_event(tenant, "tenant.state_changed.v1", state="ERRED")
    response = await _create(images, tenant, tenant.owner.headers)
    assert response.status_code == 409


async def test_public_images_need_the_image_management_permission(
    images: Images, tenant: Tenant
) -> None:
    refused = await _create(images, tenant, tenant.owner.headers, visibility="public")
    assert refused.status_code == 403
    assert "SERVICE_PROVIDER_OPENSTACK_IMAGE_MANAGEMENT" in refused.json()["detail"]
    by_staff = await _create(images, tenant, images.staff.headers, visibility="public")
    assert by_staff.status_code == 201, by_staff.text
    glance = await (await images.clouds.tenant(tenant.uuid)).image.get_image(
        by_staff.json()["image_id"]
    )
    assert (glance.visibility, glance.owner) == ("public", tenant.backend_id)

    await images.offering(tenant, provider=tenant.provider)
    # The provider's owner is no member of the tenant's organisation: it cannot see it.
    unseen = await _create(images, tenant, tenant.provider_owner.headers, visibility="public")
    assert unseen.status_code == 404
    await images.grant(tenant.provider_owner, Role.PROJECT_ADMIN, tenant.project, tenant.customer)
    by_provider = await _create(images, tenant, tenant.provider_owner.headers, visibility="public")
    assert by_provider.status_code == 201, by_provider.text


async def test_the_count_limit_of_the_offering_is_checked_before_creation(
    images: Images, tenant: Tenant
) -> None:
    await images.offering(tenant, image_count_total_limit=2)
    for _ in range(2):
        assert (await _create(images, tenant, tenant.owner.headers)).status_code == 201
    refused = await _create(images, tenant, tenant.owner.headers)
    assert refused.status_code == 400
    assert refused.json() == {"non_field_errors": ["Image count limit exceeded"]}
    owned = await (await images.clouds.tenant(tenant.uuid)).image.list_images(
        owner=tenant.backend_id
    )
    assert len(owned) == 2  # nothing was made in Glance for the refused one
