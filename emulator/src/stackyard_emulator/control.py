"""The test-only control API under ``/_emulator/`` (no token needed)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from .auth import CloudDep
from .errors import ApiError
from .faults import FaultRule
from .inventory import inventory
from .loader import bulk_load
from .web import empty, reply

router = APIRouter(prefix="/_emulator", tags=["control"])


def _bad(message: str) -> ApiError:
    return ApiError(400, {"error": {"code": 400, "message": message}})


async def _json(request: Request) -> Any:
    try:
        return await request.json()
    except ValueError:
        raise _bad("the body must be JSON") from None


@router.get("")
@router.get("/")
async def info(cloud: CloudDep) -> Response:
    """Which cloud this is and where its services live."""
    base = cloud.config.base_url
    return reply(
        {
            "name": cloud.config.name,
            "public_url": base,
            "auth_url": f"{base}/identity",
            "region": cloud.config.region,
            "admin_project_id": cloud.admin_project_id(),
        }
    )


@router.get("/faults")
async def list_faults(cloud: CloudDep) -> Response:
    """The active fault rules."""
    return reply({"faults": [r.to_json() for r in cloud.faults.rules]})


@router.post("/faults")
async def add_faults(request: Request, cloud: CloudDep) -> Response:
    """Add one rule (an object) or several (``{"faults": [...]}``)."""
    body = await _json(request)
    specs = body.get("faults") if isinstance(body, dict) and "faults" in body else [body]
    if not isinstance(specs, list) or not all(isinstance(s, dict) for s in specs):
        raise _bad('expected a rule object or {"faults": [rule, ...]}')
    try:
        rules = [FaultRule.from_json(s) for s in specs]
    except (TypeError, ValueError) as exc:
        raise _bad(str(exc)) from None
    for rule in rules:
        cloud.faults.add(rule)
    return reply({"faults": [r.to_json() for r in rules]}, status=201)


@router.delete("/faults")
async def clear_faults(cloud: CloudDep) -> Response:
    """Remove every rule."""
    cloud.faults.clear()
    return empty()


@router.delete("/faults/{rule_id}")
async def delete_fault(rule_id: str, cloud: CloudDep) -> Response:
    """Remove one rule."""
    if not cloud.faults.remove(rule_id):
        raise ApiError(404, {"error": {"code": 404, "message": f"no fault rule {rule_id}"}})
    return empty()


@router.post("/revoke-tokens")
async def revoke_tokens(cloud: CloudDep) -> Response:
    """Revoke every token issued so far."""
    return reply({"revoked": cloud.identity.revoke_all()})


@router.get("/counters")
async def counters(cloud: CloudDep) -> Response:
    """Calls per ``"<service> <METHOD> <route template>"`` since start or the last clear."""
    return reply(
        {"counters": dict(sorted(cloud.counters.items())), "total": sum(cloud.counters.values())}
    )


@router.delete("/counters")
async def clear_counters(cloud: CloudDep) -> Response:
    """Zero the counters."""
    cloud.counters.clear()
    return empty()


@router.post("/reset")
async def reset(cloud: CloudDep) -> Response:
    """Back to the seeded state: resources, tokens, faults and counters all cleared."""
    cloud.reset()
    return empty()


@router.get("/inventory")
async def dump_inventory(cloud: CloudDep) -> Response:
    """What exists, per project."""
    return reply(inventory(cloud))


@router.get("/settings")
async def show_settings(cloud: CloudDep) -> Response:
    """Token lifetime and transition delays."""
    return reply(cloud.config.settings())


@router.patch("/settings")
async def change_settings(request: Request, cloud: CloudDep) -> Response:
    """Change ``token_lifetime`` (seconds, new tokens only) and ``delays`` at run time."""
    body = await _json(request)
    if not isinstance(body, dict) or set(body) - {"token_lifetime", "delays"}:
        raise _bad("only token_lifetime and delays can be changed")
    try:
        if "token_lifetime" in body:
            lifetime = float(body["token_lifetime"])
            if lifetime <= 0:
                raise ValueError("token_lifetime must be positive")
            cloud.config.token_lifetime = lifetime
        if "delays" in body:
            cloud.config.delays.update(dict(body["delays"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise _bad(f"invalid settings: {exc}") from None
    return reply(cloud.config.settings())


@router.post("/load")
async def load(request: Request, cloud: CloudDep) -> Response:
    """Bulk-create servers and ports for scale tests, bypassing HTTP per resource."""
    body = await _json(request)
    if not isinstance(body, dict):
        raise _bad("expected an object")
    try:
        result = bulk_load(cloud, body)
    except (KeyError, TypeError, ValueError) as exc:
        raise _bad(str(exc)) from None
    return reply(result, status=201)
