"""Choosing a compute host, honouring availability zones and server-group policies."""

from __future__ import annotations

from stackyard_emulator.store import Record

from .state import ComputeState

NO_VALID_HOST = "No valid host was found. There are not enough hosts available."


def members_hosts(compute: ComputeState, group: Record) -> dict[str, int]:
    """How many members of a group each host runs."""
    counts: dict[str, int] = {}
    for member_id in group["members"]:
        server = compute.servers.get(member_id)
        if server is not None and server.get("host"):
            counts[server["host"]] = counts.get(server["host"], 0) + 1
    return counts


def choose_host(
    compute: ComputeState, zone: str, forced: str | None, group: Record | None
) -> str | None:
    """A host in ``zone`` for a new server, or ``None`` when no host fits the group policy."""
    candidates = [forced] if forced else compute.hosts(zone)
    if not candidates:
        return None
    if group is not None:
        used = members_hosts(compute, group)
        policy = group["policy"]
        if policy == "affinity" and used:
            candidates = [h for h in candidates if h in used]
        elif policy == "anti-affinity":
            limit = int((group.get("rules") or {}).get("max_server_per_host", 1))
            candidates = [h for h in candidates if used.get(h, 0) < limit]
        elif policy == "soft-affinity" and used:
            best = max(used.get(h, 0) for h in candidates)
            candidates = [h for h in candidates if used.get(h, 0) == best]
        elif policy == "soft-anti-affinity":
            least = min(used.get(h, 0) for h in candidates)
            candidates = [h for h in candidates if used.get(h, 0) == least]
        if not candidates:
            return None
    # Spread the rest: the least loaded host wins, ties by name.
    host = min(candidates, key=lambda h: (compute.host_load.get(h, 0), h))
    compute.host_load[host] = compute.host_load.get(host, 0) + 1
    return host
