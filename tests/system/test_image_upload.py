"""Custom images through the gateway: a 200 MiB upload streamed to the emulator's
Glance and verified there, and every way the upload path refuses or breaks."""

from __future__ import annotations

import hashlib
import socket
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlparse

import httpx
import pytest

from stackyard_common.testing.platform import RunningPlatform

from .journey import Journey, Organisation, wait_for

pytestmark = pytest.mark.system

MIB = 1024 * 1024
UPLOAD = 200 * MIB
OCTET = {"Content-Type": "application/octet-stream"}


def _generated(size: int, digest: Any) -> Iterator[bytes]:
    """`size` bytes made on the fly, 1 MiB at a time (never all in memory), fed to
    `digest` as they go."""
    block = hashlib.sha512(b"stackyard").digest() * (MIB // 64)
    for index in range(size // MIB):
        chunk = index.to_bytes(8, "big") + block[8:]
        digest.update(chunk)
        yield chunk


def _tenant(journey: Journey, organisation: Organisation) -> dict[str, Any]:
    offering = journey.tenant_offering(
        organisation.uuid, image_count_total_limit=3, image_size_total_limit=UPLOAD + 10 * MIB
    )
    order = journey.order(
        organisation.owner,
        {
            "offering": offering["uuid"],
            "project": organisation.project,
            "plan": offering["plans"][0]["uuid"],
            "limits": {"cores": 4, "ram": 8192, "storage": 51200},
            "attributes": {"name": "images", "subnet_cidr": "192.168.78.0/24"},
        },
    )
    assert journey.finished_order(organisation.owner, order["uuid"])["state"] == "done"
    resource = journey.staff.get(
        f"/api/marketplace-resources/{order['marketplace_resource_uuid']}/"
    ).json()
    tenant: dict[str, Any] = journey.staff.get(resource["scope"]).json()
    return tenant


def _create(client: httpx.Client, tenant: str, **body: Any) -> httpx.Response:
    return client.post(
        f"/api/openstack-marketplace/{tenant}/create_image/", json={"name": "custom", **body}
    )


def _glance(journey: Journey, project: str, image_id: str) -> dict[str, Any] | None:
    inventory = journey.inventory(project) or {}
    found = [image for image in inventory.get("images", []) if image["id"] == image_id]
    return found[0] if found else None


def _record(client: httpx.Client, tenant: str, image_id: str) -> dict[str, Any]:
    listed = client.get(
        "/api/openstack-images/", params={"tenant_uuid": tenant, "backend_id": image_id}
    ).json()
    assert len(listed) == 1, listed
    record: dict[str, Any] = listed[0]
    return record


def _raw_upload(platform: RunningPlatform, path: str, token: str, length: int, sent: int) -> bytes:
    """Announce `length` bytes, send `sent` of them, then stop sending; what the gateway
    answered within two seconds (nothing, while it still waits for the rest)."""
    gateway = urlparse(platform.gateway_url)
    assert gateway.hostname is not None
    assert gateway.port is not None
    with socket.create_connection((gateway.hostname, gateway.port)) as connection:
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {gateway.netloc}\r\n"
            f"Authorization: {token}\r\nContent-Type: application/octet-stream\r\n"
            f"Content-Length: {length}\r\nConnection: close\r\n\r\n"
        )
        connection.sendall(head.encode())
        for _ in range(sent // MIB):
            connection.sendall(b"\0" * MIB)
        connection.settimeout(2)
        answer = b""
        try:
            while chunk := connection.recv(65536):
                answer += chunk
        except TimeoutError:
            pass  # the server has stopped sending: what came is its answer
        return answer


def test_custom_image_upload_through_the_gateway(platform: RunningPlatform) -> None:
    journey = Journey.start(platform)
    organisation = journey.organisation("Images")
    tenant = _tenant(journey, organisation)
    owner, project = organisation.owner, tenant["backend_id"]

    def created() -> httpx.Response | None:
        # The tenant reaches the images service by event, a moment after the order ends.
        response = _create(owner, tenant["uuid"], name="debian-12", disk_format="raw")
        return None if response.status_code in (404, 409) else response

    response = wait_for("the tenant to reach the images service", created, timeout=30)
    assert response.status_code == 201, response.text
    image = response.json()
    assert image["status"] == "queued"
    assert image["upload_url"].endswith(
        f"/api/openstack-marketplace/{tenant['uuid']}/upload_image_data/{image['image_id']}/"
    )

    md5 = hashlib.md5(usedforsecurity=False)
    started = time.monotonic()
    uploaded = owner.post(
        image["upload_url"],
        headers={**OCTET, "Content-Length": str(UPLOAD)},
        content=_generated(UPLOAD, md5),
        timeout=300,
    )
    elapsed = time.monotonic() - started
    assert uploaded.status_code == 200, uploaded.text
    assert uploaded.json()["size"] == UPLOAD
    assert uploaded.json()["checksum"] == md5.hexdigest()
    glance = _glance(journey, project, image["image_id"])
    assert glance is not None
    assert (glance["status"], glance["size"], glance["checksum"]) == (
        "active",
        UPLOAD,
        md5.hexdigest(),
    )
    record = _record(owner, tenant["uuid"], image["image_id"])
    assert (record["state"], record["runtime_state"], record["size"]) == ("OK", "active", UPLOAD)
    print(f"200 MiB through the gateway in {elapsed:.1f} s")

    # Errors that stop a request before anything reaches Glance.
    missing = owner.post(
        f"/api/openstack-marketplace/{tenant['uuid']}/upload_image_data/",
        headers=OCTET,
        content=b"x",
    )
    assert missing.status_code == 400
    assert missing.json() == {"image_id": ["Image ID is required"]}
    wrong_pair = _create(owner, tenant["uuid"], disk_format="qcow2", container_format="ami")
    assert wrong_pair.status_code == 400
    unknown = _create(owner, "00000000-0000-4000-8000-000000000000")
    assert unknown.status_code == 404
    public = _create(owner, tenant["uuid"], visibility="public")
    assert public.status_code == 403

    second = _create(owner, tenant["uuid"], name="too-big").json()
    token, path = owner.headers["Authorization"], urlparse(second["upload_url"]).path
    # Refused on the Content-Length alone, before the client sends a byte of the body.
    too_big = _raw_upload(platform, path, token, 20 * MIB, 0)
    assert too_big.startswith(b"HTTP/1.1 400"), too_big[:200]
    assert too_big.endswith(b'{"non_field_errors":["Image size limit would be exceeded"]}')

    def unsized() -> Iterator[bytes]:
        yield b"no length"

    chunked = owner.post(second["upload_url"], headers=OCTET, content=unsized())
    assert chunked.status_code == 411

    # A client that hangs up mid-upload: the image goes from Glance, the record says why.
    assert _raw_upload(platform, path, token, 8 * MIB, 3 * MIB) == b""

    def erred() -> dict[str, Any] | None:
        found = _record(owner, tenant["uuid"], second["image_id"])
        return found if found["state"] == "ERRED" else None

    broken = wait_for("the broken upload to be cleaned up", erred, timeout=30)
    assert "broke off" in broken["error_message"]
    assert broken["runtime_state"] == "deleted"
    assert _glance(journey, project, second["image_id"]) is None

    # The deleted image takes no place under the count limit (3): two more fit.
    for name in ("third", "fourth"):
        made = _create(owner, tenant["uuid"], name=name)
        assert made.status_code == 201, made.text
    over = _create(owner, tenant["uuid"], name="fifth")
    assert over.status_code == 400
    assert over.json() == {"non_field_errors": ["Image count limit exceeded"]}
