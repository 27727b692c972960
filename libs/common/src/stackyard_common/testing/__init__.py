"""Test support shipped with the library: an isolated environment per test run.

`isolated_environment()` gives a run its own PostgreSQL database (with its own service
roles), its own RabbitMQ vhost and its own Redis key prefix, and removes them afterwards,
so that runs never collide, on a developer's machine or on CI. The pytest fixtures that
use it live in the repository's root `conftest.py`.
"""

from stackyard_common.testing.isolation import IsolatedEnvironment, isolated_environment

__all__ = ["IsolatedEnvironment", "isolated_environment"]
