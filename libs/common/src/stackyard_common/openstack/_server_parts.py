"""Nova calls on what a server holds: volume attachments, interfaces, metadata."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote

from ._compute_catalog import NovaCatalogProxy
from ._nova import ATTACHMENT_MICROVERSION, ServerInterface, VolumeAttachment
from ._proxy import only_set

__all__ = ["ServerPartsProxy"]


class ServerPartsProxy(NovaCatalogProxy):
    """A server's volumes, ports and metadata; `ComputeProxy` adds the servers."""

    # ----- volume attachments --------------------------------------------------------

    async def attach_volume(
        self,
        server_id: str,
        volume_id: str,
        *,
        device: str | None = None,
        tag: str | None = None,
        delete_on_termination: bool | None = None,
    ) -> VolumeAttachment:
        """Attach a Cinder volume to the server.

        Nova answers at once; the volume is `attaching`, then `in-use` (wait with
        `volume.wait_for_volume(volume_id, "in-use")`). `delete_on_termination` makes
        deleting the server delete the volume too. Never retried: a repeat would be a
        409, or a second attachment of a multi-attach volume.
        """
        attachment = {
            "volumeId": volume_id,
            **only_set(device=device, tag=tag, delete_on_termination=delete_on_termination),
        }
        return await self._create(
            VolumeAttachment,
            f"/servers/{server_id}/os-volume_attachments",
            "volumeAttachment",
            {"volumeAttachment": attachment},
            microversion=ATTACHMENT_MICROVERSION,
        )

    async def list_volume_attachments(self, server_id: str) -> list[VolumeAttachment]:
        """The volumes attached to the server."""
        return await self._list(
            VolumeAttachment,
            f"/servers/{server_id}/os-volume_attachments",
            "volumeAttachments",
            microversion=ATTACHMENT_MICROVERSION,
        )

    async def get_volume_attachment(self, server_id: str, volume_id: str) -> VolumeAttachment:
        """The attachment of `volume_id` to the server; raises `NotFound` when the volume
        is not attached to it (or the server is unknown)."""
        return await self._get(
            VolumeAttachment,
            f"/servers/{server_id}/os-volume_attachments/{volume_id}",
            "volumeAttachment",
            microversion=ATTACHMENT_MICROVERSION,
        )

    async def detach_volume(
        self, server_id: str, volume_id: str, *, ignore_missing: bool = True
    ) -> bool:
        """Start detaching a volume (it goes `detaching`, then `available`); False when
        it was not attached (and `ignore_missing`)."""
        return await self._delete(
            f"/servers/{server_id}/os-volume_attachments/{volume_id}",
            ignore_missing=ignore_missing,
        )

    # ----- interfaces ----------------------------------------------------------------

    async def list_server_interfaces(self, server_id: str) -> list[ServerInterface]:
        """The ports plugged into the server, with their fixed IPs."""
        return await self._list(
            ServerInterface, f"/servers/{server_id}/os-interface", "interfaceAttachments"
        )

    # ----- metadata ------------------------------------------------------------------

    async def get_server_metadata(self, server_id: str) -> dict[str, str]:
        """Every metadata item of the server; raises `NotFound` for an unknown server."""
        response = await self._call("GET", f"/servers/{server_id}/metadata")
        return {str(k): str(v) for k, v in response.json()["metadata"].items()}

    async def set_server_metadata(
        self, server_id: str, metadata: Mapping[str, str]
    ) -> dict[str, str]:
        """Add or change metadata items (others are kept); returns all of them."""
        response = await self._call(
            "POST",
            f"/servers/{server_id}/metadata",
            json={"metadata": dict(metadata)},
            retry_safe=True,  # merging the same items twice gives the same result
        )
        return {str(k): str(v) for k, v in response.json()["metadata"].items()}

    async def replace_server_metadata(
        self, server_id: str, metadata: Mapping[str, str]
    ) -> dict[str, str]:
        """Make `metadata` the server's only metadata; returns it as Nova stored it."""
        response = await self._call(
            "PUT", f"/servers/{server_id}/metadata", json={"metadata": dict(metadata)}
        )
        return {str(k): str(v) for k, v in response.json()["metadata"].items()}

    async def delete_server_metadata_item(
        self, server_id: str, key: str, *, ignore_missing: bool = True
    ) -> bool:
        """Remove one metadata item; False when the server had no such item (and
        `ignore_missing`)."""
        return await self._delete(
            f"/servers/{server_id}/metadata/{quote(key, safe='')}",
            ignore_missing=ignore_missing,
        )
