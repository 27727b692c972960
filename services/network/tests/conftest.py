"""The network service in-process, on an httpx client, against an emulated cloud in the
same process (see `cloud.py`)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from asgi_lifespan import LifespanManager
from redis.asyncio import Redis

from stackyard_common.auth import (
    LocalKeys,
    SigningKey,
    TokenVerifier,
    generate_signing_key_pem,
    install_token_verifier,
)
from stackyard_common.settings import Settings
from stackyard_emulator import EmulatorConfig
from stackyard_emulator import create_app as create_emulator
from stackyard_network.app import create_app
from stackyard_network.cloud import CLOUDS_KEY

from .cloud import CLOUD_URL, EmulatorClouds, Net


@pytest.fixture(scope="session")
async def net(platform_settings: Settings) -> AsyncIterator[Net]:
    emulator = create_emulator(EmulatorConfig(name="network-cloud", public_url=CLOUD_URL))
    transport = httpx.ASGITransport(app=emulator)
    clouds = EmulatorClouds(transport, uuid.uuid4())
    app = create_app(platform_settings)
    setattr(app.state, CLOUDS_KEY, clouds)
    key = SigningKey.from_pem(generate_signing_key_pem())
    redis = Redis.from_url(platform_settings.redis.url.get_secret_value())
    install_token_verifier(app, TokenVerifier(platform_settings, LocalKeys([key]), redis))
    control = httpx.AsyncClient(transport=transport, base_url=CLOUD_URL)
    try:
        async with LifespanManager(app) as manager:
            client = httpx.AsyncClient(
                transport=httpx.ASGITransport(app=manager.app), base_url="http://test"
            )
            inventory = (await control.get("/_emulator/inventory")).json()["projects"]
            public = next(
                network["id"]
                for project in inventory.values()
                for network in project["networks"]
                if network["name"] == "public"
            )
            yield Net(
                platform_settings, app, client, app.state.database, control, clouds, key, public
            )
            await client.aclose()
    finally:
        await control.aclose()
        await redis.aclose()
