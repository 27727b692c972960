"""Keystone roles and role assignments (grant, check, revoke, list)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from stackyard_emulator.auth import AuthDep, CloudDep
from stackyard_emulator.cloud import Cloud
from stackyard_emulator.errors import keystone_error
from stackyard_emulator.web import empty, member, read_json, reply

from .admin import _unique, bad, filtered, found, links, require_admin, view
from .state import Assignment

router = APIRouter(prefix="/identity/v3")

_SCOPES = {"projects": "project", "domains": "domain"}


@router.get("/roles")
async def list_roles(request: Request, cloud: CloudDep, context: AuthDep) -> Response:
    """List roles."""
    records = filtered(request, list(cloud.identity.roles.values()), ("name", "domain_id"))
    return reply(
        {"roles": [view(cloud, "roles", r) for r in records], "links": links(cloud, request)}
    )


@router.post("/roles")
async def create_role(request: Request, cloud: CloudDep, context: AuthDep) -> Response:
    """Create a role (admin)."""
    require_admin(context, "create_role")
    ref = member(await read_json(request, bad), "role", bad)
    if not ref.get("name"):
        raise bad("Invalid input for field 'name': None is not of type 'string'")
    _unique(cloud.identity.roles, str(ref["name"]), None, "role")
    role = cloud.identity.add_role(str(ref["name"]), description=ref.get("description"))
    return reply({"role": view(cloud, "roles", role)}, status=201)


@router.get("/roles/{role_id}")
async def show_role(role_id: str, cloud: CloudDep, context: AuthDep) -> Response:
    """Show a role."""
    return reply({"role": view(cloud, "roles", found(cloud.identity.roles, role_id, "role"))})


@router.patch("/roles/{role_id}")
async def update_role(
    role_id: str, request: Request, cloud: CloudDep, context: AuthDep
) -> Response:
    """Rename or describe a role (admin)."""
    require_admin(context, "update_role")
    role = found(cloud.identity.roles, role_id, "role")
    ref = member(await read_json(request, bad), "role", bad)
    for key in ("name", "description"):
        if key in ref:
            role[key] = ref[key]
    return reply({"role": view(cloud, "roles", role)})


@router.delete("/roles/{role_id}")
async def delete_role(role_id: str, cloud: CloudDep, context: AuthDep) -> Response:
    """Delete a role and every assignment of it (admin)."""
    require_admin(context, "delete_role")
    found(cloud.identity.roles, role_id, "role")
    cloud.identity.remove_assignments(role_id=role_id)
    del cloud.identity.roles[role_id]
    return empty()


def _check_target(cloud: Cloud, scopes: str, scope_id: str, user_id: str) -> str:
    scope_type = _SCOPES.get(scopes)
    if scope_type is None:
        raise keystone_error(404, "Not Found")
    table = cloud.identity.projects if scope_type == "project" else cloud.identity.domains
    found(table, scope_id, scope_type)
    found(cloud.identity.users, user_id, "user")
    return scope_type


@router.get("/{scopes}/{scope_id}/users/{user_id}/roles")
async def list_grants(
    scopes: str, scope_id: str, user_id: str, request: Request, cloud: CloudDep, context: AuthDep
) -> Response:
    """The roles granted directly to a user on a project or domain."""
    if user_id != context.user_id:
        require_admin(context, "list_grants")
    scope_type = _check_target(cloud, scopes, scope_id, user_id)
    roles = [
        view(cloud, "roles", cloud.identity.roles[r])
        for r in cloud.identity.direct_role_ids(user_id, scope_type, scope_id)
        if r in cloud.identity.roles
    ]
    return reply({"roles": roles, "links": links(cloud, request)})


@router.put("/{scopes}/{scope_id}/users/{user_id}/roles/{role_id}")
async def grant(
    scopes: str, scope_id: str, user_id: str, role_id: str, cloud: CloudDep, context: AuthDep
) -> Response:
    """Grant a role to a user on a project or domain (admin)."""
    require_admin(context, "create_grant")
    scope_type = _check_target(cloud, scopes, scope_id, user_id)
    found(cloud.identity.roles, role_id, "role")
    cloud.identity.grant(user_id, scope_type, scope_id, role_id)
    return empty()


@router.head("/{scopes}/{scope_id}/users/{user_id}/roles/{role_id}")
@router.get("/{scopes}/{scope_id}/users/{user_id}/roles/{role_id}")
async def check_grant(
    scopes: str, scope_id: str, user_id: str, role_id: str, cloud: CloudDep, context: AuthDep
) -> Response:
    """204 when the user holds the role on the target, 404 otherwise."""
    if user_id != context.user_id:
        require_admin(context, "check_grant")
    scope_type = _check_target(cloud, scopes, scope_id, user_id)
    found(cloud.identity.roles, role_id, "role")
    if Assignment(user_id, scope_type, scope_id, role_id) not in cloud.identity.assignments:
        raise keystone_error(404, f"Could not find role assignment with role: {role_id}.")
    return empty()


@router.delete("/{scopes}/{scope_id}/users/{user_id}/roles/{role_id}")
async def revoke_grant(
    scopes: str, scope_id: str, user_id: str, role_id: str, cloud: CloudDep, context: AuthDep
) -> Response:
    """Revoke a role from a user on a project or domain (admin)."""
    require_admin(context, "revoke_grant")
    scope_type = _check_target(cloud, scopes, scope_id, user_id)
    found(cloud.identity.roles, role_id, "role")
    if not cloud.identity.revoke(user_id, scope_type, scope_id, role_id):
        raise keystone_error(404, f"Could not find role assignment with role: {role_id}.")
    # Keystone revokes the user's tokens on that scope when a grant goes away.
    for token_id, token in list(cloud.identity.tokens.items()):
        if token.user_id == user_id and scope_id in (token.project_id, token.domain_id):
            del cloud.identity.tokens[token_id]
    return empty()


@router.get("/role_assignments")
async def list_assignments(request: Request, cloud: CloudDep, context: AuthDep) -> Response:
    """List role assignments with Keystone's dotted filters and ``include_names``."""
    q = request.query_params
    wanted_user = q.get("user.id")
    if wanted_user != context.user_id:
        require_admin(context, "list_role_assignments")
    include_names = q.get("include_names", "false").lower() not in ("false", "0")
    effective = "effective" in q
    ident = cloud.identity
    rows: list[tuple[str, str, str, str]] = []
    for a in sorted(ident.assignments):
        roles = (
            ident.effective_role_ids(a.user_id, a.scope_type, a.scope_id)
            if effective
            else [a.role_id]
        )
        rows.extend((a.user_id, a.scope_type, a.scope_id, r) for r in roles)
    rows = list(dict.fromkeys(rows))
    result: list[dict[str, Any]] = []
    base = cloud.config.base_url
    for user_id, scope_type, scope_id, role_id in rows:
        if wanted_user and user_id != wanted_user:
            continue
        if q.get("role.id") and role_id != q.get("role.id"):
            continue
        if q.get("scope.project.id") and (scope_type, scope_id) != (
            "project",
            q["scope.project.id"],
        ):
            continue
        if q.get("scope.domain.id") and (scope_type, scope_id) != ("domain", q["scope.domain.id"]):
            continue
        role: dict[str, Any] = {"id": role_id}
        user: dict[str, Any] = {"id": user_id}
        target: dict[str, Any] = {"id": scope_id}
        if include_names:
            role["name"] = ident.roles.get(role_id, {}).get("name")
            user_rec = ident.users.get(user_id, {})
            user["name"] = user_rec.get("name")
            user["domain"] = {"id": user_rec.get("domain_id")}
            table = ident.projects if scope_type == "project" else ident.domains
            target["name"] = table.get(scope_id, {}).get("name")
        plural = "projects" if scope_type == "project" else "domains"
        result.append(
            {
                "role": role,
                "user": user,
                "scope": {scope_type: target},
                "links": {
                    "assignment": f"{base}/identity/v3/{plural}/{scope_id}/users/{user_id}"
                    f"/roles/{role_id}"
                },
            }
        )
    return reply({"role_assignments": result, "links": links(cloud, request)})
