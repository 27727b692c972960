"""Token checking shared by every service (what keystonemiddleware does in front of each)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends
from starlette.requests import Request

from .cloud import Cloud
from .errors import service_error, unauthorized
from .identity.state import Token

SERVICE_PREFIXES = {
    "identity": "/identity",
    "compute": "/compute",
    "network": "/network",
    "volume": "/volume",
    "image": "/image",
    "control": "/_emulator",
}


def service_of(path: str) -> str | None:
    """Which emulated service a request path belongs to."""
    for service, prefix in SERVICE_PREFIXES.items():
        if path == prefix or path.startswith(prefix + "/"):
            return service
    return None


@dataclass(frozen=True)
class AuthContext:
    """Who is calling, as their token says."""

    token: Token
    user_id: str
    project_id: str | None
    domain_id: str | None
    role_names: frozenset[str]

    @property
    def is_admin(self) -> bool:
        """Whether the caller holds the ``admin`` role (cloud admin, as in legacy policy)."""
        return "admin" in self.role_names

    @property
    def project(self) -> str:
        """The scoped project id (project-scoped services only)."""
        return self.project_id or ""


def get_cloud(request: Request) -> Cloud:
    """The cloud this app serves."""
    cloud: Cloud = request.app.state.cloud
    return cloud


async def cloud_dependency(request: Request) -> Cloud:
    """:func:`get_cloud` as a dependency (async: FastAPI runs sync ones in a thread pool)."""
    return get_cloud(request)


async def authenticate(request: Request) -> AuthContext:
    """:func:`context_of` as a dependency."""
    return context_of(request)


def context_of(request: Request) -> AuthContext:
    """The caller's context from ``X-Auth-Token``; 401 when missing, expired or revoked."""
    cloud = get_cloud(request)
    token = cloud.identity.validate(request.headers.get("x-auth-token"))
    if token is None:
        raise unauthorized(service_of(request.url.path), cloud.config.base_url)
    roles = frozenset(
        cloud.identity.roles[r]["name"] for r in token.role_ids if r in cloud.identity.roles
    )
    return AuthContext(token, token.user_id, token.project_id, token.domain_id, roles)


async def project_scoped(request: Request) -> AuthContext:
    """Like :func:`authenticate`, and the token must be scoped to a project."""
    context = context_of(request)
    if context.project_id is None:
        raise service_error(
            service_of(request.url.path), 403, "A project-scoped token is required."
        )
    return context


CloudDep = Annotated[Cloud, Depends(cloud_dependency)]
AuthDep = Annotated[AuthContext, Depends(authenticate)]
ProjectAuthDep = Annotated[AuthContext, Depends(project_scoped)]
