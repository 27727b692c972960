"""Keystone's data: domains, projects, users, roles, assignments, catalog, tokens."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

from stackyard_emulator.errors import keystone_error
from stackyard_emulator.ids import new_hex
from stackyard_emulator.store import Record
from stackyard_emulator.timeutil import utcnow

if TYPE_CHECKING:
    from stackyard_emulator.cloud import Cloud

# Keystone's bootstrap makes admin imply member and member imply reader.
IMPLIED_ROLES = {"admin": ("member",), "member": ("reader",)}
_PROJECT_SUBSTITUTIONS = ("$(project_id)s", "%(project_id)s", "$(tenant_id)s", "%(tenant_id)s")


class Assignment(NamedTuple):
    """One role granted to one user on a project or a domain."""

    user_id: str
    scope_type: str  # "project" or "domain"
    scope_id: str
    role_id: str


@dataclass
class Token:
    """An issued token and the scope it carries."""

    id: str
    user_id: str
    methods: list[str]
    project_id: str | None
    domain_id: str | None
    role_ids: list[str]
    issued_at: datetime
    expires_at: datetime
    audit_ids: list[str] = field(default_factory=list)


class IdentityState:
    """Everything Keystone stores, for one cloud."""

    def __init__(self, cloud: Cloud) -> None:
        self.cloud = cloud
        self.domains: dict[str, Record] = {}
        self.projects: dict[str, Record] = {}
        self.users: dict[str, Record] = {}
        self.roles: dict[str, Record] = {}
        self.assignments: set[Assignment] = set()
        self.services: dict[str, Record] = {}
        self.endpoints: dict[str, Record] = {}
        self.regions: dict[str, Record] = {}
        self.tokens: dict[str, Token] = {}
        self._passwords: dict[str, tuple[bytes, bytes]] = {}

    # ----- passwords -------------------------------------------------------------

    def set_password(self, user_id: str, password: str) -> None:
        """Remember a salted hash of ``password`` (never the password itself)."""
        salt = secrets.token_bytes(16)
        # One salted SHA-256 rather than a slow KDF: this is a test double whose
        # token issue rate is benchmarked; nothing here protects a real secret.
        self._passwords[user_id] = (salt, hashlib.sha256(salt + password.encode()).digest())

    def check_password(self, user_id: str, password: str) -> bool:
        """Whether ``password`` is the user's password."""
        stored = self._passwords.get(user_id)
        if stored is None:
            return False
        salt, digest = stored
        return hmac.compare_digest(digest, hashlib.sha256(salt + password.encode()).digest())

    # ----- lookups ----------------------------------------------------------------

    def domain_ref(self, ref: dict[str, Any] | None) -> Record | None:
        """The domain named by ``{"id": ...}`` or ``{"name": ...}``."""
        if not isinstance(ref, dict):
            return None
        if "id" in ref:
            return self.domains.get(str(ref["id"]))
        if "name" in ref:
            return self.find_by_name(self.domains, str(ref["name"]))
        return None

    @staticmethod
    def find_by_name(
        table: dict[str, Record], name: str, domain_id: str | None = None
    ) -> Record | None:
        """The first record called ``name`` (inside ``domain_id`` when given)."""
        for record in table.values():
            if record["name"] == name and (domain_id is None or record["domain_id"] == domain_id):
                return record
        return None

    def role_by_name(self, name: str) -> Record | None:
        """The global role called ``name``."""
        return self.find_by_name(self.roles, name)

    # ----- assignments ----------------------------------------------------------

    def grant(self, user_id: str, scope_type: str, scope_id: str, role_id: str) -> None:
        """Give the user the role on the project or domain (idempotent)."""
        self.assignments.add(Assignment(user_id, scope_type, scope_id, role_id))

    def revoke(self, user_id: str, scope_type: str, scope_id: str, role_id: str) -> bool:
        """Take the role away; ``False`` when it was not granted."""
        key = Assignment(user_id, scope_type, scope_id, role_id)
        if key not in self.assignments:
            return False
        self.assignments.discard(key)
        return True

    def direct_role_ids(self, user_id: str, scope_type: str, scope_id: str) -> list[str]:
        """Roles granted directly to the user on the scope."""
        return sorted(
            a.role_id
            for a in self.assignments
            if a.user_id == user_id and a.scope_type == scope_type and a.scope_id == scope_id
        )

    def effective_role_ids(self, user_id: str, scope_type: str, scope_id: str) -> list[str]:
        """Direct roles plus the roles they imply."""
        result: list[str] = []
        pending = self.direct_role_ids(user_id, scope_type, scope_id)
        while pending:
            role_id = pending.pop(0)
            if role_id in result or role_id not in self.roles:
                continue
            result.append(role_id)
            for implied in IMPLIED_ROLES.get(self.roles[role_id]["name"], ()):
                implied_role = self.role_by_name(implied)
                if implied_role is not None:
                    pending.append(implied_role["id"])
        return result

    def remove_assignments(self, **match: str) -> None:
        """Forget every assignment whose fields equal ``match`` (cascading deletes)."""
        self.assignments = {
            a for a in self.assignments if any(getattr(a, k) != v for k, v in match.items())
        }

    # ----- tokens -----------------------------------------------------------------

    def issue(
        self, user_id: str, methods: list[str], project_id: str | None, domain_id: str | None
    ) -> Token:
        """A new token for the user with the given scope and the configured lifetime."""
        now = utcnow().replace(microsecond=0)
        if project_id:
            role_ids = self.effective_role_ids(user_id, "project", project_id)
        elif domain_id:
            role_ids = self.effective_role_ids(user_id, "domain", domain_id)
        else:
            role_ids = []
        if (project_id or domain_id) and not role_ids:
            target = f"project {project_id}" if project_id else f"domain {domain_id}"
            raise keystone_error(401, f"User {user_id} has no access to {target}.")
        token = Token(
            id="gAAAAA" + secrets.token_urlsafe(96),
            user_id=user_id,
            methods=methods,
            project_id=project_id,
            domain_id=domain_id,
            role_ids=role_ids,
            issued_at=now,
            expires_at=now + timedelta(seconds=self.cloud.config.token_lifetime),
            audit_ids=[secrets.token_urlsafe(16)[:22]],
        )
        self.tokens[token.id] = token
        return token

    def validate(self, token_id: str | None) -> Token | None:
        """The live token ``token_id`` (not revoked, not expired, owner still enabled)."""
        if not token_id:
            return None
        token = self.tokens.get(token_id)
        if token is None:
            return None
        if utcnow() >= token.expires_at:
            del self.tokens[token_id]
            return None
        user = self.users.get(token.user_id)
        if user is None or not user["enabled"]:
            return None
        if token.project_id is not None:
            project = self.projects.get(token.project_id)
            if project is None or not project["enabled"]:
                return None
        return token

    def revoke_token(self, token_id: str) -> bool:
        """Revoke one token; ``False`` when it is unknown."""
        return self.tokens.pop(token_id, None) is not None

    def revoke_all(self) -> int:
        """Revoke every token; returns how many were live."""
        count = len(self.tokens)
        self.tokens.clear()
        return count

    def revoke_tokens_of(self, user_id: str | None = None, project_id: str | None = None) -> None:
        """Revoke the tokens of a user or a project (disable, delete, password change)."""
        for token_id, token in list(self.tokens.items()):
            if (user_id and token.user_id == user_id) or (
                project_id and token.project_id == project_id
            ):
                del self.tokens[token_id]

    # ----- catalog ----------------------------------------------------------------

    def catalog(self, project_id: str | None) -> list[dict[str, Any]]:
        """The service catalog as a token for ``project_id`` sees it."""
        entries: list[dict[str, Any]] = []
        for service in self.services.values():
            if not service.get("enabled", True):
                continue
            endpoints = []
            for endpoint in self.endpoints.values():
                if endpoint["service_id"] != service["id"] or not endpoint.get("enabled", True):
                    continue
                url = str(endpoint["url"])
                if any(s in url for s in _PROJECT_SUBSTITUTIONS):
                    # Keystone leaves out endpoints it cannot substitute.
                    if not project_id:
                        continue
                    for placeholder in _PROJECT_SUBSTITUTIONS:
                        url = url.replace(placeholder, project_id)
                endpoints.append(
                    {
                        "id": endpoint["id"],
                        "interface": endpoint["interface"],
                        "region_id": endpoint["region_id"],
                        "region": endpoint["region_id"],
                        "url": url,
                    }
                )
            entries.append(
                {
                    "endpoints": endpoints,
                    "id": service["id"],
                    "type": service["type"],
                    "name": service.get("name", ""),
                }
            )
        return entries

    # ----- creation helpers used by the seed and the API ---------------------

    def add_domain(self, name: str, domain_id: str | None = None, **extra: Any) -> Record:
        """Create a domain."""
        record: Record = {
            "id": domain_id or new_hex(),
            "name": name,
            "description": extra.get("description", ""),
            "enabled": extra.get("enabled", True),
            "tags": list(extra.get("tags", [])),
            "options": {},
        }
        self.domains[record["id"]] = record
        return record

    def add_project(self, name: str, domain_id: str, **extra: Any) -> Record:
        """Create a project inside ``domain_id``."""
        record: Record = {
            "id": extra.get("id") or new_hex(),
            "name": name,
            "domain_id": domain_id,
            "description": extra.get("description", ""),
            "enabled": extra.get("enabled", True),
            "parent_id": extra.get("parent_id") or domain_id,
            "is_domain": False,
            "tags": list(extra.get("tags", [])),
            "options": {},
        }
        self.projects[record["id"]] = record
        return record

    def add_user(self, name: str, domain_id: str, password: str | None, **extra: Any) -> Record:
        """Create a user, with a password when one is given."""
        record: Record = {
            "id": extra.get("id") or new_hex(),
            "name": name,
            "domain_id": domain_id,
            "enabled": extra.get("enabled", True),
            "password_expires_at": None,
            "options": {},
        }
        for key in ("default_project_id", "email", "description"):
            if extra.get(key) is not None:
                record[key] = extra[key]
        self.users[record["id"]] = record
        if password is not None:
            self.set_password(record["id"], password)
        return record

    def add_role(self, name: str, **extra: Any) -> Record:
        """Create a global role."""
        record: Record = {
            "id": extra.get("id") or new_hex(),
            "name": name,
            "domain_id": None,
            "description": extra.get("description"),
            "options": {},
        }
        self.roles[record["id"]] = record
        return record

    def add_service(self, service_type: str, name: str, **extra: Any) -> Record:
        """Register a service in the catalog."""
        record: Record = {
            "id": extra.get("id") or new_hex(),
            "type": service_type,
            "name": name,
            "enabled": extra.get("enabled", True),
            "description": extra.get("description", ""),
        }
        self.services[record["id"]] = record
        return record

    def add_endpoint(self, service_id: str, interface: str, url: str, region: str) -> Record:
        """Add an endpoint of ``service_id`` to the catalog."""
        record: Record = {
            "id": new_hex(),
            "service_id": service_id,
            "interface": interface,
            "url": url,
            "region_id": region,
            "region": region,
            "enabled": True,
        }
        self.endpoints[record["id"]] = record
        return record
