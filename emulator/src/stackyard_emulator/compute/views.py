"""How Nova shows servers and flavors at a given microversion."""

from __future__ import annotations

from typing import Any

from stackyard_emulator.auth import AuthContext
from stackyard_emulator.microversion import Version
from stackyard_emulator.store import Record

from .resources import host_id
from .state import ComputeState

_PROGRESS = {"BUILD", "REBUILD", "RESIZE", "VERIFY_RESIZE", "MIGRATING"}


def links(base: str, collection: str, rid: str) -> list[dict[str, str]]:
    """Nova's self and bookmark links."""
    return [
        {"rel": "self", "href": f"{base}/compute/v2.1/{collection}/{rid}"},
        {"rel": "bookmark", "href": f"{base}/compute/{collection}/{rid}"},
    ]


def addresses(compute: ComputeState, server: Record) -> dict[str, list[dict[str, Any]]]:
    """The server's fixed and floating addresses, grouped by network name."""
    net = compute.cloud.network
    result: dict[str, list[dict[str, Any]]] = {}
    ports = net.ports_of_device(server["id"])
    if not ports:
        return result
    floating: dict[str, list[Record]] = {}
    for fip in net.floating_ips.values(server["project_id"]):
        if fip.get("port_id"):
            floating.setdefault(fip["port_id"], []).append(fip)
    for port in ports:
        network = net.networks.get(port["network_id"])
        name = network["name"] if network else port["network_id"]
        entries = result.setdefault(name, [])
        for ip in port["fixed_ips"]:
            entries.append(
                {
                    "version": 6 if ":" in ip["ip_address"] else 4,
                    "addr": ip["ip_address"],
                    "OS-EXT-IPS:type": "fixed",
                    "OS-EXT-IPS-MAC:mac_addr": port["mac_address"],
                }
            )
        for fip in floating.get(port["id"], []):
            entries.append(
                {
                    "version": 4,
                    "addr": fip["floating_ip_address"],
                    "OS-EXT-IPS:type": "floating",
                    "OS-EXT-IPS-MAC:mac_addr": port["mac_address"],
                }
            )
    return result


def security_group_names(compute: ComputeState, server: Record) -> list[dict[str, str]]:
    """The names of the security groups on the server's ports (unique, in order)."""
    net = compute.cloud.network
    names: dict[str, None] = {}
    for port in net.ports_of_device(server["id"]):
        for group_id in port["security_groups"]:
            group = net.security_groups.get(group_id)
            if group is not None:
                names[group["name"]] = None
    return [{"name": n} for n in names]


def flavor_ref(base: str, server: Record, version: Version) -> dict[str, Any]:
    """The server's flavor: a link before 2.47, an embedded copy from 2.47."""
    flavor = server["flavor"]
    if version >= (2, 47):
        return {
            k: flavor[k]
            for k in ("vcpus", "ram", "disk", "ephemeral", "swap", "original_name", "extra_specs")
        }
    return {
        "id": server["_flavor_id"],
        "links": [{"rel": "bookmark", "href": f"{base}/compute/flavors/{server['_flavor_id']}"}],
    }


def _host_id(server: Record) -> str:
    # Cached: a SHA-224 per server per list page is measurable at 10,000 servers.
    cached = server.get("_host_id")
    if cached is None or cached[0] != server.get("host"):
        cached = (server.get("host"), host_id(server["project_id"], server.get("host")))
        server["_host_id"] = cached
    return str(cached[1])


def server_brief(base: str, server: Record) -> dict[str, Any]:
    """A server in ``GET /servers``."""
    return {
        "id": server["id"],
        "name": server["name"],
        "links": links(base, "servers", server["id"]),
    }


def server_view(
    compute: ComputeState,
    server: Record,
    version: Version,
    context: AuthContext,
    *,
    single: bool = False,
) -> dict[str, Any]:
    """A server in detail, as ``GET /servers/{id}`` shows it at ``version``."""
    base = compute.cloud.config.base_url
    image: Any = ""
    if server["image_id"]:
        image = {
            "id": server["image_id"],
            "links": [{"rel": "bookmark", "href": f"{base}/compute/images/{server['image_id']}"}],
        }
    volumes = [
        {"id": v["id"], "delete_on_termination": v["delete_on_termination"]}
        if version >= (2, 3)
        else {"id": v["id"]}
        for v in server["volumes"]
    ]
    view: dict[str, Any] = {
        "id": server["id"],
        "name": server["name"],
        "status": server["status"],
        "tenant_id": server["project_id"],
        "user_id": server["user_id"],
        "metadata": dict(server["metadata"]),
        "hostId": _host_id(server),
        "image": image,
        "flavor": flavor_ref(base, server, version),
        "created": server["created"],
        "updated": server["updated"],
        "addresses": addresses(compute, server),
        "accessIPv4": server["accessIPv4"],
        "accessIPv6": server["accessIPv6"],
        "links": links(base, "servers", server["id"]),
        "OS-DCF:diskConfig": server["disk_config"],
        "OS-EXT-AZ:availability_zone": server["availability_zone"] if server.get("host") else "",
        "config_drive": server["config_drive"],
        "key_name": server["key_name"],
        "OS-SRV-USG:launched_at": server["launched_at"],
        "OS-SRV-USG:terminated_at": server["terminated_at"],
        "OS-EXT-STS:task_state": server["task_state"],
        "OS-EXT-STS:vm_state": server["vm_state"],
        "OS-EXT-STS:power_state": server["power_state"],
        "os-extended-volumes:volumes_attached": volumes,
    }
    if server["status"] in _PROGRESS:
        view["progress"] = 0
    groups = security_group_names(compute, server)
    if groups:
        view["security_groups"] = groups
    if context.is_admin:
        view["OS-EXT-SRV-ATTR:host"] = server.get("host")
        view["OS-EXT-SRV-ATTR:hypervisor_hostname"] = server.get("host")
        view["OS-EXT-SRV-ATTR:instance_name"] = (
            f"instance-{server['_seq']:08x}"
            if server.get("_seq")
            else f"instance-{server['id'][:8]}"
        )
        if version >= (2, 3):
            view.update(
                {
                    "OS-EXT-SRV-ATTR:reservation_id": server["reservation_id"],
                    "OS-EXT-SRV-ATTR:launch_index": server["launch_index"],
                    "OS-EXT-SRV-ATTR:hostname": server["hostname"],
                    "OS-EXT-SRV-ATTR:kernel_id": "",
                    "OS-EXT-SRV-ATTR:ramdisk_id": "",
                    "OS-EXT-SRV-ATTR:root_device_name": "/dev/vda",
                    "OS-EXT-SRV-ATTR:user_data": server["user_data"],
                }
            )
        if version >= (2, 16):
            view["host_status"] = "UP" if server.get("host") else ""
    if version >= (2, 9):
        view["locked"] = server["locked"]
    if version >= (2, 19):
        view["description"] = server["description"]
    if version >= (2, 26):
        view["tags"] = list(server["tags"])
    if version >= (2, 63):
        view["trusted_image_certificates"] = None
    if version >= (2, 71) and single:
        view["server_groups"] = list(server["server_groups"])
    if version >= (2, 73):
        view["locked_reason"] = server["locked_reason"]
    if server.get("fault") and server["status"] in ("ERROR", "DELETED"):
        fault = dict(server["fault"])
        if not context.is_admin:
            fault.pop("details", None)
        view["fault"] = fault
    return view


def flavor_view(base: str, flavor: Record, version: Version, detail: bool = True) -> dict[str, Any]:
    """A flavor at ``version`` (``detail=False`` for ``GET /flavors``)."""
    view: dict[str, Any] = {
        "id": flavor["id"],
        "name": flavor["name"],
        "links": links(base, "flavors", flavor["id"]),
    }
    if version >= (2, 55):
        view["description"] = flavor.get("description")
    if not detail:
        return view
    view.update(
        {
            "ram": flavor["ram"],
            "disk": flavor["disk"],
            "vcpus": flavor["vcpus"],
            "OS-FLV-EXT-DATA:ephemeral": flavor["ephemeral"],
            "OS-FLV-DISABLED:disabled": flavor["OS-FLV-DISABLED:disabled"],
            "swap": flavor["swap"] if (flavor["swap"] or version >= (2, 75)) else "",
            "rxtx_factor": flavor["rxtx_factor"],
            "os-flavor-access:is_public": flavor["os-flavor-access:is_public"],
        }
    )
    if version >= (2, 61):
        view["extra_specs"] = dict(flavor["extra_specs"])
    return view
