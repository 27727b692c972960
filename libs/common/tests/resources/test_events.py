"""A resource event: the audit fields identity reads, the order it ends, and its actor."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID, uuid4

from stackyard_common.resources.events import SYSTEM, Actor, resource_envelope


@dataclass
class Record:
    name: str = "web"
    state: str = "OK"
    uuid: UUID = field(default_factory=uuid4)
    tenant_uuid: UUID = field(default_factory=uuid4)
    customer_uuid: UUID = field(default_factory=uuid4)
    project_uuid: UUID = field(default_factory=uuid4)


def envelope(record: Record, **options: Any):  # type: ignore[no-untyped-def]
    return resource_envelope(
        "compute",
        "instance.state_changed.v1",
        record,  # type: ignore[arg-type]
        resource_type="instance",
        message="Instance web is now OK.",
        fields={"instance_uuid": str(record.uuid), "state": record.state},
        **options,
    )


def test_the_envelope_carries_the_source_the_owners_and_the_audit_fields() -> None:
    record, order, user = Record(), uuid4(), Actor(uuid4(), "alice")
    made = envelope(record, actor=user, order=order, order_result="done")
    assert (made.type, made.source) == ("instance.state_changed.v1", "compute")
    assert (made.organisation, made.project, made.tenant) == (
        record.customer_uuid,
        record.project_uuid,
        record.tenant_uuid,
    )
    assert made.payload == {
        "instance_uuid": str(record.uuid),
        "state": "OK",
        "order_result": "done",
        "order_uuid": str(order),
        "actor_uuid": str(user.uuid),
        "actor_username": "alice",
        "resource_type": "instance",
        "resource_uuid": str(record.uuid),
        "resource_name": "web",
        "message": "Instance web is now OK.",
        "result": "succeeded",
    }


def test_an_erred_record_fails_and_the_platform_acts_by_default() -> None:
    made = envelope(Record(state="ERRED"))
    assert made.payload["result"] == "failed"
    assert made.payload["order_uuid"] is None
    assert (made.payload["actor_uuid"], made.payload["actor_username"]) == (None, "system")


def test_an_actor_travels_as_data_and_back() -> None:
    user = Actor(uuid4(), "alice")
    assert Actor.from_payload(user.as_data()) == user
    assert Actor.from_payload(SYSTEM.as_data()) == SYSTEM
    assert Actor.from_payload({}) == SYSTEM
