"""Keystone v3: projects, users, roles and their grants, domains."""

from __future__ import annotations

from typing import Any

from pydantic import SecretStr

from ._errors import NotFound
from ._pagination import paginate
from ._proxy import Proxy, only_set
from ._resource import Resource

__all__ = ["Domain", "IdentityProxy", "Project", "Role", "RoleAssignment", "User"]


class Domain(Resource):
    name: str = ""
    enabled: bool = True
    description: str | None = None


class Project(Resource):
    name: str = ""
    domain_id: str | None = None
    description: str | None = None
    enabled: bool = True
    parent_id: str | None = None
    tags: list[str] = []


class User(Resource):
    name: str = ""
    domain_id: str | None = None
    enabled: bool = True
    default_project_id: str | None = None
    description: str | None = None
    email: str | None = None


class Role(Resource):
    name: str = ""
    domain_id: str | None = None


class RoleAssignment(Resource):
    """One grant of a role to a user on a project or domain (`id` is built from those)."""

    role_id: str
    user_id: str | None = None
    project_id: str | None = None
    domain_id: str | None = None

    @classmethod
    def from_keystone(cls, data: dict[str, Any]) -> RoleAssignment:
        """The assignment Keystone's `role_assignments` list describes."""
        scope = data.get("scope") or {}
        role_id = str((data.get("role") or {}).get("id", ""))
        user_id = (data.get("user") or {}).get("id")
        project_id = (scope.get("project") or {}).get("id")
        domain_id = (scope.get("domain") or {}).get("id")
        ident = ":".join(str(part) for part in (user_id, project_id or domain_id, role_id))
        return cls.model_validate(
            {
                "id": ident,
                "role_id": role_id,
                "user_id": user_id,
                "project_id": project_id,
                "domain_id": domain_id,
                "raw": data,
            }
        )


class IdentityProxy(Proxy):
    """Keystone calls, at the configured `auth_url`."""

    service = "identity"

    # ----- domains -------------------------------------------------------------------

    async def list_domains(self, *, name: str | None = None) -> list[Domain]:
        """Domains, optionally those named `name`."""
        return await self._list(Domain, "/domains", "domains", only_set(name=name))

    async def find_domain(self, name_or_id: str) -> Domain | None:
        """The domain with this id or name, or None."""
        try:
            return await self._get(Domain, f"/domains/{name_or_id}", "domain")
        except NotFound:
            pass  # not an id: looked up by name below
        found = await self.list_domains(name=name_or_id)
        return found[0] if found else None

    # ----- projects ------------------------------------------------------------------

    async def list_projects(
        self,
        *,
        name: str | None = None,
        domain_id: str | None = None,
        tags: list[str] | None = None,
    ) -> list[Project]:
        """Projects, filtered by name, domain and tags (all of them) when given."""
        params = only_set(name=name, domain_id=domain_id, tags=",".join(tags) if tags else None)
        return await self._list(Project, "/projects", "projects", params)

    async def get_project(self, project_id: str) -> Project:
        """The project `project_id`; raises `NotFound`."""
        return await self._get(Project, f"/projects/{project_id}", "project")

    async def find_project(self, name: str, *, domain_id: str | None = None) -> Project | None:
        """The project named `name` (in `domain_id` when given), or None."""
        found = await self.list_projects(name=name, domain_id=domain_id)
        return found[0] if found else None

    async def create_project(
        self,
        name: str,
        *,
        domain_id: str = "default",
        description: str = "",
        enabled: bool = True,
        tags: list[str] | None = None,
        parent_id: str | None = None,
        retry_safe: bool = False,
    ) -> Project:
        """Create a project (Keystone refuses a duplicate name in a domain: `Conflict`)."""
        body = {
            "name": name,
            "domain_id": domain_id,
            "description": description,
            "enabled": enabled,
            **only_set(tags=tags, parent_id=parent_id),
        }
        return await self._create(
            Project, "/projects", "project", {"project": body}, retry_safe=retry_safe
        )

    async def update_project(
        self,
        project_id: str,
        *,
        name: str | None = None,
        description: str | None = None,
        enabled: bool | None = None,
        tags: list[str] | None = None,
    ) -> Project:
        """Change the given fields of a project."""
        body = only_set(name=name, description=description, enabled=enabled, tags=tags)
        return await self._update(
            Project, f"/projects/{project_id}", "project", {"project": body}, method="PATCH"
        )

    async def delete_project(self, project_id: str, *, ignore_missing: bool = True) -> bool:
        """Delete a project; False when it was already gone (and `ignore_missing`)."""
        return await self._delete(f"/projects/{project_id}", ignore_missing=ignore_missing)

    # ----- users ---------------------------------------------------------------------

    async def list_users(
        self, *, name: str | None = None, domain_id: str | None = None
    ) -> list[User]:
        """Users, filtered by name and domain when given."""
        return await self._list(User, "/users", "users", only_set(name=name, domain_id=domain_id))

    async def get_user(self, user_id: str) -> User:
        """The user `user_id`; raises `NotFound`."""
        return await self._get(User, f"/users/{user_id}", "user")

    async def find_user(self, name: str, *, domain_id: str | None = None) -> User | None:
        """The user named `name` (in `domain_id` when given), or None."""
        found = await self.list_users(name=name, domain_id=domain_id)
        return found[0] if found else None

    async def create_user(
        self,
        name: str,
        password: SecretStr,
        *,
        domain_id: str = "default",
        default_project_id: str | None = None,
        email: str | None = None,
        description: str | None = None,
        enabled: bool = True,
        retry_safe: bool = False,
    ) -> User:
        """Create a user with a password (which is sent, never logged)."""
        body = {
            "name": name,
            "password": password.get_secret_value(),
            "domain_id": domain_id,
            "enabled": enabled,
            **only_set(default_project_id=default_project_id, email=email, description=description),
        }
        return await self._create(User, "/users", "user", {"user": body}, retry_safe=retry_safe)

    async def update_user(
        self,
        user_id: str,
        *,
        name: str | None = None,
        password: SecretStr | None = None,
        enabled: bool | None = None,
        default_project_id: str | None = None,
        email: str | None = None,
        description: str | None = None,
    ) -> User:
        """Change the given fields of a user (a new password too)."""
        body = only_set(
            name=name,
            password=password.get_secret_value() if password is not None else None,
            enabled=enabled,
            default_project_id=default_project_id,
            email=email,
            description=description,
        )
        return await self._update(User, f"/users/{user_id}", "user", {"user": body}, method="PATCH")

    async def delete_user(self, user_id: str, *, ignore_missing: bool = True) -> bool:
        """Delete a user; False when it was already gone (and `ignore_missing`)."""
        return await self._delete(f"/users/{user_id}", ignore_missing=ignore_missing)

    # ----- roles and grants ----------------------------------------------------------

    async def list_roles(self, *, name: str | None = None) -> list[Role]:
        """Roles, optionally those named `name`."""
        return await self._list(Role, "/roles", "roles", only_set(name=name))

    async def find_role(self, name: str) -> Role | None:
        """The role named `name` (e.g. "member", "admin"), or None."""
        found = await self.list_roles(name=name)
        return found[0] if found else None

    async def grant_project_role(self, project_id: str, user_id: str, role_id: str) -> None:
        """Give `user_id` the role `role_id` on `project_id` (granting twice is harmless)."""
        await self._call("PUT", f"/projects/{project_id}/users/{user_id}/roles/{role_id}")

    async def revoke_project_role(
        self, project_id: str, user_id: str, role_id: str, *, ignore_missing: bool = True
    ) -> bool:
        """Take the role back; False when it was not granted (and `ignore_missing`)."""
        return await self._delete(
            f"/projects/{project_id}/users/{user_id}/roles/{role_id}",
            ignore_missing=ignore_missing,
        )

    async def has_project_role(self, project_id: str, user_id: str, role_id: str) -> bool:
        """Whether `user_id` holds `role_id` on `project_id` (directly)."""
        try:
            await self._call("HEAD", f"/projects/{project_id}/users/{user_id}/roles/{role_id}")
        except NotFound:
            return False
        return True

    async def list_role_assignments(
        self,
        *,
        user_id: str | None = None,
        project_id: str | None = None,
        role_id: str | None = None,
    ) -> list[RoleAssignment]:
        """Role grants, filtered by user, project and role when given."""
        params = {
            "user.id": user_id,
            "scope.project.id": project_id,
            "role.id": role_id,
        }
        items = paginate(
            self._session, self.service, "/role_assignments", "role_assignments", params=params
        )
        return [RoleAssignment.from_keystone(item) async for item in items]
