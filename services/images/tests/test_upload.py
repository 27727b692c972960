"""`upload_image_data`: streamed to Glance and verified; every way it can go wrong ends
with the image deleted or untouched, never `saving`."""

from __future__ import annotations

import hashlib
import os
from collections.abc import AsyncIterator, MutableMapping
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from stackyard_common.openstack import NotFound
from stackyard_images.images.models import Image

from .conftest import Images, Tenant

OCTET = {"Content-Type": "application/octet-stream"}


async def _image(images: Images, tenant: Tenant, **body: Any) -> str:
    response = await images.client.post(
        f"/api/openstack-marketplace-tenants/{tenant.uuid}/create_image/",
        headers=tenant.owner.headers,
        json={"name": "upload", **body},
    )
    assert response.status_code == 201, response.text
    image_id: str = response.json()["image_id"]
    return image_id


def _url(tenant: Tenant, image_id: str) -> str:
    return f"/api/openstack-marketplace/{tenant.uuid}/upload_image_data/{image_id}/"


async def _record(images: Images, image_id: str) -> Image:
    async with images.database.session() as session:
        found = await session.execute(select(Image).where(Image.backend_id == image_id))
        return found.scalar_one()


async def _pieces(data: bytes, size: int) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


async def test_the_data_reaches_glance_whole_and_is_verified(
    images: Images, tenant: Tenant
) -> None:
    image_id = await _image(images, tenant)
    data = os.urandom(3 * 1024 * 1024 + 17)
    response = await images.client.post(
        _url(tenant, image_id),
        headers={**tenant.manager.headers, **OCTET, "Content-Length": str(len(data))},
        content=_pieces(data, 100_000),
    )
    assert response.status_code == 200, response.text
    md5 = hashlib.md5(data, usedforsecurity=False).hexdigest()
    assert response.json() == {
        "status": "success",
        "message": "Image data uploaded successfully.",
        "image_id": image_id,
        "size": len(data),
        "checksum": md5,
    }
    glance = await (await images.clouds.tenant(tenant.uuid)).image.get_image(image_id)
    assert (glance.status, glance.size, glance.checksum) == ("active", len(data), md5)
    assert glance.raw["os_hash_value"] == hashlib.sha512(data).hexdigest()
    record = await _record(images, image_id)
    assert (record.state, record.runtime_state, record.size) == ("OK", "active", len(data))
    again = await images.client.post(
        _url(tenant, image_id),
        headers={**tenant.manager.headers, **OCTET},
        content=b"more",
    )
    assert again.status_code == 409


async def test_requests_that_never_reach_glance(images: Images, tenant: Tenant) -> None:
    image_id = await _image(images, tenant)
    headers = {**tenant.owner.headers, **OCTET}
    without_id = await images.client.post(
        f"/api/openstack-marketplace/{tenant.uuid}/upload_image_data/",
        headers=headers,
        content=b"x",
    )
    assert without_id.status_code == 400
    assert without_id.json() == {"image_id": ["Image ID is required"]}
    unknown = await images.client.post(_url(tenant, "no-such-image"), headers=headers, content=b"x")
    assert unknown.status_code == 404
    wrong_type = await images.client.post(
        _url(tenant, image_id), headers={**tenant.owner.headers}, json={"a": 1}
    )
    assert wrong_type.status_code == 415

    async def unsized() -> AsyncIterator[bytes]:
        yield b"chunked"

    chunked = await images.client.post(_url(tenant, image_id), headers=headers, content=unsized())
    assert chunked.status_code == 411
    member = await images.client.post(
        _url(tenant, image_id), headers={**tenant.member.headers, **OCTET}, content=b"x"
    )
    assert member.status_code == 403
    glance = await (await images.clouds.tenant(tenant.uuid)).image.get_image(image_id)
    assert glance.status == "queued"


async def test_the_size_limit_counts_every_image_of_the_tenant(
    images: Images, tenant: Tenant
) -> None:
    await images.offering(tenant, image_size_total_limit=1000)
    first, second = await _image(images, tenant), await _image(images, tenant)
    headers = {**tenant.owner.headers, **OCTET}
    ok = await images.client.post(_url(tenant, first), headers=headers, content=b"a" * 600)
    assert ok.status_code == 200, ok.text
    refused = await images.client.post(_url(tenant, second), headers=headers, content=b"b" * 401)
    assert refused.status_code == 400
    assert refused.json() == {"non_field_errors": ["Image size limit would be exceeded"]}
    assert (await _record(images, second)).runtime_state == "queued"
    fits = await images.client.post(_url(tenant, second), headers=headers, content=b"b" * 400)
    assert fits.status_code == 200, fits.text


async def test_a_client_that_goes_away_mid_upload_leaves_no_image_saving(
    images: Images, tenant: Tenant
) -> None:
    image_id = await _image(images, tenant)
    messages: list[dict[str, Any]] = [
        {"type": "http.request", "body": b"x" * 70_000, "more_body": True},
        {"type": "http.request", "body": b"y" * 70_000, "more_body": True},
        {"type": "http.disconnect"},
    ]
    sent: list[MutableMapping[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    headers = {**tenant.owner.headers, **OCTET, "Content-Length": str(1_000_000)}
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": _url(tenant, image_id),
        "raw_path": _url(tenant, image_id).encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "server": ("images", 80),
        "client": ("127.0.0.1", 5000),
        "state": {},
    }
    await images.app(scope, receive, send)
    record = await _record(images, image_id)
    assert (record.state, record.runtime_state) == ("ERRED", "deleted")
    assert "broke off after 140000 of 1000000 bytes" in record.error_message
    with pytest.raises(NotFound):
        await (await images.clouds.tenant(tenant.uuid)).image.get_image(image_id)


async def test_a_body_longer_than_announced_is_not_taken(images: Images, tenant: Tenant) -> None:
    image_id = await _image(images, tenant)
    transport = httpx.ASGITransport(app=images.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://images") as client:
        request = client.build_request(
            "POST",
            _url(tenant, image_id),
            headers={**tenant.owner.headers, **OCTET, "Content-Length": "10"},
            content=_pieces(b"z" * 20, 5),
        )
        response = await client.send(request)
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["The body was more than the announced 10 bytes."]
    }
    record = await _record(images, image_id)
    assert record.state == "ERRED"
    assert record.runtime_state == "deleted"
