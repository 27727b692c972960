"""Bulk loading for scale tests: many servers and ports without one HTTP call each.

It goes through the same service functions as the API (validation, IP allocation,
indexes), only without HTTP, so what it makes is indistinguishable from API-made
resources.
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Any

from .auth import AuthContext
from .compute.create import create_servers
from .identity.state import Token
from .network import networks as network_ops
from .network import ports as port_ops
from .network.state import Caller
from .timeutil import utcnow
from .volume.volumes import new_volume

if TYPE_CHECKING:
    from .cloud import Cloud


def bulk_load(cloud: Cloud, spec: dict[str, Any]) -> dict[str, Any]:
    """Create ``servers`` servers (one port each), ``ports`` extra ports and ``volumes``
    empty volumes (``volume_size`` GiB each, 1 by default) in a project.

    The project's compute, network and volume quotas are lifted (-1) first. Without
    ``network_id`` a network with a subnet large enough for every port is made.
    """
    project_id = str(spec.get("project_id") or cloud.admin_project_id())
    servers = int(spec.get("servers", 0))
    ports = int(spec.get("ports", 0))
    volumes = int(spec.get("volumes", 0))
    volume_size = int(spec.get("volume_size", 1))
    if servers < 0 or ports < 0 or volumes < 0:
        raise ValueError("servers, ports and volumes must not be negative")
    if volume_size < 1:
        raise ValueError("volume_size must be at least 1")
    admin = next(
        u
        for u in cloud.identity.users.values()
        if u["name"] == cloud.seed.get("admin", {}).get("user", "admin")
    )
    cloud.compute.quota_overrides.setdefault(project_id, {}).update(instances=-1, cores=-1, ram=-1)
    cloud.network.quota_overrides.setdefault(project_id, {}).update(port=-1)
    if volumes:
        cloud.volume.quota_overrides.setdefault(project_id, {}).update(volumes=-1, gigabytes=-1)
    caller = Caller(project_id, True)
    network_id = spec.get("network_id")
    if not network_id:
        size = max(256, (servers + ports) * 2)
        prefix = 32 - max(8, (size - 1).bit_length())
        network = network_ops.create_network(
            cloud.network,
            caller,
            {"name": str(spec.get("network_name", "bulk-net")), "tenant_id": project_id},
        )
        network_ops.create_subnet(
            cloud.network,
            caller,
            {
                "network_id": network["id"],
                "tenant_id": project_id,
                "name": "bulk-subnet",
                "cidr": str(ipaddress.ip_network(f"10.0.0.0/{prefix}")),
            },
        )
        network_id = network["id"]
    now = utcnow()
    token = Token(
        id="bulk-loader",
        user_id=admin["id"],
        methods=["password"],
        project_id=project_id,
        domain_id=None,
        role_ids=[],
        issued_at=now,
        expires_at=now,
    )
    context = AuthContext(token, admin["id"], project_id, None, frozenset({"admin"}))
    flavor = str(spec.get("flavor", "1"))
    image = spec.get("image")
    if image is None:
        image = next(i["id"] for i in cloud.image.images.values() if i["status"] == "active")
    prefix_name = str(spec.get("name_prefix", "bulk"))
    server_ids: list[str] = []
    for index in range(servers):
        made = create_servers(
            cloud.compute,
            context,
            {
                "name": f"{prefix_name}-server-{index}",
                "flavorRef": flavor,
                "imageRef": image,
                "networks": [{"uuid": network_id}],
            },
        )
        server_ids.extend(s["id"] for s in made)
    for index in range(ports):
        port_ops.create_port(
            cloud.network,
            caller,
            {
                "network_id": network_id,
                "name": f"{prefix_name}-port-{index}",
                "tenant_id": project_id,
            },
        )
    for index in range(volumes):
        new_volume(
            cloud.volume,
            project_id,
            admin["id"],
            {"name": f"{prefix_name}-volume-{index}", "size": volume_size},
            is_admin=True,
        )
    return {
        "project_id": project_id,
        "network_id": network_id,
        "servers": len(server_ids),
        "ports": ports,
        "volumes": volumes,
        "first_server_id": server_ids[0] if server_ids else None,
    }
