"""Nova's data for one cloud: flavors, servers, key pairs, server groups, quotas, hosts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from stackyard_emulator.errors import nova_error
from stackyard_emulator.store import Record, Table

if TYPE_CHECKING:
    from stackyard_emulator.cloud import Cloud

QUOTA_DEFAULTS: dict[str, int] = {
    "instances": 10,
    "cores": 20,
    "ram": 51200,
    "key_pairs": 100,
    "metadata_items": 128,
    "server_groups": 10,
    "server_group_members": 10,
    "injected_files": 5,
    "injected_file_content_bytes": 10240,
    "injected_file_path_bytes": 255,
}
# Statuses in which the guest is up (its ports are ACTIVE).
RUNNING = {"ACTIVE", "VERIFY_RESIZE", "REBOOT", "HARD_REBOOT", "RESIZE", "REVERT_RESIZE"}


class ComputeState:
    """Every Nova resource of one cloud."""

    def __init__(self, cloud: Cloud) -> None:
        self.cloud = cloud
        self.servers = Table()
        self.flavors = Table()
        self.server_groups = Table()
        self.keypairs: dict[tuple[str, str], Record] = {}
        self.zones: dict[str, list[str]] = {}
        self.quota_defaults = dict(QUOTA_DEFAULTS)
        self.quota_overrides: dict[str, dict[str, int]] = {}
        self.usage: dict[str, dict[str, int]] = {}
        self.host_load: dict[str, int] = {}
        self.keypair_projects: dict[tuple[str, str], str] = {}

    # ----- quotas -------------------------------------------------------------

    def quota(self, project_id: str) -> dict[str, int]:
        """The effective limits of a project."""
        limits = dict(self.quota_defaults)
        limits.update(self.quota_overrides.get(project_id, {}))
        return limits

    def used(self, project_id: str, user_id: str | None = None) -> dict[str, int]:
        """What the project uses, for every quota resource (O(1) for servers)."""
        totals = self.usage.get(project_id, {})
        keypairs = sum(1 for (uid, _n) in self.keypairs if uid == user_id) if user_id else 0
        return {
            "instances": self.servers.count(project_id),
            "cores": totals.get("cores", 0),
            "ram": totals.get("ram", 0),
            "key_pairs": keypairs,
            "metadata_items": 0,
            "server_groups": self.server_groups.count(project_id),
            "server_group_members": 0,
            "injected_files": 0,
            "injected_file_content_bytes": 0,
            "injected_file_path_bytes": 0,
        }

    def check_quota(
        self, project_id: str, wanted: dict[str, int], user_id: str | None = None
    ) -> None:
        """Nova's 403 "Quota exceeded for ..." when any wanted amount does not fit."""
        limits = self.quota(project_id)
        used = self.used(project_id, user_id)
        over = [r for r, n in wanted.items() if n > 0 and 0 <= limits[r] < used[r] + n]
        if over:
            resource = over[0]
            raise nova_error(
                403,
                f"Quota exceeded for {resource}: Requested {wanted[resource]}, but already used "
                f"{used[resource]} of {limits[resource]} {resource}",
            )

    def charge(self, project_id: str, cores: int, ram: int) -> None:
        """Add (or with negatives, release) cores and RAM to a project's usage."""
        totals = self.usage.setdefault(project_id, {"cores": 0, "ram": 0})
        totals["cores"] += cores
        totals["ram"] += ram

    # ----- lookups -------------------------------------------------------------

    def server(self, server_id: str, project_id: str, is_admin: bool) -> Record:
        """A server the caller may see, or Nova's 404."""
        record = self.servers.get(server_id)
        if record is None or not (is_admin or record["project_id"] == project_id):
            raise nova_error(404, f"Instance {server_id} could not be found.")
        return record

    def flavor(self, ref: Any, status: int = 400) -> Record:
        """A flavor by id or URL; 400 (create, resize) or 404 (show) when unknown."""
        flavor_id = str(ref).rstrip("/").rsplit("/", 1)[-1]
        record = self.flavors.get(flavor_id)
        if record is None:
            raise nova_error(status, f"Flavor {flavor_id} could not be found.")
        return record

    def server_is_running(self, server_id: str) -> bool:
        """Whether the server exists and its guest is up."""
        record = self.servers.get(server_id)
        return record is not None and record["status"] in RUNNING

    def hosts(self, zone: str | None = None) -> list[str]:
        """Compute hosts (of one availability zone)."""
        if zone is not None:
            return list(self.zones.get(zone, []))
        return [h for hosts in self.zones.values() for h in hosts]

    def zone_of(self, host: str) -> str:
        """The availability zone a host is in."""
        for zone, hosts in self.zones.items():
            if host in hosts:
                return zone
        return "nova"
