"""Fixtures of the OpenStack client's tests.

- `redis_settings` / `redis`: the local Redis with a key prefix of this session's own;
  every key under it is deleted at the end (the database itself is never flushed).
- `keystone`: a respx-mocked Keystone at `AUTH_URL` that counts its token requests and
  whose tokens' lifetime a test can set; `cloud_config` connects to it.
- `emulator`: a real `stackyard-emulator` process on a free port (session-wide).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import respx
from pydantic import SecretStr
from redis.asyncio import Redis

from stackyard_common.openstack import CloudConfig, RetryPolicy
from stackyard_common.settings import RedisSettings
from stackyard_emulator.process import running_emulator

AUTH_URL = "http://keystone.test/identity/v3"
COMPUTE_URL = "http://nova.test/compute/v2.1"
NETWORK_URL = "http://neutron.test:9696"
VOLUME_URL = "http://cinder.test/volume/v3/p1"
IMAGE_URL = "http://glance.test/image"
PASSWORD = "correct horse battery staple"
REDIS_URL = os.environ.get("STACKYARD_REDIS__URL", "redis://127.0.0.1:6379/0")


@pytest.fixture(scope="session")
def redis_settings() -> RedisSettings:
    return RedisSettings(
        url=SecretStr(REDIS_URL), key_prefix=f"stackyard-test-{secrets.token_hex(6)}"
    )


@pytest.fixture(scope="session")
async def redis(redis_settings: RedisSettings) -> AsyncIterator[Redis]:
    client: Redis = Redis.from_url(REDIS_URL)
    yield client
    keys = [key async for key in client.scan_iter(match=f"{redis_settings.key_prefix}:*")]
    if keys:
        await client.delete(*keys)
    await client.aclose()


def catalog() -> list[dict[str, Any]]:
    def entry(kind: str, url: str) -> dict[str, Any]:
        return {
            "type": kind,
            "endpoints": [
                {"interface": "public", "region_id": "RegionOne", "url": url},
                {"interface": "internal", "region_id": "RegionOne", "url": url + "/internal"},
            ],
        }

    return [
        entry("compute", COMPUTE_URL),
        entry("network", NETWORK_URL),
        entry("volumev3", VOLUME_URL),
        entry("image", IMAGE_URL),
    ]


@dataclass
class FakeKeystone:
    """Keystone's token API under respx; `lifetime` applies to the next tokens issued."""

    lifetime: timedelta = timedelta(hours=1)
    issued: list[str] = field(default_factory=list)
    bodies: list[dict[str, Any]] = field(default_factory=list)
    refuse: bool = False

    def __call__(self, request: httpx.Request) -> httpx.Response:
        import json

        self.bodies.append(json.loads(request.content))
        if self.refuse:
            return httpx.Response(
                401,
                json={
                    "error": {
                        "code": 401,
                        "title": "Unauthorized",
                        "message": "The request you have made requires authentication.",
                    }
                },
                headers={"x-openstack-request-id": "req-keystone-1"},
            )
        token = f"gAAAA-{secrets.token_hex(16)}"
        self.issued.append(token)
        now = datetime.now(UTC)
        body = {
            "token": {
                "issued_at": now.isoformat(),
                "expires_at": (now + self.lifetime).isoformat(),
                "user": {"id": "u1", "name": "admin"},
                "project": {"id": "p1", "name": "admin"},
                "catalog": catalog(),
            }
        }
        return httpx.Response(201, json=body, headers={"X-Subject-Token": token})

    @property
    def current(self) -> str:
        return self.issued[-1]


@pytest.fixture
def keystone() -> Iterator[tuple[FakeKeystone, respx.MockRouter]]:
    fake = FakeKeystone()
    with respx.mock(assert_all_called=False) as router:
        router.post(f"{AUTH_URL}/auth/tokens").mock(side_effect=fake)
        yield fake, router


@pytest.fixture
def cloud_config() -> CloudConfig:
    return CloudConfig(
        name="test-cloud",
        auth_url=AUTH_URL,
        username="admin",
        password=SecretStr(PASSWORD),
        project_name="admin",
        retry=RetryPolicy(attempts=4, backoff_base=0.01, backoff_cap=0.05),
    )


# ----- the emulator --------------------------------------------------------------------


@dataclass(frozen=True)
class Emulator:
    url: str

    def config(self, **overrides: Any) -> CloudConfig:
        values: dict[str, Any] = {
            "name": "emulator",
            "auth_url": f"{self.url}/identity/v3",
            "username": "admin",
            "password": SecretStr("secret"),
            "project_name": "admin",
            "timeout": 10.0,
            "retry": RetryPolicy(attempts=3, backoff_base=0.05, backoff_cap=0.2),
        }
        values.update(overrides)
        return CloudConfig(**values)


@pytest.fixture(scope="session")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    # Uploaded image bytes are kept only with an image directory.
    images = tmp_path_factory.mktemp("images")
    with running_emulator(name="cloud-a", delay=0.05, image_dir=images) as running:
        yield Emulator(running.url)


Factory = Callable[..., CloudConfig]
