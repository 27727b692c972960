"""Volume metadata: what changes in the cloud reaches the record, the API and an event;
`stackyard pull-openstack-volume-metadata` prints it, and with `--dry-run` changes
nothing."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from stackyard_cli.operators.platform import OperatorError
from stackyard_cli.volume_metadata import pull_metadata
from stackyard_common.auth import issue_service_token
from stackyard_common.auth.service_tokens import OPERATOR
from stackyard_storage.common.cloud import MARK
from stackyard_storage.pulls.metadata import pull_volume_metadata

from .conftest import Storage, Tenant
from .pulling import client_of, events_about, made_volume, record

UPDATED = "volume.updated.v1"


def _storage_call(storage: Storage) -> Any:
    """The command's way to storage's internal API, in this process."""

    async def call(method: str, path: str, body: Any) -> Any:
        token = issue_service_token(storage.settings, OPERATOR)
        response = await storage.client.request(
            method, path, json=body, headers={"Authorization": f"Bearer {token}"}
        )
        if response.status_code >= 300:
            raise OperatorError(f"storage answered {response.status_code}: {response.text}")
        return response.json()

    return call


async def test_metadata_changed_in_the_cloud_comes_through(
    storage: Storage, tenant: Tenant
) -> None:
    volume = await made_volume(storage, tenant, "tagged")
    client = await client_of(storage, tenant)
    cloud = {MARK: volume["uuid"], "team": "blue", "tier": "gold"}
    await client.volume.update_volume(volume["backend_id"], metadata=cloud)

    async with storage.database.session() as session:
        (change,) = await pull_volume_metadata(session, storage.clouds, tenant.uuid)
    assert change.name == "tagged"
    assert change.differences() == ["+team=blue", "+tier=gold"]
    found = await record(storage, volume["uuid"])
    assert found is not None
    assert found.cloud_metadata == cloud
    path = f"/api/openstack-volumes/{volume['uuid']}/"
    assert (await storage.client.get(path, headers=tenant.owner)).json()["metadata"] == cloud
    (event,) = await events_about(storage, UPDATED, volume["uuid"])
    assert event["metadata"] == cloud
    assert (
        event["message"]
        == "Volume tagged: metadata pulled from the cloud (+team=blue, +tier=gold)."
    )

    async with storage.database.session() as session:
        assert await pull_volume_metadata(session, storage.clouds, tenant.uuid) == []
    assert len(await events_about(storage, UPDATED, volume["uuid"])) == 1


async def test_the_command_prints_changes_and_a_dry_run_changes_nothing(
    storage: Storage, tenant: Tenant
) -> None:
    volume = await made_volume(storage, tenant, "labelled")
    client = await client_of(storage, tenant)
    before = await record(storage, volume["uuid"])
    assert before is not None
    cloud = {**before.cloud_metadata, "owner": "ops"}
    await client.volume.update_volume(volume["backend_id"], metadata=cloud)
    lines: list[str] = []
    call = _storage_call(storage)

    failed = await pull_metadata(call, lines.append, tenant=tenant.uuid, dry_run=True)
    assert failed == 0
    assert lines[0].endswith(f"({tenant.uuid}): 1 volume(s) would change")
    assert lines[1] == f"    would change volume labelled ({volume['uuid']}):"
    assert lines[2] == "        +owner=ops"
    assert lines[-1] == "dry run: nothing was changed"
    unchanged = await record(storage, volume["uuid"])
    assert unchanged is not None
    assert unchanged.cloud_metadata == before.cloud_metadata
    assert await events_about(storage, UPDATED, volume["uuid"]) == []

    lines.clear()
    assert await pull_metadata(call, lines.append, tenant=tenant.uuid) == 0
    assert lines[0].endswith(": 1 volume(s) changed")
    assert lines[-1] == "1 volume(s) changed in 1 tenant(s)"
    changed = await record(storage, volume["uuid"])
    assert changed is not None
    assert changed.cloud_metadata == cloud
    assert len(await events_about(storage, UPDATED, volume["uuid"])) == 1

    lines.clear()
    assert await pull_metadata(call, lines.append, tenant=tenant.uuid) == 0
    assert lines[0].endswith(": in step")


async def test_a_tenant_whose_cloud_fails_is_reported_and_counted(
    storage: Storage, tenant: Tenant
) -> None:
    await made_volume(storage, tenant, "any")
    await storage.clouds.fault(
        service="volume", method="GET", path_regex="/volumes/detail", error_rate=1.0, status=403
    )
    lines: list[str] = []
    try:
        failed = await pull_metadata(_storage_call(storage), lines.append, tenant=tenant.uuid)
    finally:
        await storage.clouds.clear_faults()
    assert failed == 1
    assert "failed: storage answered 503" in lines[0]
    assert lines[-1] == "0 volume(s) changed in 0 tenant(s), 1 failed"


async def test_the_operators_api_answers_only_the_platform_and_only_for_usable_tenants(
    storage: Storage, tenant: Tenant
) -> None:
    call = _storage_call(storage)
    listed = await call("GET", "/internal/operators/tenants", None)
    assert {"uuid": str(tenant.uuid), "name": f"tenant-{tenant.uuid.hex[:6]}"} in listed
    anonymous = await storage.client.get("/internal/operators/tenants")
    assert anonymous.status_code == 401
    unknown = f"/internal/operators/tenants/{uuid.uuid4()}/pull-volume-metadata"
    with pytest.raises(OperatorError, match="storage answered 404"):
        await call("POST", unknown, {"dry_run": True})
