"""Runtime configuration of one emulated cloud."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Delays:
    """Seconds each asynchronous transition takes before it settles (0 = at the next read)."""

    build: float = 0.5  # server BUILD -> ACTIVE
    action: float = 0.2  # server stop / start / reboot
    resize: float = 0.5  # server RESIZE -> VERIFY_RESIZE, REVERT_RESIZE -> ACTIVE
    volume: float = 0.2  # volume creating / attaching / detaching / extending
    snapshot: float = 0.2  # snapshot creating -> available
    backup: float = 0.3  # backup creating / restoring -> available
    delete: float = 0.2  # server task_state deleting, volume deleting -> gone

    def update(self, values: dict[str, Any]) -> None:
        """Set the named delays; unknown names raise ``KeyError``, negatives ``ValueError``."""
        for key, value in values.items():
            if key not in asdict(self):
                raise KeyError(key)
            seconds = float(value)
            if seconds < 0:
                raise ValueError(f"delay {key} must not be negative")
            setattr(self, key, seconds)

    def set_all(self, seconds: float) -> None:
        """Give every transition the same delay."""
        for key in asdict(self):
            setattr(self, key, seconds)


@dataclass
class EmulatorConfig:
    """Everything that distinguishes one emulated cloud from another."""

    name: str = "cloud"
    host: str = "127.0.0.1"
    port: int = 5000
    public_url: str | None = None
    token_lifetime: float = 3600.0
    delays: Delays = field(default_factory=Delays)
    seed_path: Path | None = None
    image_dir: Path | None = None
    region: str = "RegionOne"

    @property
    def base_url(self) -> str:
        """The URL clients reach the emulator at, without a trailing slash."""
        if self.public_url:
            return self.public_url.rstrip("/")
        return f"http://{self.host}:{self.port}"

    def settings(self) -> dict[str, Any]:
        """The settings the control API shows and may change."""
        return {
            "name": self.name,
            "public_url": self.base_url,
            "region": self.region,
            "token_lifetime": self.token_lifetime,
            "delays": asdict(self.delays),
            "image_dir": str(self.image_dir) if self.image_dir else None,
        }
