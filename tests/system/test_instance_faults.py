"""A failure at each step of the instance provisioning saga, made by the emulator's
fault rules, through the gateway: the instance ends ERRED naming the step, and nothing
it made is left behind, neither in the cloud nor in storage's records."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from stackyard_common.testing.platform import RunningPlatform

from .instances import INSTANCES, VOLUMES, TenantUnderTest, provisioned_tenant
from .journey import Journey, wait_for

pytestmark = pytest.mark.system

SERVER = r"/servers/(?!detail)[^/]+$"
FAULTS: dict[str, dict[str, Any]] = {
    # Storage's Cinder call fails: compute's wait for the volumes sees it.
    "wait-volumes": {"service": "volume", "method": "POST", "path_regex": r"/volumes$"},
    "create-ports": {"service": "network", "method": "POST", "path_regex": r"/ports$"},
    "create-keypair": {"service": "compute", "method": "POST", "path_regex": r"/os-keypairs$"},
    "create-server": {"service": "compute", "method": "POST", "path_regex": r"/servers$"},
    "wait-active": {"service": "compute", "method": "GET", "path_regex": SERVER, "count": 1},
    "link-volumes": {
        "service": "compute",
        "method": "GET",
        "path_regex": r"/os-volume_attachments$",
        "count": 1,
    },
    "create-floating-ips": {
        "service": "network",
        "method": "POST",
        "path_regex": r"/floatingips$",
    },
}


def _public_key() -> str:
    key = ed25519.Ed25519PrivateKey.generate().public_key()
    raw = key.public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    return raw.decode()


@pytest.fixture(scope="module")
def tenant(platform: RunningPlatform) -> TenantUnderTest:
    return provisioned_tenant(Journey.start(platform), "Faults", "192.168.93.0/24")


@pytest.fixture
def clean_faults(tenant: TenantUnderTest) -> Iterator[None]:
    yield
    tenant.journey.emulator.delete("/_emulator/faults")


@pytest.mark.parametrize("step", sorted(FAULTS))
def test_a_failed_step_leaves_nothing_behind(
    tenant: TenantUnderTest, clean_faults: None, step: str
) -> None:
    rule = {"error_rate": 1.0, "status": 400, **FAULTS[step]}
    added = tenant.journey.emulator.post("/_emulator/faults", json=rule)
    assert added.status_code == 201, added.text
    response = tenant.owner.post(
        INSTANCES,
        json=tenant.instance_body(
            f"fail-{step}",
            data_volume_size=1024,
            floating_ips=[{}],
            ssh_public_key=_public_key(),
        ),
    )
    assert response.status_code == 202, response.text
    instance = tenant.settled(f"{INSTANCES}{response.json()['uuid']}/")
    assert instance["state"] == "ERRED"
    assert instance["error_message"].startswith(f"step '{step}' failed"), instance["error_message"]
    assert instance["progress"]["state"] == "compensated"

    def nothing_left() -> bool | None:
        return True if tenant.leftovers() == {} else None

    try:
        wait_for("the cloud to hold nothing of the instance", nothing_left, timeout=60)
    except AssertionError:
        assert tenant.leftovers() == {}
        raise

    def no_records() -> bool | None:
        volumes = tenant.owner.get(f"{VOLUMES}?tenant_uuid={tenant.uuid}").json()
        return True if volumes == [] else None

    wait_for("storage to forget the instance's volumes", no_records, timeout=60)
