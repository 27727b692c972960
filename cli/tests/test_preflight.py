"""`stackyard preflight` and `stackyard up` name a missing dependency and how to start it."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from stackyard_cli.main import app
from stackyard_cli.platform import preflight
from stackyard_common.settings import get_settings

runner = CliRunner()


@pytest.fixture(autouse=True)
def _fresh_settings() -> None:
    get_settings.cache_clear()


def test_preflight_passes_when_everything_answers() -> None:
    result = runner.invoke(app, ["preflight"])
    assert result.exit_code == 0, result.output
    for name in ("PostgreSQL", "Redis", "RabbitMQ", "nginx"):
        assert f"ok   {name}" in result.output


def test_unreachable_redis_is_named_with_how_to_start_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STACKYARD_REDIS__URL", "redis://127.0.0.1:1/0")
    result = runner.invoke(app, ["preflight"])
    assert result.exit_code == 1
    assert "MISSING Redis" in result.output
    assert "redis-server --daemonize yes" in result.output
    assert "ok   PostgreSQL" in result.output


def test_up_refuses_to_start_without_rabbitmq(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STACKYARD_AMQP__URL", "amqp://guest:guest@127.0.0.1:1/")
    result = runner.invoke(app, ["up", "--run-dir", "var/never-created"])
    assert result.exit_code == 1
    assert "RabbitMQ" in result.output
    assert "rabbitmq-server -detached" in result.output


def test_missing_nginx_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(preflight, "NGINX_CANDIDATES", ("no-such-nginx-binary",))
    result = runner.invoke(app, ["preflight"])
    assert result.exit_code == 1
    assert "MISSING nginx" in result.output
    assert "apt-get install nginx-light" in result.output


def test_default_admin_password_is_refused_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STACKYARD_ENVIRONMENT", "production")
    monkeypatch.setenv("STACKYARD_DATABASE__PASSWORD", "a-real-secret")
    monkeypatch.setenv("STACKYARD_AUTH__SERVICE_SECRET", "another-real-secret")
    result = runner.invoke(app, ["create-admin"])
    assert result.exit_code == 1
    assert "only in development" in result.output
