"""One emulated cloud: the state of every service, its faults and its counters."""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

from .compute.state import ComputeState
from .config import EmulatorConfig
from .faults import FaultSet
from .identity.state import IdentityState
from .image.state import ImageState
from .network.state import NetworkState
from .volume.state import VolumeState


class Cloud:
    """Everything one emulated cloud holds; two instances never share anything."""

    def __init__(self, config: EmulatorConfig, seed: dict[str, Any]) -> None:
        self.config = config
        self.seed = seed
        self.rng = random.Random()  # noqa: S311 - fault rolls, not secrets
        self.faults = FaultSet(self.rng)
        self.counters: Counter[str] = Counter()
        self.identity = IdentityState(self)
        self.image = ImageState(self)
        self.network = NetworkState(self)
        self.volume = VolumeState(self)
        self.compute = ComputeState(self)
        self.reset()

    def reset(self) -> None:
        """Forget everything and load the seed again (faults and counters are cleared too)."""
        from .seed import apply_seed

        self.faults.clear()
        self.counters.clear()
        self.identity = IdentityState(self)
        self.image = ImageState(self)
        self.network = NetworkState(self)
        self.volume = VolumeState(self)
        self.compute = ComputeState(self)
        apply_seed(self, self.seed)

    def admin_project_id(self) -> str:
        """The id of the seeded admin project."""
        name = self.seed.get("admin", {}).get("project", "admin")
        for project in self.identity.projects.values():
            if project["name"] == name:
                return str(project["id"])
        raise LookupError("the seed made no admin project")
