"""Dependencies of identity's endpoints: the Redis client, settings and keys."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from redis.asyncio import Redis

from stackyard_common.settings import Settings
from stackyard_identity.keys import IdentityKeys

__all__ = ["KeysDep", "RedisDep", "SettingsDep"]


def _redis(request: Request) -> Redis:
    redis: Redis = request.app.state.redis
    return redis


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _keys(request: Request) -> IdentityKeys:
    keys: IdentityKeys = request.app.state.identity_keys
    return keys


RedisDep = Annotated[Redis, Depends(_redis)]
SettingsDep = Annotated[Settings, Depends(_settings)]
KeysDep = Annotated[IdentityKeys, Depends(_keys)]
