"""Nova's typed results, and the microversions the compute proxy speaks.

Nova's answers are read at pinned microversions so that their shape does not depend
on the cloud's default; each constant names the oldest version that has what the
proxy needs.
"""

from __future__ import annotations

from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from ._resource import Resource

__all__ = [
    "ATTACHMENT_MICROVERSION",
    "KEYPAIR_MICROVERSION",
    "SERVER_GROUP_MICROVERSION",
    "SERVER_MICROVERSION",
    "ComputeLimits",
    "Flavor",
    "Keypair",
    "Server",
    "ServerGroup",
    "ServerInterface",
    "VolumeAttachment",
    "regex_escape",
]

# `description` and per-call tags; also what the services' features were written
# against. Older clouds are not supported.
SERVER_MICROVERSION = "2.26"
# `policy` and `rules` instead of the `policies` list.
SERVER_GROUP_MICROVERSION = "2.64"
# Key types, `user_id` for admins, and marker pagination of the list.
KEYPAIR_MICROVERSION = "2.35"
# `tag` and `delete_on_termination` on attachments; below 2.89, which drops `id`.
ATTACHMENT_MICROVERSION = "2.79"


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
    """A volume attached to a server; its `id` is the volume's id."""

    server_id: str = Field(default="", alias="serverId")
    volume_id: str = Field(default="", alias="volumeId")
    device: str | None = None
    tag: str | None = None
    delete_on_termination: bool | None = None


class ServerGroup(Resource):
    name: str = ""
    policy: str = ""
    rules: dict[str, Any] = {}
    members: list[str] = []
    project_id: str | None = None
    user_id: str | None = None


class Keypair(Resource):
    """An SSH key pair; Nova names key pairs per user, so `id` is the name.

    `private_key` is set only in the answer that generated the pair (Nova keeps no
    copy); it is a `SecretStr`, and `raw` never holds it.
    """

    name: str = ""
    public_key: str = ""
    fingerprint: str = ""
    type: str = "ssh"
    user_id: str | None = None
    private_key: SecretStr | None = None

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Self:
        """The key pair in Nova's JSON object `data` (the private key kept out of `raw`)."""
        raw = {k: v for k, v in data.items() if k != "private_key"}
        # Nova's own `id` (shown by GET only) is a database number, not an identifier.
        return cls.model_validate(
            {**raw, "id": data.get("name", ""), "private_key": data.get("private_key"), "raw": raw}
        )


class ServerInterface(Resource):
    """A port plugged into a server, as Nova shows it; `id` is the port's id."""

    net_id: str = ""
    mac_addr: str = ""
    port_state: str | None = None
    fixed_ips: list[dict[str, str]] = []

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Self:
        """The interface in Nova's JSON object `data`."""
        return cls.model_validate({**data, "id": data.get("port_id", ""), "raw": data})


class ComputeLimits(BaseModel):
    """A project's Nova limits and what it uses of them.

    A limit of `-1` is unlimited; `None` means the cloud did not report that limit.
    """

    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)

    max_instances: int | None = Field(default=None, alias="maxTotalInstances")
    max_cores: int | None = Field(default=None, alias="maxTotalCores")
    max_ram: int | None = Field(default=None, alias="maxTotalRAMSize")
    max_keypairs: int | None = Field(default=None, alias="maxTotalKeypairs")
    max_server_meta: int | None = Field(default=None, alias="maxServerMeta")
    max_server_groups: int | None = Field(default=None, alias="maxServerGroups")
    max_server_group_members: int | None = Field(default=None, alias="maxServerGroupMembers")
    instances_used: int = Field(default=0, alias="totalInstancesUsed")
    cores_used: int = Field(default=0, alias="totalCoresUsed")
    ram_used: int = Field(default=0, alias="totalRAMUsed")
    server_groups_used: int = Field(default=0, alias="totalServerGroupsUsed")
    raw: dict[str, Any] = Field(default_factory=dict, repr=False)

    @classmethod
    def from_api(cls, absolute: dict[str, Any]) -> Self:
        """The limits in Nova's `limits.absolute` object."""
        return cls.model_validate({**absolute, "raw": absolute})


def regex_escape(name: str) -> str:
    """`name` as a regular expression that matches only itself, for Nova's name filter."""
    # Nova matches names as POSIX regular expressions in the database.
    return "".join(f"\\{c}" if c in r".^$*+?{}[]\|()" else c for c in name)
