"""The inventory dump: what exists, per project, in a stable shape tests can compare."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .compute.views import addresses
from .network.ports import port_status
from .store import Record

if TYPE_CHECKING:
    from .cloud import Cloud

SECTIONS = (
    "users",
    "role_assignments",
    "servers",
    "volumes",
    "snapshots",
    "backups",
    "networks",
    "subnets",
    "routers",
    "ports",
    "floating_ips",
    "security_groups",
    "security_group_rules",
    "server_groups",
    "keypairs",
    "images",
    "rbac_policies",
)


def _server(cloud: Cloud, s: Record) -> dict[str, Any]:
    return {
        "id": s["id"],
        "name": s["name"],
        "status": s["status"],
        "flavor_id": s["_flavor_id"],
        "image_id": s["image_id"] or None,
        "availability_zone": s["availability_zone"],
        "host": s.get("host"),
        "key_name": s["key_name"],
        "addresses": {
            net: [a["addr"] for a in items] for net, items in addresses(cloud.compute, s).items()
        },
        "volumes": [v["id"] for v in s["volumes"]],
        "server_groups": list(s["server_groups"]),
        "metadata": dict(s["metadata"]),
        "tags": list(s["tags"]),
    }


def _volume(cloud: Cloud, v: Record) -> dict[str, Any]:
    return {
        "id": v["id"],
        "name": v["name"],
        "status": v["status"],
        "size": v["size"],
        "volume_type": cloud.volume.type_name(v["_type_id"]),
        "bootable": v["bootable"] == "true",
        "availability_zone": v["availability_zone"],
        "attached_to": [a["server_id"] for a in v["attachments"]],
        "snapshot_id": v["snapshot_id"],
        "source_volid": v["source_volid"],
        "image_id": (v.get("volume_image_metadata") or {}).get("image_id"),
    }


def _network(n: Record) -> dict[str, Any]:
    return {
        "id": n["id"],
        "name": n["name"],
        "status": n["status"],
        "shared": n["shared"],
        "router_external": n["router:external"],
        "mtu": n["mtu"],
        "subnets": list(n["subnets"]),
        "tags": list(n["tags"]),
    }


def _router(cloud: Cloud, r: Record) -> dict[str, Any]:
    gateway = r.get("external_gateway_info") or {}
    interfaces = [
        ip["subnet_id"]
        for p in cloud.network.ports_of_device(r["id"])
        if p["device_owner"] == "network:router_interface"
        for ip in p["fixed_ips"]
    ]
    return {
        "id": r["id"],
        "name": r["name"],
        "status": r["status"],
        "external_network_id": gateway.get("network_id"),
        "external_ips": [ip["ip_address"] for ip in gateway.get("external_fixed_ips", [])],
        "interfaces": interfaces,
        "routes": [dict(x) for x in r["routes"]],
    }


def _port(cloud: Cloud, p: Record) -> dict[str, Any]:
    return {
        "id": p["id"],
        "name": p["name"],
        "network_id": p["network_id"],
        "mac_address": p["mac_address"],
        "device_owner": p["device_owner"],
        "device_id": p["device_id"],
        "status": port_status(cloud.network, p),
        "fixed_ips": [dict(ip) for ip in p["fixed_ips"]],
        "security_groups": list(p["security_groups"]),
    }


def _project(cloud: Cloud, project_id: str) -> dict[str, Any]:
    ident, net, vol = cloud.identity, cloud.network, cloud.volume
    project = ident.projects.get(project_id)
    grants = sorted(
        (a for a in ident.assignments if a.scope_type == "project" and a.scope_id == project_id),
        key=lambda a: (a.user_id, a.role_id),
    )
    user_ids = sorted({a.user_id for a in grants})
    return {
        "name": project["name"] if project else None,
        "users": [{"id": u, "name": ident.users[u]["name"]} for u in user_ids if u in ident.users],
        "role_assignments": [
            {
                "user_id": a.user_id,
                "user": ident.users.get(a.user_id, {}).get("name"),
                "role_id": a.role_id,
                "role": ident.roles.get(a.role_id, {}).get("name"),
            }
            for a in grants
        ],
        "servers": [_server(cloud, s) for s in cloud.compute.servers.values(project_id)],
        "volumes": [_volume(cloud, v) for v in vol.volumes.values(project_id)],
        "snapshots": [
            {
                "id": s["id"],
                "name": s["name"],
                "status": s["status"],
                "size": s["size"],
                "volume_id": s["volume_id"],
            }
            for s in vol.snapshots.values(project_id)
        ],
        "backups": [
            {
                "id": b["id"],
                "name": b["name"],
                "status": b["status"],
                "size": b["size"],
                "volume_id": b["volume_id"],
                "is_incremental": b["is_incremental"],
            }
            for b in vol.backups.values(project_id)
        ],
        "networks": [_network(n) for n in net.networks.values(project_id)],
        "subnets": [
            {
                "id": s["id"],
                "name": s["name"],
                "network_id": s["network_id"],
                "cidr": s["cidr"],
                "ip_version": s["ip_version"],
                "gateway_ip": s["gateway_ip"],
            }
            for s in net.subnets.values(project_id)
        ],
        "routers": [_router(cloud, r) for r in net.routers.values(project_id)],
        "ports": [_port(cloud, p) for p in net.ports.values(project_id)],
        "floating_ips": [
            {
                "id": f["id"],
                "floating_ip_address": f["floating_ip_address"],
                "floating_network_id": f["floating_network_id"],
                "port_id": f["port_id"],
                "fixed_ip_address": f["fixed_ip_address"],
                "router_id": f["router_id"],
                "status": f["status"],
            }
            for f in net.floating_ips.values(project_id)
        ],
        "security_groups": [
            {
                "id": g["id"],
                "name": g["name"],
                "description": g["description"],
                "rules": list(g["security_group_rules"]),
            }
            for g in net.security_groups.values(project_id)
        ],
        "security_group_rules": [
            {
                k: r[k]
                for k in (
                    "id",
                    "security_group_id",
                    "direction",
                    "ethertype",
                    "protocol",
                    "port_range_min",
                    "port_range_max",
                    "remote_ip_prefix",
                    "remote_group_id",
                )
            }
            for r in net.security_group_rules.values(project_id)
        ],
        "server_groups": [
            {"id": g["id"], "name": g["name"], "policy": g["policy"], "members": list(g["members"])}
            for g in cloud.compute.server_groups.values(project_id)
        ],
        "keypairs": [
            {
                "name": k["name"],
                "user_id": k["user_id"],
                "fingerprint": k["fingerprint"],
                "type": k["type"],
            }
            for k in cloud.compute.keypairs.values()
            if k["_project"] == project_id
        ],
        "images": [
            {
                "id": i["id"],
                "name": i["name"],
                "status": i["status"],
                "visibility": i["visibility"],
                "size": i["size"],
                "checksum": i["checksum"],
                "disk_format": i["disk_format"],
                "container_format": i["container_format"],
                "tags": list(i["tags"]),
            }
            for i in cloud.image.images.values(project_id)
        ],
        "rbac_policies": [
            {
                "id": r["id"],
                "object_type": r["object_type"],
                "object_id": r["object_id"],
                "action": r["action"],
                "target_project": r["target_tenant"],
            }
            for r in net.rbac_policies.values(project_id)
        ],
        "quotas": {
            "compute": cloud.compute.quota(project_id),
            "network": net.quota(project_id),
            "volume": vol.quota(project_id),
        },
    }


def inventory(cloud: Cloud) -> dict[str, Any]:
    """Every project (from Keystone, plus any project id that owns resources) and its contents.

    Tenant-less resources (router gateway and floating IP ports) belong to no project
    and are left out.
    """
    ids: dict[str, None] = dict.fromkeys(cloud.identity.projects)
    tables = [
        cloud.compute.servers,
        cloud.compute.server_groups,
        cloud.volume.volumes,
        cloud.volume.snapshots,
        cloud.volume.backups,
        cloud.image.images,
        cloud.network.networks,
        cloud.network.subnets,
        cloud.network.ports,
        cloud.network.routers,
        cloud.network.floating_ips,
        cloud.network.security_groups,
        cloud.network.security_group_rules,
        cloud.network.rbac_policies,
    ]
    for table in tables:
        ids.update(dict.fromkeys(p for p in table.projects() if p))
    return {"cloud": cloud.config.name, "projects": {pid: _project(cloud, pid) for pid in ids}}
