"""What a settled instance takes from its server: the cloud's values, ERRED while Nova
says ERROR (with its fault), OK again once it no longer does."""

from __future__ import annotations

from typing import Any

from stackyard_common.openstack.compute import Server
from stackyard_compute.instances.models import Instance
from stackyard_compute.instances.server_values import apply_server

FLAVORS = {"2": {"flavor_name": "m1.small", "cores": 1, "ram": 2048, "disk": 20480}}


def server(**fields: Any) -> Server:
    return Server.from_api({"id": "s-1", "name": "web", "status": "ACTIVE", **fields})


def instance(**fields: Any) -> Instance:
    values: dict[str, Any] = {
        "name": "web",
        "state": "OK",
        "runtime_state": "ACTIVE",
        "error_message": "",
        "flavor_backend_id": "2",
        "flavor_name": "m1.small",
        "cores": 1,
        "ram": 2048,
        "disk": 20480,
        "availability_zone": "nova",
        "key_name": "",
        **fields,
    }
    return Instance(**values)


def test_a_record_in_step_with_its_server_does_not_change() -> None:
    record = instance()
    assert not apply_server(record, server(flavor={"id": "2"}), FLAVORS)


def test_a_resized_and_renamed_server_comes_through() -> None:
    record = instance(flavor_backend_id="1", flavor_name="m1.tiny", cores=1, ram=512, disk=1024)
    assert apply_server(
        record,
        server(name="web-2", flavor={"id": "2"}, **{"OS-EXT-AZ:availability_zone": "az-2"}),
        FLAVORS,
    )
    assert (record.name, record.flavor_name, record.ram, record.disk) == (
        "web-2",
        "m1.small",
        2048,
        20480,
    )
    assert record.availability_zone == "az-2"


def test_an_unknown_flavor_keeps_the_records_figures() -> None:
    record = instance()
    assert apply_server(record, server(flavor={"id": "99"}), FLAVORS)
    assert (record.flavor_backend_id, record.flavor_name, record.ram) == ("99", "m1.small", 2048)


def test_a_server_in_error_errs_its_instance_until_it_recovers() -> None:
    record = instance()
    failed = server(status="ERROR", flavor={"id": "2"}, fault={"message": "host died"})
    assert apply_server(record, failed, FLAVORS)
    assert (record.state, record.runtime_state, record.error_message) == (
        "ERRED",
        "ERROR",
        "The server went to ERROR: host died",
    )
    assert apply_server(record, server(flavor={"id": "2"}), FLAVORS)
    assert (record.state, record.runtime_state, record.error_message) == ("OK", "ACTIVE", "")


def test_an_instance_erred_for_another_reason_stays_erred() -> None:
    record = instance(state="ERRED", error_message="resize failed")
    assert not apply_server(record, server(flavor={"id": "2"}), FLAVORS)
    assert (record.state, record.error_message) == ("ERRED", "resize failed")
