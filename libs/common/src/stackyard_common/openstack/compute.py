"""Nova v2.1: servers and their actions (and, from `ServerPartsProxy` and
`NovaCatalogProxy`, their volume attachments, interfaces and metadata, flavors with
extra specs, availability zones, quotas and limits, key pairs and server groups)."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any, Literal

from ._errors import NotFound
from ._nova import (
    SERVER_MICROVERSION,
    ComputeLimits,
    Flavor,
    Keypair,
    Server,
    ServerGroup,
    ServerInterface,
    VolumeAttachment,
    regex_escape,
)
from ._proxy import only_set
from ._server_parts import ServerPartsProxy
from ._wait import wait_for_delete, wait_for_status

__all__ = [
    "ComputeLimits",
    "ComputeProxy",
    "Flavor",
    "Keypair",
    "Server",
    "ServerGroup",
    "ServerInterface",
    "VolumeAttachment",
]


class ComputeProxy(ServerPartsProxy):
    """Nova calls."""

    # ----- servers -------------------------------------------------------------------

    async def list_servers(self, **filters: str | int | bool) -> list[Server]:
        """Servers with details (`name` is a regular expression to Nova; `all_tenants`...)."""
        return await self._list(
            Server, "/servers/detail", "servers", dict(filters), microversion=SERVER_MICROVERSION
        )

    async def get_server(self, server_id: str) -> Server:
        """The server `server_id`; raises `NotFound`."""
        return await self._get(
            Server, f"/servers/{server_id}", "server", microversion=SERVER_MICROVERSION
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
            filters["name"] = f"^{regex_escape(name)}$"
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
            microversion=SERVER_MICROVERSION,
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
            Server, f"/servers/{server_id}", "server", body, microversion=SERVER_MICROVERSION
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
