"""Reading a tenant's quotas and their usage back from Nova, Cinder and Neutron, in the
platform's names and units (see `quotas`): the reverse of pushing them."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from stackyard_common.openstack import OpenStackClient
from stackyard_identity.tenants.quotas import COMPUTE, NETWORK, VOLUME, volume_type_key

__all__ = ["platform_quotas", "read_quotas"]


def _pair(entry: Any, used_key: str) -> tuple[int, int]:
    if isinstance(entry, dict):
        return int(entry.get("limit", -1)), int(entry.get(used_key, 0))
    return int(entry), 0


def _mebibytes(gigabytes: int) -> int:
    return -1 if gigabytes < 0 else gigabytes * 1024


async def read_quotas(
    cloud: OpenStackClient, project_id: str, storage_mode: str
) -> tuple[dict[str, int], dict[str, int]]:
    """The project's limits and usage, by platform quota name (MiB for ram and storage)."""
    session = cloud.session
    compute, volume, network = await asyncio.gather(
        session.request("compute", "GET", f"/os-quota-sets/{project_id}/detail"),
        session.request("volume", "GET", f"/os-quota-sets/{project_id}", params={"usage": True}),
        session.request("network", "GET", f"/quotas/{project_id}/details"),
    )
    return platform_quotas(
        compute.json()["quota_set"],
        volume.json()["quota_set"],
        network.json()["quota"],
        storage_mode,
    )


def platform_quotas(
    nova: Mapping[str, Any],
    cinder: Mapping[str, Any],
    neutron: Mapping[str, Any],
    storage_mode: str,
) -> tuple[dict[str, int], dict[str, int]]:
    """Limits and usage by platform quota name from Nova's, Cinder's and Neutron's quota
    sets; an entry is either a bare limit or a detailed `{"limit": ..., "in_use"/"used"}`
    (so the sets `quotas.cloud_quotas` makes read back as what the cloud would hold)."""
    limits: dict[str, int] = {}
    usage: dict[str, int] = {}
    for source, mapping, used_key in (
        (nova, COMPUTE, "in_use"),
        (cinder, VOLUME, "in_use"),
        (neutron, NETWORK, "used"),
    ):
        for name, cloud_name in mapping.items():
            if cloud_name in source:
                limits[name], usage[name] = _pair(source[cloud_name], used_key)
    if "gigabytes" in cinder:
        limit, used = _pair(cinder["gigabytes"], "in_use")
        limits["storage"], usage["storage"] = _mebibytes(limit), used * 1024
    if storage_mode == "dynamic":
        for key, entry in cinder.items():
            if key.startswith("gigabytes_"):
                limit, used = _pair(entry, "in_use")
                name = volume_type_key(key.removeprefix("gigabytes_"))
                limits[name], usage[name] = _mebibytes(limit), used * 1024
    return limits, usage
