"""Fixtures every test directory shares.

`platform_env` is one isolated environment per test session: its own PostgreSQL
database (every service's schema migrated), RabbitMQ vhost and Redis database, removed
when the session ends. `platform_settings` are the settings that environment gives.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from stackyard_common.settings import Settings, get_settings
from stackyard_common.testing import IsolatedEnvironment, isolated_environment


@pytest.fixture(scope="session")
def platform_env() -> Iterator[IsolatedEnvironment]:
    with isolated_environment() as environment:
        saved = {name: os.environ.get(name) for name in environment.variables}
        os.environ.update(environment.variables)
        get_settings.cache_clear()
        try:
            yield environment
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
            get_settings.cache_clear()


@pytest.fixture(scope="session")
def platform_settings(platform_env: IsolatedEnvironment) -> Settings:
    return platform_env.settings()
