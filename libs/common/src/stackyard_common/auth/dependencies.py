"""FastAPI dependencies: who is calling, verified locally from the request's token.

```python
@router.get("/api/openstack-instances/")
async def instances(user: CurrentUser, session: SessionDep, page: PageDep) -> list[...]:
    query = select(Instance).where(visible_filter(user, Instance.customer_uuid,
                                                  Instance.project_uuid))
```
Both `Authorization: Token <jwt>` and `Authorization: Bearer <jwt>` are accepted. The
verifier lives on `app.state.token_verifier`; a service that sets none gets one that
fetches identity's JWKS (`install_token_verifier` replaces it, e.g. in tests).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, FastAPI, Request, Security
from fastapi.security import APIKeyHeader

from stackyard_common.api.errors import NotAuthenticated, PermissionDenied
from stackyard_common.auth.jwks import RemoteJwks
from stackyard_common.auth.roles import Principal
from stackyard_common.auth.tokens import TokenVerifier

__all__ = [
    "CurrentUser",
    "OptionalUser",
    "StaffUser",
    "authorization_header",
    "bearer_token",
    "install_token_verifier",
    "token_verifier",
]

TOKEN_SCHEMES = ("token", "bearer")

authorization_header = APIKeyHeader(
    name="Authorization",
    scheme_name="TokenAuth",
    description="`Token <jwt>` or `Bearer <jwt>`, the token from `POST /api-auth/password/`.",
    auto_error=False,
)
"""The `Authorization` header, declared once so that OpenAPI shows the security scheme."""


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization` header value, None when there is none.

    Raises `NotAuthenticated` for a header in any other scheme or shape.
    """
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    if scheme.lower() not in TOKEN_SCHEMES or not token or " " in token:
        raise NotAuthenticated("Invalid authorization header.")
    return token


def install_token_verifier(app: FastAPI, verifier: TokenVerifier) -> None:
    """Make `app` verify tokens with `verifier`."""
    app.state.token_verifier = verifier


def token_verifier(request: Request) -> TokenVerifier:
    """The application's verifier, made on first use from its settings when none is set."""
    verifier: TokenVerifier | None = getattr(request.app.state, "token_verifier", None)
    if verifier is None:
        settings = request.app.state.settings
        verifier = TokenVerifier(
            settings, RemoteJwks.from_settings(settings), request.app.state.redis
        )
        install_token_verifier(request.app, verifier)
    return verifier


async def _optional_user(
    request: Request, authorization: Annotated[str | None, Security(authorization_header)]
) -> Principal | None:
    token = bearer_token(authorization)
    if token is None:
        return None
    principal = await token_verifier(request).verify(token)
    request.state.principal = principal
    return principal


async def _current_user(
    principal: Annotated[Principal | None, Depends(_optional_user)],
) -> Principal:
    if principal is None:
        raise NotAuthenticated
    return principal


async def _staff_user(principal: Annotated[Principal, Depends(_current_user)]) -> Principal:
    if not principal.is_staff:
        raise PermissionDenied
    return principal


OptionalUser = Annotated[Principal | None, Depends(_optional_user)]
"""The caller, or None for an anonymous request; a token that fails verification is 401."""

CurrentUser = Annotated[Principal, Depends(_current_user)]
"""The caller; 401 without a valid token."""

StaffUser = Annotated[Principal, Depends(_staff_user)]
"""A staff caller; 401 without a valid token, 403 for anyone but staff."""
