"""Keystone's CRUD API: domains, projects, users, roles, services, endpoints, regions."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from stackyard_emulator.auth import AuthContext, AuthDep, CloudDep
from stackyard_emulator.cloud import Cloud
from stackyard_emulator.errors import ApiError, keystone_error
from stackyard_emulator.pagination import parse_bool
from stackyard_emulator.store import Record
from stackyard_emulator.web import empty, member, read_json, reply

from .tokens import domain_view, project_view

router = APIRouter(prefix="/identity/v3")


def bad(message: str) -> ApiError:
    """Keystone's 400."""
    return keystone_error(400, message)


def require_admin(context: AuthContext, action: str) -> None:
    """403 unless the caller is a cloud admin."""
    if not context.is_admin:
        raise keystone_error(
            403, f"You are not authorized to perform the requested action: identity:{action}."
        )


def links(cloud: Cloud, request: Request) -> dict[str, Any]:
    """Keystone's collection ``links`` (it never paginates)."""
    return {"self": f"{cloud.config.base_url}{request.url.path}", "previous": None, "next": None}


def self_link(cloud: Cloud, collection: str, rid: str) -> dict[str, str]:
    """A record's ``links``."""
    return {"self": f"{cloud.config.base_url}/identity/v3/{collection}/{rid}"}


def view(cloud: Cloud, collection: str, record: Record) -> dict[str, Any]:
    """A record with its links."""
    out = dict(record)
    out["links"] = self_link(cloud, collection, record["id"])
    return out


def filtered(request: Request, records: list[Record], keys: tuple[str, ...]) -> list[Record]:
    """Records whose ``keys`` equal the query parameters of the same name."""
    for key in keys:
        value = request.query_params.get(key)
        if value is None:
            continue
        if key == "enabled":
            wanted = parse_bool(value)
            records = [r for r in records if r.get("enabled") == wanted]
        else:
            records = [r for r in records if str(r.get(key)) == value]
    return records


def found(table: dict[str, Record], rid: str, kind: str) -> Record:
    """The record or Keystone's 404."""
    record = table.get(rid)
    if record is None:
        raise keystone_error(404, f"Could not find {kind}: {rid}.")
    return record


def _unique(table: dict[str, Record], name: str, domain_id: str | None, kind: str) -> None:
    for record in table.values():
        if record["name"] == name and (domain_id is None or record.get("domain_id") == domain_id):
            raise keystone_error(
                409,
                f"Conflict occurred attempting to store {kind} - Duplicate entry found "
                f"with name {name}.",
            )


# ----- domains ----------------------------------------------------------------------


@router.get("/domains")
async def list_domains(request: Request, cloud: CloudDep, context: AuthDep) -> Response:
    """List domains (admin)."""
    require_admin(context, "list_domains")
    records = filtered(request, list(cloud.identity.domains.values()), ("name", "enabled"))
    base = cloud.config.base_url
    return reply(
        {"domains": [domain_view(base, d) for d in records], "links": links(cloud, request)}
    )


@router.post("/domains")
async def create_domain(request: Request, cloud: CloudDep, context: AuthDep) -> Response:
    """Create a domain (admin)."""
    require_admin(context, "create_domain")
    ref = member(await read_json(request, bad), "domain", bad)
    if not ref.get("name"):
        raise bad("Invalid input for field 'name': None is not of type 'string'")
    _unique(cloud.identity.domains, str(ref["name"]), None, "domain")
    extra = {k: v for k, v in ref.items() if k not in ("name", "id")}
    domain = cloud.identity.add_domain(str(ref["name"]), ref.get("id"), **extra)
    return reply({"domain": domain_view(cloud.config.base_url, domain)}, status=201)


@router.get("/domains/{domain_id}")
async def show_domain(domain_id: str, cloud: CloudDep, context: AuthDep) -> Response:
    """Show a domain."""
    if context.domain_id != domain_id:
        require_admin(context, "get_domain")
    domain = found(cloud.identity.domains, domain_id, "domain")
    return reply({"domain": domain_view(cloud.config.base_url, domain)})


@router.patch("/domains/{domain_id}")
async def update_domain(
    domain_id: str, request: Request, cloud: CloudDep, context: AuthDep
) -> Response:
    """Update a domain's name, description or enabled flag (admin)."""
    require_admin(context, "update_domain")
    domain = found(cloud.identity.domains, domain_id, "domain")
    ref = member(await read_json(request, bad), "domain", bad)
    for key in ("name", "description", "enabled", "tags"):
        if key in ref:
            domain[key] = ref[key]
    return reply({"domain": domain_view(cloud.config.base_url, domain)})


@router.delete("/domains/{domain_id}")
async def delete_domain(domain_id: str, cloud: CloudDep, context: AuthDep) -> Response:
    """Delete a disabled domain with its projects and users (admin)."""
    require_admin(context, "delete_domain")
    ident = cloud.identity
    domain = found(ident.domains, domain_id, "domain")
    if domain["enabled"]:
        raise keystone_error(
            403, "Cannot delete a domain that is enabled, please disable it first."
        )
    for pid in [p for p, rec in ident.projects.items() if rec["domain_id"] == domain_id]:
        _drop_project(cloud, pid)
    for uid in [u for u, rec in ident.users.items() if rec["domain_id"] == domain_id]:
        _drop_user(cloud, uid)
    ident.remove_assignments(scope_type="domain", scope_id=domain_id)
    del ident.domains[domain_id]
    return empty()


# ----- projects ---------------------------------------------------------------------


def _visible_projects(cloud: Cloud, context: AuthContext) -> set[str] | None:
    if context.is_admin:
        return None
    return {a.scope_id for a in cloud.identity.assignments if a.user_id == context.user_id}


@router.get("/projects")
async def list_projects(request: Request, cloud: CloudDep, context: AuthDep) -> Response:
    """List projects (admin: all; others: those they have a role on)."""
    require_admin(context, "list_projects")
    records = filtered(
        request,
        list(cloud.identity.projects.values()),
        ("name", "domain_id", "enabled", "parent_id", "id"),
    )
    base = cloud.config.base_url
    return reply(
        {"projects": [project_view(base, p) for p in records], "links": links(cloud, request)}
    )


@router.post("/projects")
async def create_project(request: Request, cloud: CloudDep, context: AuthDep) -> Response:
    """Create a project (admin)."""
    require_admin(context, "create_project")
    ref = member(await read_json(request, bad), "project", bad)
    if not ref.get("name"):
        raise bad("Invalid input for field 'name': None is not of type 'string'")
    domain_id = str(ref.get("domain_id") or context.domain_id or "default")
    if domain_id not in cloud.identity.domains:
        raise keystone_error(404, f"Could not find domain: {domain_id}.")
    _unique(cloud.identity.projects, str(ref["name"]), domain_id, "project")
    extra = {k: v for k, v in ref.items() if k not in ("name", "domain_id")}
    project = cloud.identity.add_project(str(ref["name"]), domain_id, **extra)
    return reply({"project": project_view(cloud.config.base_url, project)}, status=201)


@router.get("/projects/{project_id}")
async def show_project(project_id: str, cloud: CloudDep, context: AuthDep) -> Response:
    """Show a project the caller may see."""
    visible = _visible_projects(cloud, context)
    if visible is not None and project_id not in visible:
        require_admin(context, "get_project")
    project = found(cloud.identity.projects, project_id, "project")
    return reply({"project": project_view(cloud.config.base_url, project)})


@router.patch("/projects/{project_id}")
async def update_project(
    project_id: str, request: Request, cloud: CloudDep, context: AuthDep
) -> Response:
    """Update a project (admin); disabling it revokes its tokens."""
    require_admin(context, "update_project")
    project = found(cloud.identity.projects, project_id, "project")
    ref = member(await read_json(request, bad), "project", bad)
    if "name" in ref and ref["name"] != project["name"]:
        _unique(cloud.identity.projects, str(ref["name"]), project["domain_id"], "project")
    for key in ("name", "description", "enabled", "tags"):
        if key in ref:
            project[key] = ref[key]
    if not project["enabled"]:
        cloud.identity.revoke_tokens_of(project_id=project_id)
    return reply({"project": project_view(cloud.config.base_url, project)})


def _drop_project(cloud: Cloud, project_id: str) -> None:
    cloud.identity.remove_assignments(scope_type="project", scope_id=project_id)
    cloud.identity.revoke_tokens_of(project_id=project_id)
    cloud.identity.projects.pop(project_id, None)


@router.delete("/projects/{project_id}")
async def delete_project(project_id: str, cloud: CloudDep, context: AuthDep) -> Response:
    """Delete a project and its role assignments (admin); its resources stay, as in Keystone."""
    require_admin(context, "delete_project")
    found(cloud.identity.projects, project_id, "project")
    _drop_project(cloud, project_id)
    return empty()


# ----- users ------------------------------------------------------------------------


def user_view(cloud: Cloud, user: Record) -> dict[str, Any]:
    """A user as Keystone shows it (never the password)."""
    return view(cloud, "users", user)


@router.get("/users")
async def list_users(request: Request, cloud: CloudDep, context: AuthDep) -> Response:
    """List users (admin)."""
    require_admin(context, "list_users")
    records = filtered(
        request, list(cloud.identity.users.values()), ("name", "domain_id", "enabled")
    )
    return reply({"users": [user_view(cloud, u) for u in records], "links": links(cloud, request)})


@router.post("/users")
async def create_user(request: Request, cloud: CloudDep, context: AuthDep) -> Response:
    """Create a user, optionally with a password (admin)."""
    require_admin(context, "create_user")
    ref = member(await read_json(request, bad), "user", bad)
    if not ref.get("name"):
        raise bad("Invalid input for field 'name': None is not of type 'string'")
    domain_id = str(ref.get("domain_id") or context.domain_id or "default")
    if domain_id not in cloud.identity.domains:
        raise keystone_error(404, f"Could not find domain: {domain_id}.")
    _unique(cloud.identity.users, str(ref["name"]), domain_id, "user")
    password = ref.get("password")
    extra = {k: v for k, v in ref.items() if k not in ("name", "domain_id", "password")}
    user = cloud.identity.add_user(
        str(ref["name"]), domain_id, None if password is None else str(password), **extra
    )
    return reply({"user": user_view(cloud, user)}, status=201)


@router.get("/users/{user_id}")
async def show_user(user_id: str, cloud: CloudDep, context: AuthDep) -> Response:
    """Show a user (admin, or the user themself)."""
    if user_id != context.user_id:
        require_admin(context, "get_user")
    return reply({"user": user_view(cloud, found(cloud.identity.users, user_id, "user"))})


@router.patch("/users/{user_id}")
async def update_user(
    user_id: str, request: Request, cloud: CloudDep, context: AuthDep
) -> Response:
    """Update a user, including the password (admin); disabling revokes their tokens."""
    require_admin(context, "update_user")
    user = found(cloud.identity.users, user_id, "user")
    ref = member(await read_json(request, bad), "user", bad)
    for key in ("name", "enabled", "default_project_id", "email", "description"):
        if key in ref:
            user[key] = ref[key]
    if "password" in ref:
        cloud.identity.set_password(user_id, str(ref["password"]))
    if not user["enabled"]:
        cloud.identity.revoke_tokens_of(user_id=user_id)
    return reply({"user": user_view(cloud, user)})


@router.post("/users/{user_id}/password")
async def change_password(
    user_id: str, request: Request, cloud: CloudDep, context: AuthDep
) -> Response:
    """A user changes their own password, giving the old one."""
    if user_id != context.user_id:
        require_admin(context, "change_password")
    found(cloud.identity.users, user_id, "user")
    ref = member(await read_json(request, bad), "user", bad)
    if not cloud.identity.check_password(user_id, str(ref.get("original_password"))):
        raise keystone_error(401, "The request you have made requires authentication.")
    cloud.identity.set_password(user_id, str(ref.get("password")))
    cloud.identity.revoke_tokens_of(user_id=user_id)
    return empty()


def _drop_user(cloud: Cloud, user_id: str) -> None:
    cloud.identity.remove_assignments(user_id=user_id)
    cloud.identity.revoke_tokens_of(user_id=user_id)
    cloud.identity.users.pop(user_id, None)


@router.delete("/users/{user_id}")
async def delete_user(user_id: str, cloud: CloudDep, context: AuthDep) -> Response:
    """Delete a user, their assignments and tokens (admin)."""
    require_admin(context, "delete_user")
    found(cloud.identity.users, user_id, "user")
    _drop_user(cloud, user_id)
    return empty()


@router.get("/users/{user_id}/projects")
async def user_projects(user_id: str, cloud: CloudDep, context: AuthDep) -> Response:
    """The projects a user has roles on."""
    if user_id != context.user_id:
        require_admin(context, "list_user_projects")
    found(cloud.identity.users, user_id, "user")
    ids = {
        a.scope_id
        for a in cloud.identity.assignments
        if a.user_id == user_id and a.scope_type == "project"
    }
    base = cloud.config.base_url
    projects = [project_view(base, p) for pid, p in cloud.identity.projects.items() if pid in ids]
    return reply(
        {
            "projects": projects,
            "links": {
                "self": f"{base}/identity/v3/users/{user_id}/projects",
                "previous": None,
                "next": None,
            },
        }
    )
