"""Keystone version discovery and the ``/v3/auth`` API (token issue, validation, revocation)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from stackyard_emulator.auth import AuthDep, CloudDep
from stackyard_emulator.cloud import Cloud
from stackyard_emulator.errors import ApiError, keystone_error
from stackyard_emulator.timeutil import iso_micro_z
from stackyard_emulator.web import empty, read_json, reply

from .state import Token

router = APIRouter(prefix="/identity")

_UPDATED = "2020-04-07T00:00:00Z"


def _bad(message: str) -> ApiError:
    return keystone_error(400, message)


def version_document(cloud: Cloud) -> dict[str, Any]:
    """Keystone's v3 version entry."""
    return {
        "id": "v3.14",
        "status": "stable",
        "updated": _UPDATED,
        "links": [{"rel": "self", "href": f"{cloud.config.base_url}/identity/v3/"}],
        "media-types": [
            {"base": "application/json", "type": "application/vnd.openstack.identity-v3+json"}
        ],
    }


@router.get("")
@router.get("/")
async def versions(cloud: CloudDep) -> Response:
    """The versions Keystone offers (300 Multiple Choices, as Keystone answers)."""
    return reply({"versions": {"values": [version_document(cloud)]}}, status=300)


@router.get("/v3")
@router.get("/v3/")
async def version_v3(cloud: CloudDep) -> Response:
    """The v3 version document."""
    return reply({"version": version_document(cloud)})


def token_body(cloud: Cloud, token: Token, with_catalog: bool = True) -> dict[str, Any]:
    """The ``{"token": ...}`` body Keystone returns on issue and validation."""
    ident = cloud.identity
    user = ident.users[token.user_id]
    user_domain = ident.domains.get(user["domain_id"], {"id": user["domain_id"], "name": ""})
    body: dict[str, Any] = {
        "methods": token.methods,
        "user": {
            "domain": {"id": user_domain["id"], "name": user_domain["name"]},
            "id": user["id"],
            "name": user["name"],
            "password_expires_at": None,
        },
        "audit_ids": token.audit_ids,
        "expires_at": iso_micro_z(token.expires_at),
        "issued_at": iso_micro_z(token.issued_at),
    }
    if token.project_id is not None:
        project = ident.projects[token.project_id]
        domain = ident.domains.get(project["domain_id"], {"id": project["domain_id"], "name": ""})
        body["project"] = {
            "domain": {"id": domain["id"], "name": domain["name"]},
            "id": project["id"],
            "name": project["name"],
        }
        body["is_domain"] = False
    elif token.domain_id is not None:
        domain = ident.domains[token.domain_id]
        body["domain"] = {"id": domain["id"], "name": domain["name"]}
    if token.project_id is not None or token.domain_id is not None:
        body["roles"] = [
            {"id": r, "name": ident.roles[r]["name"]} for r in token.role_ids if r in ident.roles
        ]
        if with_catalog:
            body["catalog"] = ident.catalog(token.project_id)
    return {"token": body}


def _authenticate_user(cloud: Cloud, identity: dict[str, Any]) -> tuple[str, list[str]]:
    """The user id a password or token identity proves, and the methods used."""
    ident = cloud.identity
    methods = identity.get("methods")
    if not isinstance(methods, list) or not methods:
        raise _bad("Expecting to find methods in identity. The server could not comply.")
    denied = keystone_error(401, "The request you have made requires authentication.")
    if "password" in methods:
        user_ref = (identity.get("password") or {}).get("user")
        if not isinstance(user_ref, dict):
            raise _bad("Expecting to find user in password. The server could not comply.")
        if "id" in user_ref:
            user = ident.users.get(str(user_ref["id"]))
        else:
            domain = ident.domain_ref(user_ref.get("domain"))
            if domain is None or "name" not in user_ref:
                raise denied
            user = ident.find_by_name(ident.users, str(user_ref["name"]), domain["id"])
        if user is None or not ident.check_password(user["id"], str(user_ref.get("password"))):
            raise denied
        if not user["enabled"]:
            raise denied
        return user["id"], ["password"]
    if "token" in methods:
        token_ref = identity.get("token") or {}
        token = ident.validate(str(token_ref.get("id", "")))
        if token is None:
            raise denied
        return token.user_id, ["token"]
    raise keystone_error(401, f"Attempted to authenticate with an unsupported method: {methods}")


def _scope(cloud: Cloud, user_id: str, scope: Any) -> tuple[str | None, str | None]:
    """The (project_id, domain_id) a scope object names."""
    ident = cloud.identity
    if not scope:
        default = ident.users[user_id].get("default_project_id")
        if (
            default
            and default in ident.projects
            and ident.effective_role_ids(user_id, "project", default)
        ):
            return default, None
        return None, None
    if not isinstance(scope, dict):
        raise _bad("Invalid scope.")
    if "project" in scope:
        ref = scope["project"] or {}
        if "id" in ref:
            project = ident.projects.get(str(ref["id"]))
        else:
            domain = ident.domain_ref(ref.get("domain"))
            project = (
                ident.find_by_name(ident.projects, str(ref.get("name")), domain["id"])
                if domain
                else None
            )
        if project is None:
            raise keystone_error(401, f"Could not find project: {ref.get('id', ref.get('name'))}.")
        if not project["enabled"]:
            raise keystone_error(401, f"Project {project['id']} is disabled.")
        return project["id"], None
    if "domain" in scope:
        domain = ident.domain_ref(scope["domain"])
        if domain is None:
            raise keystone_error(401, "Could not find domain.")
        return None, domain["id"]
    raise _bad("Only project and domain scopes are emulated.")


@router.post("/v3/auth/tokens")
async def issue_token(request: Request, cloud: CloudDep) -> Response:
    """Issue a token (password or token method; project, domain or no scope)."""
    body = await read_json(request, lambda m: keystone_error(400, m))
    auth = body.get("auth")
    if not isinstance(auth, dict) or not isinstance(auth.get("identity"), dict):
        raise _bad("Expecting to find identity in auth. The server could not comply.")
    user_id, methods = _authenticate_user(cloud, auth["identity"])
    project_id, domain_id = _scope(cloud, user_id, auth.get("scope"))
    token = cloud.identity.issue(user_id, methods, project_id, domain_id)
    with_catalog = "nocatalog" not in request.query_params
    return reply(
        token_body(cloud, token, with_catalog), status=201, headers={"X-Subject-Token": token.id}
    )


def _subject(request: Request, cloud: Cloud, context: AuthDep) -> Token:
    subject_id = request.headers.get("x-subject-token")
    subject = cloud.identity.validate(subject_id)
    if subject is None:
        raise keystone_error(404, f"Could not find token: {subject_id}.")
    if not context.is_admin and subject.user_id != context.user_id:
        raise keystone_error(
            403, "You are not authorized to perform the requested action: identity:validate_token."
        )
    return subject


@router.get("/v3/auth/tokens")
async def validate_token(request: Request, cloud: CloudDep, context: AuthDep) -> Response:
    """Validate ``X-Subject-Token``: 200 with its body, 404 when revoked or expired."""
    subject = _subject(request, cloud, context)
    with_catalog = "nocatalog" not in request.query_params
    return reply(token_body(cloud, subject, with_catalog), headers={"X-Subject-Token": subject.id})


@router.head("/v3/auth/tokens")
async def check_token(request: Request, cloud: CloudDep, context: AuthDep) -> Response:
    """Check ``X-Subject-Token`` without a body."""
    subject = _subject(request, cloud, context)
    return empty(200, headers={"X-Subject-Token": subject.id})


@router.delete("/v3/auth/tokens")
async def revoke_token(request: Request, cloud: CloudDep, context: AuthDep) -> Response:
    """Revoke ``X-Subject-Token``."""
    subject = _subject(request, cloud, context)
    cloud.identity.revoke_token(subject.id)
    return empty()


@router.get("/v3/auth/catalog")
async def auth_catalog(cloud: CloudDep, context: AuthDep) -> Response:
    """The catalog of the caller's token."""
    base = f"{cloud.config.base_url}/identity/v3/auth/catalog"
    return reply(
        {
            "catalog": cloud.identity.catalog(context.project_id),
            "links": {"self": base, "previous": None, "next": None},
        }
    )


@router.get("/v3/auth/projects")
async def auth_projects(cloud: CloudDep, context: AuthDep) -> Response:
    """The projects the caller may scope to."""
    ident = cloud.identity
    scoped = {a.scope_id for a in ident.assignments if a.user_id == context.user_id}
    projects = [p for pid, p in ident.projects.items() if pid in scoped and p["enabled"]]
    base = cloud.config.base_url
    return reply(
        {
            "projects": [project_view(base, p) for p in projects],
            "links": {"self": f"{base}/identity/v3/auth/projects", "previous": None, "next": None},
        }
    )


@router.get("/v3/auth/domains")
async def auth_domains(cloud: CloudDep, context: AuthDep) -> Response:
    """The domains the caller may scope to."""
    ident = cloud.identity
    scoped = {
        a.scope_id
        for a in ident.assignments
        if a.user_id == context.user_id and a.scope_type == "domain"
    }
    base = cloud.config.base_url
    return reply(
        {
            "domains": [domain_view(base, d) for did, d in ident.domains.items() if did in scoped],
            "links": {"self": f"{base}/identity/v3/auth/domains", "previous": None, "next": None},
        }
    )


def project_view(base_url: str, project: dict[str, Any]) -> dict[str, Any]:
    """A project as Keystone shows it."""
    view = dict(project)
    view["links"] = {"self": f"{base_url}/identity/v3/projects/{project['id']}"}
    return view


def domain_view(base_url: str, domain: dict[str, Any]) -> dict[str, Any]:
    """A domain as Keystone shows it."""
    view = dict(domain)
    view["links"] = {"self": f"{base_url}/identity/v3/domains/{domain['id']}"}
    return view
