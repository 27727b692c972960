"""How to reach one cloud: the Keystone URL, the credentials and the client's limits."""

from __future__ import annotations

import hashlib
import json
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

__all__ = ["CloudConfig", "RetryPolicy"]


class RetryPolicy(BaseModel):
    """When and how fast a failed call is tried again.

    The n-th retry waits a random time between 0 and `min(backoff_cap, backoff_base * 2**n)`
    ("full jitter", so that many clients that failed together do not retry together); a
    429's `Retry-After` is a lower bound, up to `retry_after_cap`.
    """

    model_config = ConfigDict(frozen=True)

    attempts: int = Field(default=4, ge=1, description="Tries in all, the first one included.")
    backoff_base: float = Field(default=0.5, ge=0)
    backoff_cap: float = Field(default=10.0, ge=0)
    retry_after_cap: float = Field(default=60.0, ge=0)


class CloudConfig(BaseModel):
    """One cloud connection: Keystone's URL, password credentials and a scope.

    Only Keystone is configured; the other services' endpoints come from the token's
    catalog, picked by `interface` and `region`. Scope is a project (`project_name` in
    `project_domain_name`, or `project_id`) or, failing that, a domain (`domain_name` or
    `domain_id`).
    """

    model_config = ConfigDict(frozen=True)

    name: str = "default"
    auth_url: str
    username: str
    password: SecretStr
    user_domain_name: str = "Default"
    project_name: str | None = None
    project_id: str | None = None
    project_domain_name: str = "Default"
    domain_name: str | None = None
    domain_id: str | None = None
    interface: Literal["public", "internal", "admin"] = "public"
    region: str | None = None
    verify_ssl: bool = True
    timeout: float = Field(default=60.0, gt=0, description="Seconds per request.")
    max_concurrency: int = Field(default=20, ge=1, description="Calls in flight per cloud.")
    retry: RetryPolicy = RetryPolicy()

    @model_validator(mode="after")
    def _one_scope(self) -> Self:
        project = self.project_name is not None or self.project_id is not None
        domain = self.domain_name is not None or self.domain_id is not None
        if project and domain:
            raise ValueError("scope to a project or to a domain, not both")
        return self

    @property
    def identity_url(self) -> str:
        """Keystone's v3 root, whether `auth_url` names the version or not."""
        url = self.auth_url.rstrip("/")
        return url if url.endswith("/v3") else f"{url}/v3"

    def credentials_digest(self) -> str:
        """SHA-256 of everything that decides which token Keystone issues.

        Two connections with the same digest may share a token; the digest is safe to use
        as a cache key because a password cannot be read back from it.
        """
        material = {
            "auth_url": self.identity_url,
            "username": self.username,
            "password": self.password.get_secret_value(),
            "user_domain_name": self.user_domain_name,
            "project_name": self.project_name,
            "project_id": self.project_id,
            "project_domain_name": self.project_domain_name,
            "domain_name": self.domain_name,
            "domain_id": self.domain_id,
        }
        encoded = json.dumps(material, sort_keys=True).encode()
        return hashlib.sha256(encoded).hexdigest()

    def auth_body(self) -> dict[str, object]:
        """The body of Keystone's `POST /v3/auth/tokens` for these credentials."""
        identity = {
            "methods": ["password"],
            "password": {
                "user": {
                    "name": self.username,
                    "domain": {"name": self.user_domain_name},
                    "password": self.password.get_secret_value(),
                }
            },
        }
        scope: dict[str, object] | None = None
        if self.project_id is not None:
            scope = {"project": {"id": self.project_id}}
        elif self.project_name is not None:
            scope = {
                "project": {"name": self.project_name, "domain": {"name": self.project_domain_name}}
            }
        elif self.domain_id is not None:
            scope = {"domain": {"id": self.domain_id}}
        elif self.domain_name is not None:
            scope = {"domain": {"name": self.domain_name}}
        auth: dict[str, object] = {"identity": identity}
        if scope is not None:
            auth["scope"] = scope
        return {"auth": auth}
