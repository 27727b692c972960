"""The kinds of storage records a pull brings in step with the cloud, and what differs
between them: the model, the cloud's values, the events and the messages."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from stackyard_common.events import Envelope
from stackyard_common.openstack import OpenStackClient
from stackyard_common.resources.events import SYSTEM
from stackyard_common.resources.pulls import changed_fields
from stackyard_common.resources.records import ResourceColumns
from stackyard_storage.common.copies import copy_envelope
from stackyard_storage.common.copy_sagas import copy_values
from stackyard_storage.snapshots.models import Snapshot
from stackyard_storage.volumes.events import volume_envelope
from stackyard_storage.volumes.models import Volume
from stackyard_storage.volumes.steps import volume_values

__all__ = ["SNAPSHOTS", "VOLUMES", "PullKind"]


@dataclass(frozen=True)
class PullKind:
    """One kind of record: how it is listed, compared and announced."""

    name: str  # "volume", "snapshot"
    model: type[Any]
    list_cloud: Callable[[OpenStackClient], Any]
    values: Callable[[Any], dict[str, Any]]
    envelope: Callable[..., Envelope]
    compared: tuple[str, ...]
    """The columns `values` gives (what a pull reads and writes beside the marks)."""

    @property
    def state_changed(self) -> str:
        return f"{self.name}.state_changed.v1"

    @property
    def deleted(self) -> str:
        return f"{self.name}.deleted.v1"

    @property
    def missing_message(self) -> str:
        return f"The {self.name} is gone from the cloud: a pull no longer finds it."

    def stuck_message(self, deadline: timedelta) -> str:
        seconds = int(deadline.total_seconds())
        took = f"{seconds // 60} minutes" if seconds >= 120 else f"{seconds} seconds"
        return (
            f"The {self.name} was still being created after {took} and no worker is "
            "creating it any more: delete it, or pull it if the cloud has it."
        )

    def apply(self, record: Any, item: Any) -> bool:
        """Bring a settled record to the cloud's values; True when any differed."""
        return changed_fields(record, self.values(item))

    def event(
        self, kind: str, record: ResourceColumns, order: uuid.UUID | None = None, **extra: Any
    ) -> Envelope:
        """The event `kind` about `record`, said by the platform itself."""
        return self.envelope(kind, record, actor=SYSTEM, order=order, **extra)


VOLUMES = PullKind(
    "volume",
    Volume,
    lambda client: client.volume.list_volumes(),
    volume_values,
    volume_envelope,
    ("runtime_state", "size", "bootable"),
)
SNAPSHOTS = PullKind(
    "snapshot",
    Snapshot,
    lambda client: client.volume.list_snapshots(),
    copy_values,
    copy_envelope,
    ("runtime_state", "size"),
)
