"""A tenant that turns OK: what its cloud holds becomes records at once (with the
cloud's external networks); later pulls follow the cloud; public addresses behind a
carrier-grade NAT are shown on floating IPs; a resource gone from the cloud is marked
missing and removed after the grace period; a pull of a vanished resource errs."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event, select, update

from stackyard_common.events import Envelope
from stackyard_common.events.tables import outbox
from stackyard_common.resources.pulls import pull_settings
from stackyard_common.sagas import saga_runs
from stackyard_common.tenants import get_tenant
from stackyard_network.external_networks.models import ExternalNetwork, ExternalSubnet
from stackyard_network.external_networks.sync import pull_external_networks
from stackyard_network.floating_ips.models import FloatingIP
from stackyard_network.ports.models import Port
from stackyard_network.pulls.importing import import_on_ok, pull_tenant_networks
from stackyard_network.pulls.tenant import pull_tenant_network

from .cloud import Net, Tenant


async def _pulled(net: Net, tenant: Tenant, envelope: Any = None) -> None:
    """Deliver `envelope` as the consumer would (if given), then run the pull."""
    if envelope is not None:
        async with net.database.session() as session:
            await import_on_ok(envelope, session)

    async def done() -> bool:
        async with net.database.session() as session:
            state = (
                (
                    await session.execute(
                        select(saga_runs.c.state)
                        .where(saga_runs.c.resource_uuid == tenant.uuid)
                        .order_by(saga_runs.c.created.desc())
                    )
                )
                .scalars()
                .first()
            )
        return state == "succeeded"

    await net.run_until(done)


async def test_a_tenant_turning_ok_is_imported_and_pulls_follow_the_cloud(net: Net) -> None:
    tenant = await net.tenant(external_network_id=net.public_network)
    cloud = (await net.clouds.tenant(tenant.uuid)).network
    network = await cloud.create_network("int-net")
    subnet = await cloud.create_subnet(network.id, "192.168.9.0/24", name="int-sub")
    router = await cloud.create_router("int-router", external_network_id=net.public_network)
    await cloud.add_router_interface(router.id, subnet_id=subnet.id)
    group = await cloud.create_security_group("ssh")
    await cloud.create_security_group_rule(
        group.id, protocol="tcp", port_range_min=22, port_range_max=22, remote_ip_prefix="0.0.0.0/0"
    )
    port = await cloud.create_port(network.id, name="vm", fixed_ips=[{"subnet_id": subnet.id}])
    floating = await cloud.create_floating_ip(net.public_network, port_id=port.id)
    headers = await net.manager(tenant)

    envelope = await net.announce(tenant, "OK", external_network_id=net.public_network)
    await _pulled(net, tenant, envelope)

    async def names(path: str) -> list[str]:
        response = await net.client.get(
            path, params={"tenant_uuid": str(tenant.uuid)}, headers=headers
        )
        return sorted(item["name"] or item["backend_id"] for item in response.json())

    assert await names("/api/openstack-networks/") == ["int-net"]
    assert await names("/api/openstack-subnets/") == ["int-sub"]
    assert await names("/api/openstack-routers/") == ["int-router"]
    assert await names("/api/openstack-ports/") == ["vm"]
    assert "ssh" in await names("/api/openstack-sgp/")
    assert "default" in await names("/api/openstack-sgp/")
    routers = (
        await net.client.get(
            "/api/openstack-routers/", params={"tenant_uuid": str(tenant.uuid)}, headers=headers
        )
    ).json()
    assert [i["subnet_id"] for i in routers[0]["interfaces"]] == [subnet.id]
    groups = (
        await net.client.get(
            "/api/openstack-sgp/",
            params={"name_exact": "ssh", "tenant_uuid": str(tenant.uuid)},
            headers=headers,
        )
    ).json()
    assert [
        (r["protocol"], r["from_port"]) for r in groups[0]["rules"] if r["direction"] == "ingress"
    ] == [("tcp", 22)]

    externals = (await net.client.get("/api/openstack-external-networks/", headers=headers)).json()
    public = next(item for item in externals if item["backend_id"] == net.public_network)
    assert [s["cidr"] for s in public["subnets"]] == ["203.0.113.0/24"]
    stranger = net.headers(uuid.uuid4())
    assert (
        await net.client.get("/api/openstack-external-networks/", headers=stranger)
    ).json() == []
    range_path = (
        f"/api/openstack-external-networks/{public['uuid']}/subnets/{public['subnets'][0]['uuid']}/"
    )
    assert (
        await net.client.patch(
            range_path, json={"public_ip_range": "198.51.100.0/24"}, headers=headers
        )
    ).status_code == 403
    narrow = await net.client.patch(
        range_path, json={"public_ip_range": "198.51.100.0/28"}, headers=net.staff
    )
    assert narrow.status_code == 400
    assert (
        await net.client.patch(
            range_path, json={"public_ip_range": "198.51.100.0/24"}, headers=net.staff
        )
    ).status_code == 200
    ips = (
        await net.client.get(
            "/api/openstack-floating-ips/",
            params={"tenant_uuid": str(tenant.uuid)},
            headers=headers,
        )
    ).json()
    offset = str(floating.floating_ip_address).rsplit(".", 1)[1]
    assert [(ip["address"], ip["external_address"], ip["port_uuid"] is not None) for ip in ips] == [
        (floating.floating_ip_address, f"198.51.100.{offset}", True)
    ]
    await net.client.patch(range_path, json={"public_ip_range": ""}, headers=net.staff)

    await cloud.delete_floating_ip(floating.id)
    await cloud.update_network(network.id, name="renamed")
    await cloud.create_security_group_rule(
        group.id, protocol="tcp", port_range_min=8080, port_range_max=8080, remote_group_id=group.id
    )
    assert (await pull_tenant_networks({"database": net.database}))["pulls_started"] >= 1
    await _pulled(net, tenant)
    assert await names("/api/openstack-networks/") == ["renamed"]
    # A rule made in the cloud that names a group links to that group's record.
    ssh = (await net.client.get(f"/api/openstack-sgp/{groups[0]['uuid']}/", headers=headers)).json()
    assert [
        (r["from_port"], r["remote_group_uuid"], r["remote_group_name"])
        for r in ssh["rules"]
        if r["direction"] == "ingress"
    ] == [(22, None, None), (8080, groups[0]["uuid"], "ssh")]

    async def floating_ips() -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = (
            await net.client.get(
                "/api/openstack-floating-ips/",
                params={"tenant_uuid": str(tenant.uuid)},
                headers=headers,
            )
        ).json()
        return found

    # Gone from the cloud: marked, kept through the grace period, then removed.
    [missing] = await floating_ips()
    assert missing["state"] == "ERRED"
    assert missing["error_message"] == "The floating IP is gone from the cloud."
    assert missing["backend_missing_since"] is not None
    since = datetime.fromisoformat(missing["backend_missing_since"])
    grace = pull_settings().grace
    for now, left in ((since + grace - timedelta(seconds=1), 1), (since + grace, 0)):
        async with net.database.session() as session:
            record = await get_tenant(session, tenant.uuid)
            assert record is not None
            report = await pull_tenant_network(session, net.clouds, record, now=now)
            await session.commit()
        assert len(await floating_ips()) == left
    assert report["floating_ip"]["deleted"] == 1

    port_record = (
        await net.client.get(
            "/api/openstack-ports/", params={"tenant_uuid": str(tenant.uuid)}, headers=headers
        )
    ).json()[0]
    await cloud.delete_port(port.id)
    path = f"/api/openstack-ports/{port_record['uuid']}/"
    assert (await net.client.post(f"{path}pull/", headers=headers)).status_code == 202
    erred = await net.settled(path, headers)
    assert erred["state"] == "ERRED"
    assert port.id in erred["error_message"]


async def test_a_deleted_tenant_takes_its_records_with_it(net: Net) -> None:
    tenant = await net.tenant()
    cloud = (await net.clouds.tenant(tenant.uuid)).network
    network = await cloud.create_network("doomed")
    await cloud.create_subnet(network.id, "192.168.19.0/24", name="doomed-sub")
    await _pulled(net, tenant, await net.announce(tenant, "OK"))
    headers = await net.manager(tenant)
    listed = {"tenant_uuid": str(tenant.uuid)}
    assert (
        len(
            (await net.client.get("/api/openstack-subnets/", params=listed, headers=headers)).json()
        )
        == 1
    )

    deleted = Envelope(
        type="tenant.deleted.v1",
        source="identity",
        organisation=tenant.customer,
        project=tenant.project,
        payload={
            "tenant_uuid": str(tenant.uuid),
            "state": "OK",
            "backend_id": tenant.backend_id,
            "cloud_connection_uuid": str(net.clouds.connection_uuid),
        },
    )
    async with net.database.session() as session:
        await import_on_ok(deleted, session)
    staff = net.staff
    for path in ("/api/openstack-networks/", "/api/openstack-subnets/", "/api/openstack-sgp/"):
        assert (await net.client.get(path, params=listed, headers=staff)).json() == []


async def test_a_pull_costs_a_few_statements_whatever_the_number_of_records(net: Net) -> None:
    tenant = await net.tenant()
    cloud = (await net.clouds.tenant(tenant.uuid)).network
    network = await cloud.create_network("many")
    subnet = await cloud.create_subnet(network.id, "192.168.29.0/24", name="many-sub")
    ports = [
        await cloud.create_port(network.id, name=f"p{i}", fixed_ips=[{"subnet_id": subnet.id}])
        for i in range(25)
    ]
    statements: list[str] = []
    texts: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement.split(None, 1)[0].upper())
        texts.append(statement)

    async def pulled() -> dict[str, dict[str, int]]:
        statements.clear()
        texts.clear()
        engine = net.database.engine.sync_engine
        event.listen(engine, "before_cursor_execute", count)
        try:
            async with net.database.session() as session:
                record = await get_tenant(session, tenant.uuid)
                assert record is not None
                return await pull_tenant_network(session, net.clouds, record)
        finally:
            event.remove(engine, "before_cursor_execute", count)

    async def events(kind: str) -> list[dict[str, Any]]:
        async with net.database.session() as session:
            rows = await session.execute(select(outbox.c.body).where(outbox.c.type == kind))
        return [body["payload"] for body in rows.scalars() if body["tenant"] == str(tenant.uuid)]

    report = await pulled()
    assert report["port"]["created"] == 25
    assert len(await events("port.created.v1")) == 25
    # Per kind: one reading, the new records together, their events together (and the
    # default group's rules): not a statement per record.
    assert statements.count("INSERT") <= 2 * 4 + 1
    assert len(statements) < len(ports)

    await cloud.update_port(ports[3].id, name="renamed-3")
    await cloud.update_port(ports[7].id, name="renamed-7")
    await cloud.update_port(ports[9].id, admin_state_up=False)
    report = await pulled()
    assert report["port"] == {"created": 0, "updated": 2, "missing": 0, "returned": 0, "deleted": 0}
    assert sorted(p["name"] for p in await events("port.updated.v1")) == ["renamed-3", "renamed-7"]
    # What no event shows is written all the same; one UPDATE per set of changed columns.
    assert statements.count("UPDATE") == 2
    async with net.database.session() as session:
        rows = await session.execute(select(Port.backend_id, Port.admin_state_up))
        states = {backend_id: up for backend_id, up in rows}
    assert states[ports[9].id] is False
    assert states[ports[8].id] is True

    await pulled()
    assert not {"INSERT", "UPDATE", "DELETE"} & set(statements)
    # Ports whose Neutron revision has not moved are passed over: not even read whole.
    assert not [text for text in texts if "ports.fixed_ips" in text]

    # Any write but a pull's clears a port's revision mark, so the next pull compares
    # that port in full although its revision has not moved.
    async with net.database.session() as session:
        edited = (
            await session.execute(select(Port).where(Port.backend_id == ports[5].id))
        ).scalar_one()
        assert edited.backend_revision is not None
        edited.name = "edited here"
        await session.commit()
        mark = await session.scalar(select(Port.backend_revision).where(Port.uuid == edited.uuid))
        assert mark is None
    report = await pulled()
    assert report["port"]["updated"] == 1
    async with net.database.session() as session:
        restored = await session.scalar(select(Port.name).where(Port.backend_id == ports[5].id))
    assert restored == "p5"

    # A port marked missing is compared although its mark equals the listed revision:
    # only settled ports are passed over, so one the cloud still has is back.
    async with net.database.session() as session:
        await session.execute(
            update(Port)
            .where(Port.backend_id == ports[6].id)
            .values(
                state="ERRED",
                error_message="The port is gone from the cloud.",
                backend_missing_since=datetime.now(UTC),
                backend_revision=Port.backend_revision,  # kept, not cleared as by other writes
            )
        )
        mark = await session.scalar(
            select(Port.backend_revision).where(Port.backend_id == ports[6].id)
        )
        assert mark is not None
    report = await pulled()
    assert report["port"] == {"created": 0, "updated": 0, "missing": 0, "returned": 1, "deleted": 0}
    async with net.database.session() as session:
        back = (
            await session.execute(select(Port).where(Port.backend_id == ports[6].id))
        ).scalar_one()
    assert (back.state, back.error_message, back.backend_missing_since) == ("OK", "", None)

    # Floating IPs show the ports they point at, found in one query for them all.
    router = await cloud.create_router("edge", external_network_id=net.public_network)
    await cloud.add_router_interface(router.id, subnet_id=subnet.id)
    await pulled()

    async def floating_pulled(on: list[Any]) -> int:
        for port in on:
            await cloud.create_floating_ip(net.public_network, port_id=port.id)
        report = await pulled()
        assert report["floating_ip"]["created"] == len(on)
        return statements.count("SELECT")

    assert await floating_pulled(ports[10:12]) == await floating_pulled(ports[12:17])
    async with net.database.session() as session:
        rows = await session.execute(
            select(FloatingIP.port_backend_id, FloatingIP.port_uuid).where(
                FloatingIP.tenant_uuid == tenant.uuid
            )
        )
        links = dict(rows.all())
        by_backend = dict((await session.execute(select(Port.backend_id, Port.uuid))).all())
    assert links == {port.id: by_backend[port.id] for port in ports[10:17]}


async def test_pulls_of_one_cloud_at_once_keep_one_record_per_external_network(
    net: Net,
) -> None:
    # Tenants of a new cloud turn OK together: each one's import pulls the cloud's
    # external networks, in transactions of their own side by side.
    connection = uuid.uuid4()

    async def pull() -> None:
        async with net.database.session() as session:
            await pull_external_networks(session, net.clouds, connection)

    await asyncio.gather(*(pull() for _ in range(4)))
    async with net.database.session() as session:
        networks = (
            await session.execute(
                select(ExternalNetwork.backend_id).where(
                    ExternalNetwork.cloud_connection_uuid == connection
                )
            )
        ).scalars()
        subnets = (
            await session.execute(
                select(ExternalSubnet.backend_id)
                .join(ExternalNetwork, ExternalNetwork.uuid == ExternalSubnet.network_uuid)
                .where(ExternalNetwork.cloud_connection_uuid == connection)
            )
        ).scalars()
        names = list(networks)
        subnet_ids = list(subnets)
    assert net.public_network in names
    assert len(names) == len(set(names))
    assert subnet_ids
    assert len(subnet_ids) == len(set(subnet_ids))
