"""Nova calls around the servers: flavors and their extra specs, availability zones,
quotas and limits, key pairs, server groups."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from ._nova import (
    KEYPAIR_MICROVERSION,
    SERVER_GROUP_MICROVERSION,
    ComputeLimits,
    Flavor,
    Keypair,
    ServerGroup,
)
from ._pagination import paginate
from ._proxy import Proxy, available_zones, only_set, quota_limits

__all__ = ["NovaCatalogProxy"]

# Nova pages server groups by offset and cuts every page at its own `max_limit`.
_GROUP_PAGE = 1000


class NovaCatalogProxy(Proxy):
    """What servers are built from and limited by; `ComputeProxy` adds the servers."""

    service = "compute"

    # ----- flavors -------------------------------------------------------------------

    async def list_flavors(self, *, is_public: bool | None = None) -> list[Flavor]:
        """Flavors with details."""
        return await self._list(Flavor, "/flavors/detail", "flavors", only_set(is_public=is_public))

    async def get_flavor(self, flavor_id: str) -> Flavor:
        """The flavor `flavor_id`; raises `NotFound`."""
        return await self._get(Flavor, f"/flavors/{flavor_id}", "flavor")

    async def find_flavor(self, name: str) -> Flavor | None:
        """The flavor named `name`, or None."""
        return next((f for f in await self.list_flavors() if f.name == name), None)

    async def get_flavor_extra_specs(self, flavor_id: str) -> dict[str, str]:
        """Every extra spec of the flavor (`hw:cpu_policy`, ...); raises `NotFound`."""
        response = await self._call("GET", f"/flavors/{flavor_id}/os-extra_specs")
        return {str(k): str(v) for k, v in response.json()["extra_specs"].items()}

    async def get_flavor_extra_spec(self, flavor_id: str, key: str) -> str:
        """One extra spec; raises `NotFound` when the flavor lacks it (or is unknown)."""
        response = await self._call(
            "GET", f"/flavors/{flavor_id}/os-extra_specs/{quote(key, safe='')}"
        )
        return str(response.json()[key])

    # ----- availability zones, quotas, limits ----------------------------------------

    async def list_availability_zones(self) -> list[str]:
        """Names of the compute availability zones that are up."""
        response = await self._call("GET", "/os-availability-zone")
        return available_zones(response.json())

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

    async def get_limits(self, project_id: str | None = None) -> ComputeLimits:
        """The limits of the token's project and what it uses (another project's for an
        admin who names it)."""
        response = await self._call("GET", "/limits", params=only_set(tenant_id=project_id))
        return ComputeLimits.from_api(response.json()["limits"]["absolute"])

    # ----- key pairs -----------------------------------------------------------------

    async def list_keypairs(self, *, user_id: str | None = None) -> list[Keypair]:
        """The key pairs of the token's user (of `user_id`, for an admin), by name."""
        return [
            Keypair.from_api(item["keypair"])
            async for item in paginate(
                self._session,
                self.service,
                "/os-keypairs",
                "keypairs",
                params=only_set(user_id=user_id),
                microversion=KEYPAIR_MICROVERSION,
            )
        ]

    async def get_keypair(self, name: str, *, user_id: str | None = None) -> Keypair:
        """The key pair `name` of the token's user (or of `user_id`); raises `NotFound`."""
        response = await self._call(
            "GET",
            f"/os-keypairs/{quote(name, safe='')}",
            params=only_set(user_id=user_id),
            microversion=KEYPAIR_MICROVERSION,
        )
        return Keypair.from_api(response.json()["keypair"])

    async def create_keypair(
        self, name: str, *, public_key: str | None = None, user_id: str | None = None
    ) -> Keypair:
        """Import `public_key` (OpenSSH format) as key pair `name`, or, without one, have
        Nova generate a pair and return its private key, this once.

        Names are unique per user: an existing name raises `Conflict`. Never retried,
        since a generated private key cannot be read again.
        """
        body = {"keypair": {"name": name, **only_set(public_key=public_key, user_id=user_id)}}
        response = await self._call(
            "POST", "/os-keypairs", json=body, microversion=KEYPAIR_MICROVERSION
        )
        return Keypair.from_api(response.json()["keypair"])

    async def delete_keypair(
        self, name: str, *, user_id: str | None = None, ignore_missing: bool = True
    ) -> bool:
        """Delete a key pair; False when it was already gone (and `ignore_missing`)."""
        return await self._delete(
            f"/os-keypairs/{quote(name, safe='')}",
            ignore_missing=ignore_missing,
            params=only_set(user_id=user_id),
            microversion=KEYPAIR_MICROVERSION,
        )

    # ----- server groups -------------------------------------------------------------

    async def list_server_groups(self, *, all_projects: bool = False) -> list[ServerGroup]:
        """The project's server groups (every project's for an admin with `all_projects`).

        Nova pages this list by offset, without links: pages are read until one is
        empty, so that a cloud with a smaller page limit is still read to the end.
        """
        groups: list[ServerGroup] = []
        while True:
            params: dict[str, Any] = {"limit": _GROUP_PAGE, "offset": len(groups)}
            if all_projects:
                params["all_projects"] = True
            response = await self._call(
                "GET", "/os-server-groups", params=params, microversion=SERVER_GROUP_MICROVERSION
            )
            page = response.json().get("server_groups") or []
            if not page:
                return groups
            groups.extend(ServerGroup.from_api(item) for item in page)

    async def get_server_group(self, group_id: str) -> ServerGroup:
        """The server group `group_id` with its members; raises `NotFound`."""
        return await self._get(
            ServerGroup,
            f"/os-server-groups/{group_id}",
            "server_group",
            microversion=SERVER_GROUP_MICROVERSION,
        )

    async def find_server_group(self, name: str) -> ServerGroup | None:
        """The project's server group named exactly `name` (the oldest if several), or None.

        For sagas: Nova does not make names unique, so look before creating.
        """
        return next((g for g in await self.list_server_groups() if g.name == name), None)

    async def create_server_group(
        self,
        name: str,
        policy: str,
        *,
        max_server_per_host: int | None = None,
        retry_safe: bool = False,
    ) -> ServerGroup:
        """Create a server group with `policy` ("affinity", "anti-affinity",
        "soft-affinity" or "soft-anti-affinity"); `max_server_per_host` only with
        "anti-affinity"."""
        group: dict[str, Any] = {"name": name, "policy": policy}
        if max_server_per_host is not None:
            group["rules"] = {"max_server_per_host": max_server_per_host}
        return await self._create(
            ServerGroup,
            "/os-server-groups",
            "server_group",
            {"server_group": group},
            retry_safe=retry_safe,
            microversion=SERVER_GROUP_MICROVERSION,
        )

    async def delete_server_group(self, group_id: str, *, ignore_missing: bool = True) -> bool:
        """Delete a server group (its servers keep running); False when already gone."""
        return await self._delete(
            f"/os-server-groups/{group_id}",
            ignore_missing=ignore_missing,
            microversion=SERVER_GROUP_MICROVERSION,
        )
