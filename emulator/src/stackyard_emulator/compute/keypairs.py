"""Nova key pairs: import or generate, fingerprint, list per user."""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from stackyard_emulator.auth import ProjectAuthDep
from stackyard_emulator.errors import nova_error
from stackyard_emulator.pagination import next_href, parse_limit
from stackyard_emulator.store import Record
from stackyard_emulator.timeutil import iso_z
from stackyard_emulator.web import empty, member, read_json, reply

from .deps import ComputeDep, VersionDep, bad

router = APIRouter(prefix="/compute/v2.1")

_NAME = re.compile(r"^[a-zA-Z0-9 _.@-]{1,255}$")


def fingerprint(public_key: str) -> str:
    """The MD5 fingerprint Nova shows (``aa:bb:...``); 400 when the key is not OpenSSH."""
    parts = public_key.strip().split()
    try:
        if len(parts) < 2:
            raise ValueError(public_key)
        blob = base64.b64decode(parts[1].encode(), validate=True)
    except (ValueError, binascii.Error):
        raise bad("Keypair data is invalid: failed to generate fingerprint") from None
    digest = hashlib.md5(blob, usedforsecurity=False).hexdigest()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


def generate() -> tuple[str, str]:
    """A new RSA key pair as (OpenSSH public key, PEM private key)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
        .decode()
    )
    return public + " Generated-by-Nova", private


def _view(keypair: Record, version: Any, full: bool) -> dict[str, Any]:
    view: dict[str, Any] = {
        "name": keypair["name"],
        "public_key": keypair["public_key"],
        "fingerprint": keypair["fingerprint"],
    }
    if version >= (2, 2):
        view["type"] = keypair["type"]
    if full:
        view.update(
            user_id=keypair["user_id"],
            created_at=keypair["created_at"],
            deleted=False,
            deleted_at=None,
            updated_at=None,
            id=keypair["_number"],
        )
    return view


def _owner(request: Request, context: Any, version: Any) -> str:
    wanted = request.query_params.get("user_id")
    if wanted and version >= (2, 10) and wanted != context.user_id:
        if not context.is_admin:
            raise nova_error(
                403, "Policy doesn't allow os_compute_api:os-keypairs:index to be performed."
            )
        return wanted
    return str(context.user_id)


@router.get("/os-keypairs")
async def list_keypairs(
    request: Request, compute: ComputeDep, version: VersionDep, context: ProjectAuthDep
) -> Response:
    """The caller's key pairs (any user's for an admin with ``user_id``, 2.10+)."""
    user_id = _owner(request, context, version)
    pairs = sorted(
        (k for (uid, _), k in compute.keypairs.items() if uid == user_id), key=lambda k: k["name"]
    )
    body: dict[str, Any] = {}
    if version >= (2, 35):
        q = request.query_params
        limit = parse_limit(q.get("limit"), bad)
        marker = q.get("marker")
        if marker is not None:
            names = [k["name"] for k in pairs]
            if marker not in names:
                raise bad(f"marker [{marker}] not found")
            pairs = pairs[names.index(marker) + 1 :]
        if limit is not None:
            pairs = pairs[:limit]
            if pairs and len(pairs) == limit:
                body["keypairs_links"] = [
                    {
                        "rel": "next",
                        "href": next_href(
                            request, compute.cloud.config.base_url, pairs[-1]["name"]
                        ),
                    }
                ]
    body["keypairs"] = [{"keypair": _view(k, version, full=False)} for k in pairs]
    return reply(body)


@router.post("/os-keypairs")
async def create_keypair(
    request: Request, compute: ComputeDep, version: VersionDep, context: ProjectAuthDep
) -> Response:
    """Import a public key, or generate a pair and return the private key once."""
    spec = member(await read_json(request, bad), "keypair", bad)
    name = spec.get("name")
    if not isinstance(name, str) or not _NAME.match(name) or name.strip() != name:
        raise bad("Keypair data is invalid: Keypair name contains unsafe characters")
    user_id = (
        str(spec.get("user_id") or context.user_id) if version >= (2, 10) else str(context.user_id)
    )
    if user_id != context.user_id and not context.is_admin:
        raise nova_error(
            403, "Policy doesn't allow os_compute_api:os-keypairs:create to be performed."
        )
    kind = str(spec.get("type", "ssh"))
    if kind not in ("ssh", "x509"):
        raise bad(f"Invalid input for field/attribute type. Value: {kind}.")
    if (user_id, name) in compute.keypairs:
        raise nova_error(409, f"Key pair '{name}' already exists.")
    limit = compute.quota(context.project)["key_pairs"]
    if 0 <= limit <= compute.used(context.project, user_id)["key_pairs"]:
        raise nova_error(403, "Quota exceeded, too many key pairs.")
    private = None
    public = spec.get("public_key")
    if public is None:
        public, private = generate()
    record: Record = {
        "name": name,
        "public_key": str(public).strip(),
        "fingerprint": fingerprint(str(public)),
        "type": kind,
        "user_id": user_id,
        "created_at": iso_z(),
        "_number": len(compute.keypairs) + 1,
        "_project": context.project,
    }
    compute.keypairs[(user_id, name)] = record
    view = _view(record, version, full=False)
    view["user_id"] = user_id
    if private is not None:
        view["private_key"] = private
    return reply({"keypair": view}, status=201 if version >= (2, 2) else 200)


def _keypair(request: Request, compute: Any, context: Any, version: Any, name: str) -> Record:
    user_id = _owner(request, context, version)
    record = compute.keypairs.get((user_id, name))
    if record is None:
        raise nova_error(404, f"Keypair {name} not found for user {user_id}")
    return record  # type: ignore[no-any-return]


@router.get("/os-keypairs/{name}")
async def show_keypair(
    name: str, request: Request, compute: ComputeDep, version: VersionDep, context: ProjectAuthDep
) -> Response:
    """One key pair."""
    record = _keypair(request, compute, context, version, name)
    return reply({"keypair": _view(record, version, full=True)})


@router.delete("/os-keypairs/{name}")
async def delete_keypair(
    name: str, request: Request, compute: ComputeDep, version: VersionDep, context: ProjectAuthDep
) -> Response:
    """Delete a key pair."""
    record = _keypair(request, compute, context, version, name)
    del compute.keypairs[(record["user_id"], name)]
    return empty(204 if version >= (2, 2) else 202)
