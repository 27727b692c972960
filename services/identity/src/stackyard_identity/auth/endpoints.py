"""`/api-auth/password/` (log in), `/api-auth/logout/`, and the JWKS."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from stackyard_common.api import NotAuthenticated, ValidationFailed, error_responses
from stackyard_common.auth import JWKS_PATH, CurrentUser, jwks_document
from stackyard_common.db import SessionDep
from stackyard_identity.auth import service
from stackyard_identity.auth.schemas import Credentials, Jwks, TokenResponse
from stackyard_identity.auth.throttle import TooManyAttempts
from stackyard_identity.deps import KeysDep, RedisDep, SettingsDep

__all__ = ["router"]

router = APIRouter(tags=["auth"])


@router.post(
    "/api-auth/password/",
    responses=error_responses(ValidationFailed, NotAuthenticated, TooManyAttempts),
    summary="Log in with a username and password; answers a signed token",
)
async def log_in(
    request: Request,
    credentials: Credentials,
    session: SessionDep,
    redis: RedisDep,
    settings: SettingsDep,
    keys: KeysDep,
) -> TokenResponse:
    address = request.client.host if request.client else "unknown"
    issued = await service.log_in(
        session,
        request.app.state.database,
        redis,
        settings,
        keys,
        credentials.username,
        credentials.password,
        address,
    )
    return TokenResponse(token=issued.token)


@router.post(
    "/api-auth/logout/",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(NotAuthenticated),
    summary="Revoke the token of this request",
)
async def log_out(
    principal: CurrentUser, session: SessionDep, redis: RedisDep, settings: SettingsDep
) -> Response:
    await service.log_out(session, redis, settings, principal)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(JWKS_PATH, summary="Public keys that verify tokens (JWKS)")
async def jwks(keys: KeysDep) -> Jwks:
    return Jwks.model_validate(jwks_document([keys.signing]))


@router.get("/.well-known/jwks.json", include_in_schema=False)
async def well_known_jwks(keys: KeysDep) -> Jwks:
    return Jwks.model_validate(jwks_document([keys.signing]))
