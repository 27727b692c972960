"""The operators' commands fail with one line an operator can act on, exit code 1 and
no traceback, when the platform's services do not answer."""

from __future__ import annotations

import socket

import pytest
from typer.testing import CliRunner

from stackyard_cli.main import app
from stackyard_common.settings import get_settings

runner = CliRunner()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture(autouse=True)
def _nothing_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STACKYARD_PORTS__SERVICE_BASE", str(_closed_port()))
    get_settings.cache_clear()


@pytest.mark.parametrize(
    ("command", "service"),
    [
        (["validate-openstack-services", "--offering-uuid", "any"], "marketplace"),
        (["drop-leftover-openstack-projects", "--offering", "any", "--dry-run"], "marketplace"),
        (["quota-drift"], "identity"),
        (["push-tenant-quotas", "--dry-run"], "identity"),
        (["import-tenant-quotas"], "identity"),
    ],
)
def test_a_service_that_does_not_answer_is_named(command: list[str], service: str) -> None:
    result = runner.invoke(app, command)
    assert result.exit_code == 1
    assert f"stackyard: the {service} service does not answer at http://" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
