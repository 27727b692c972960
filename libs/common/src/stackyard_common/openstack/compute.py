"""Nova v2.1: servers and their actions, flavors, availability zones, quotas."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field

from ._errors import NotFound
from ._proxy import Proxy, only_set, quota_limits
from ._resource import Resource
from ._wait import wait_for_delete, wait_for_status

__all__ = ["ComputeProxy", "Flavor", "Server", "VolumeAttachment"]

# The lowest microversion that gives `description` and per-call tags; also what the
# services' features were written against. Older clouds are not supported.
_SERVER_MICROVERSION = "2.26"


class Server(Resource):
    name: str = ""
    status: str | None = None
    task_state: str | None = Field(default=None, alias="OS-EXT-STS:task_state")
    vm_state: str | None = Field(default=None, alias="OS-EXT-STS:vm_state")
    power_state: int | None = Field(default=None, alias="OS-EXT-STS:power_state")
    availability_zone: str | None = Field(default=None, alias="OS-EXT-AZ:availability_zone")
    flavor: dict[str, Any] = {}
    image: dict[str, Any] | str | None = None
    metadata: dict[str, str] = {}
    addresses: dict[str, list[dict[str, Any]]] = {}
    key_name: str | None = None
    tenant_id: str | None = None
    description: str | None = None
    tags: list[str] = []
    fault: dict[str, Any] | None = None
    created: str | None = None
    updated: str | None = None


class Flavor(Resource):
    name: str = ""
    vcpus: int = 0
    ram: int = 0
    disk: int = 0
    ephemeral: int = Field(default=0, alias="OS-FLV-EXT-DATA:ephemeral")
    is_public: bool = Field(default=True, alias="os-flavor-access:is_public")


class VolumeAttachment(Resource):
    server_id: str = Field(default="", alias="serverId")
    volume_id: str = Field(default="", alias="volumeId")
    device: str | None = None


class ComputeProxy(Proxy):
    """Nova calls."""

    service = "compute"

    # ----- servers -------------------------------------------------------------------

    async def list_servers(self, **filters: str | int | bool) -> list[Server]:
        """Servers with details (`name` is a regular expression to Nova; `all_tenants`...)."""
        return await self._list(
            Server, "/servers/detail", "servers", dict(filters), microversion=_SERVER_MICROVERSION
        )

    async def get_server(self, server_id: str) -> Server:
        """The server `server_id`; raises `NotFound`."""
        return await self._get(
            Server, f"/servers/{server_id}", "server", microversion=_SERVER_MICROVERSION
        )

    async def find_server(
        self, *, name: str | None = None, metadata: Mapping[str, str] | None = None
    ) -> Server | None:
        """A server with exactly this name and all of this metadata, or None.

        For sagas: look for the server a previous attempt may have created before
        creating it again. Nova filters names by regular expression, so the exact match
        is checked here.
        """
        filters: dict[str, str] = {}
        if name is not None:
            filters["name"] = f"^{_regex_escape(name)}$"
        for server in await self.list_servers(**filters):
            if name is not None and server.name != name:
                continue
            if metadata and any(server.metadata.get(k) != v for k, v in metadata.items()):
                continue
            return server
        return None

    async def create_server(
        self,
        name: str,
        flavor_id: str,
        *,
        image_id: str | None = None,
        networks: list[dict[str, str]] | Literal["auto", "none"] = "auto",
        block_device_mapping: list[dict[str, Any]] | None = None,
        security_groups: list[str] | None = None,
        key_name: str | None = None,
        metadata: Mapping[str, str] | None = None,
        user_data: str | None = None,
        availability_zone: str | None = None,
        server_group_id: str | None = None,
        description: str | None = None,
        config_drive: bool | None = None,
        retry_safe: bool = False,
    ) -> Server:
        """Ask Nova to build a server; it starts in BUILD (see `wait_for_server`).

        `networks` takes Nova's `[{"uuid": ...}, {"port": ...}]` form. The answer has
        little more than the id; the admin password Nova may return is dropped.
        """
        server: dict[str, Any] = {
            "name": name,
            "flavorRef": flavor_id,
            "networks": networks,
            **only_set(
                imageRef=image_id,
                block_device_mapping_v2=block_device_mapping,
                key_name=key_name,
                metadata=dict(metadata) if metadata else None,
                availability_zone=availability_zone,
                description=description,
                config_drive=config_drive,
            ),
        }
        if security_groups:
            server["security_groups"] = [{"name": group} for group in security_groups]
        if user_data is not None:
            server["user_data"] = base64.b64encode(user_data.encode()).decode()
        body: dict[str, Any] = {"server": server}
        if server_group_id:
            body["os:scheduler_hints"] = {"group": server_group_id}
        response = await self._call(
            "POST",
            "/servers",
            json=body,
            retry_safe=retry_safe,
            microversion=_SERVER_MICROVERSION,
        )
        data = dict(response.json()["server"])
        data.pop("adminPass", None)  # a secret: it must not travel in logs or results
        return Server.from_api(data)

    async def update_server(
        self, server_id: str, *, name: str | None = None, description: str | None = None
    ) -> Server:
        """Rename a server or change its description."""
        body = {"server": only_set(name=name, description=description)}
        return await self._update(
            Server, f"/servers/{server_id}", "server", body, microversion=_SERVER_MICROVERSION
        )

    async def set_server_metadata(self, server_id: str, metadata: Mapping[str, str]) -> None:
        """Add or change metadata items (others are kept)."""
        await self._call(
            "POST",
            f"/servers/{server_id}/metadata",
            json={"metadata": dict(metadata)},
            retry_safe=True,  # merging the same items twice gives the same result
        )

    async def delete_server(
        self, server_id: str, *, ignore_missing: bool = True, force: bool = False
    ) -> bool:
        """Delete a server (`force` skips a soft-delete grace period)."""
        if force:
            try:
                await self._action(f"/servers/{server_id}/action", {"forceDelete": None})
            except NotFound:
                if ignore_missing:
                    return False
                raise
            return True
        return await self._delete(f"/servers/{server_id}", ignore_missing=ignore_missing)

    async def wait_for_server(
        self,
        server_id: str,
        status: str = "ACTIVE",
        *,
        failures: tuple[str, ...] = ("ERROR",),
        timeout: float = 600.0,
        interval: float = 2.0,
    ) -> Server:
        """Poll the server until it is in `status`; see `wait_for_status`."""
        return await wait_for_status(
            lambda: self.get_server(server_id),
            status,
            failures=failures,
            timeout=timeout,
            interval=interval,
        )

    async def wait_for_server_delete(
        self, server_id: str, *, timeout: float = 600.0, interval: float = 2.0
    ) -> None:
        """Poll until the server is gone; see `wait_for_delete`."""
        await wait_for_delete(
            lambda: self.get_server(server_id),
            timeout=timeout,
            interval=interval,
            failures=("ERROR",),
        )

    # ----- server actions ------------------------------------------------------------

    async def start_server(self, server_id: str) -> None:
        """Power on a SHUTOFF server."""
        await self._action(f"/servers/{server_id}/action", {"os-start": None})

    async def stop_server(self, server_id: str) -> None:
        """Power off an ACTIVE server."""
        await self._action(f"/servers/{server_id}/action", {"os-stop": None})

    async def reboot_server(self, server_id: str, *, hard: bool = False) -> None:
        """Reboot (soft by default)."""
        kind = "HARD" if hard else "SOFT"
        await self._action(f"/servers/{server_id}/action", {"reboot": {"type": kind}})

    async def resize_server(self, server_id: str, flavor_id: str) -> None:
        """Start a resize; the server goes to VERIFY_RESIZE, then confirm or revert."""
        await self._action(f"/servers/{server_id}/action", {"resize": {"flavorRef": flavor_id}})

    async def confirm_resize(self, server_id: str) -> None:
        """Keep the new flavor of a server in VERIFY_RESIZE."""
        await self._action(f"/servers/{server_id}/action", {"confirmResize": None})

    async def revert_resize(self, server_id: str) -> None:
        """Go back to the old flavor of a server in VERIFY_RESIZE."""
        await self._action(f"/servers/{server_id}/action", {"revertResize": None})

    async def rebuild_server(self, server_id: str, image_id: str) -> None:
        """Rebuild the server from `image_id`."""
        await self._action(f"/servers/{server_id}/action", {"rebuild": {"imageRef": image_id}})

    async def add_security_group(self, server_id: str, group_name: str) -> None:
        """Add a security group to every port of the server."""
        body = {"addSecurityGroup": {"name": group_name}}
        await self._action(f"/servers/{server_id}/action", body)

    async def remove_security_group(self, server_id: str, group_name: str) -> None:
        """Remove a security group from the server's ports."""
        body = {"removeSecurityGroup": {"name": group_name}}
        await self._action(f"/servers/{server_id}/action", body)

    async def get_console_url(self, server_id: str, protocol: str = "vnc") -> str:
        """A URL of the server's remote console (noVNC for "vnc")."""
        console_type = {"vnc": "novnc", "spice": "spice-html5", "serial": "serial"}[protocol]
        body = {"remote_console": {"protocol": protocol, "type": console_type}}
        response = await self._call(
            "POST",
            f"/servers/{server_id}/remote-consoles",
            json=body,
            microversion="2.6",
            retry_safe=True,  # asking for another console URL creates nothing lasting
        )
        return str(response.json()["remote_console"]["url"])

    # ----- volume attachments --------------------------------------------------------

    async def attach_volume(
        self, server_id: str, volume_id: str, *, device: str | None = None
    ) -> VolumeAttachment:
        """Attach a Cinder volume to the server."""
        body = {"volumeAttachment": {"volumeId": volume_id, **only_set(device=device)}}
        return await self._create(
            VolumeAttachment,
            f"/servers/{server_id}/os-volume_attachments",
            "volumeAttachment",
            body,
        )

    async def list_volume_attachments(self, server_id: str) -> list[VolumeAttachment]:
        """The volumes attached to the server."""
        return await self._list(
            VolumeAttachment, f"/servers/{server_id}/os-volume_attachments", "volumeAttachments"
        )

    async def detach_volume(
        self, server_id: str, volume_id: str, *, ignore_missing: bool = True
    ) -> bool:
        """Detach a volume; False when it was not attached (and `ignore_missing`)."""
        return await self._delete(
            f"/servers/{server_id}/os-volume_attachments/{volume_id}",
            ignore_missing=ignore_missing,
        )

    # ----- flavors, zones, quotas ----------------------------------------------------

    async def list_flavors(self, *, is_public: bool | None = None) -> list[Flavor]:
        """Flavors with details."""
        return await self._list(Flavor, "/flavors/detail", "flavors", only_set(is_public=is_public))

    async def get_flavor(self, flavor_id: str) -> Flavor:
        """The flavor `flavor_id`; raises `NotFound`."""
        return await self._get(Flavor, f"/flavors/{flavor_id}", "flavor")

    async def find_flavor(self, name: str) -> Flavor | None:
        """The flavor named `name`, or None."""
        return next((f for f in await self.list_flavors() if f.name == name), None)

    async def list_availability_zones(self) -> list[str]:
        """Names of the availability zones that are up."""
        response = await self._call("GET", "/os-availability-zone")
        zones = response.json().get("availabilityZoneInfo", [])
        return [
            str(zone["zoneName"])
            for zone in zones
            if (zone.get("zoneState") or {}).get("available", True)
        ]

    async def get_quotas(self, project_id: str) -> dict[str, int]:
        """The project's Nova quota limits (cores, instances, ram, ...)."""
        response = await self._call("GET", f"/os-quota-sets/{project_id}")
        return quota_limits(response.json()["quota_set"])

    async def set_quotas(self, project_id: str, **limits: int) -> dict[str, int]:
        """Change the given Nova quota limits; returns all of them."""
        response = await self._call(
            "PUT", f"/os-quota-sets/{project_id}", json={"quota_set": limits}
        )
        return quota_limits(response.json()["quota_set"])


def _regex_escape(name: str) -> str:
    # Nova matches names as POSIX regular expressions in the database.
    return "".join(f"\\{c}" if c in r".^$*+?{}[]\|()" else c for c in name)
