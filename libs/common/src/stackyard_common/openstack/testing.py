"""`MockCloud`: a fake OpenStack cloud for unit tests, served by `httpx.MockTransport`.

It issues Keystone tokens (with a catalog of Nova, Neutron, Cinder and Glance endpoints),
checks `X-Auth-Token` on every other call, and answers what the test registered::

    cloud = MockCloud()
    cloud.add("compute", "GET", "/servers/s1", json={"server": {"id": "s1", "status": "ACTIVE"}})
    async with cloud.client() as client:
        server = await client.compute.get_server("s1")
    assert cloud.requests("compute", "GET", "/servers/s1")

Paths are relative to the service's endpoint (Cinder's includes the project id, so
`"/volumes/v1"` means `/volume/v3/<project>/volumes/v1`). A route answers its responses in
turn and repeats the last one; a handler function may compute an answer from the request.
Unregistered calls answer 404 in Nova's error shape, naming the call. `revoke_tokens()`
makes every issued token answer 401, as a Keystone revocation would.
"""

from __future__ import annotations

import json as jsonlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from pydantic import SecretStr

from ._client import OpenStackClient
from ._config import CloudConfig, RetryPolicy
from ._tokens import TokenCache

__all__ = ["MockCloud", "RecordedRequest"]

Handler = Callable[[httpx.Request], httpx.Response]

PASSWORD = "mock-password"  # noqa: S105 - the fake cloud's own test credential
PROJECT_ID = "0123456789abcdef0123456789abcdef"
USER_ID = "fedcba9876543210fedcba9876543210"


@dataclass(frozen=True)
class RecordedRequest:
    """One call the fake cloud received."""

    service: str
    method: str
    path: str
    request: httpx.Request

    def json(self) -> Any:
        """The request's JSON body."""
        return jsonlib.loads(self.request.content)


@dataclass
class _Route:
    responders: list[Handler] = field(default_factory=list)
    served: int = 0

    def answer(self, request: httpx.Request) -> httpx.Response:
        responder = self.responders[min(self.served, len(self.responders) - 1)]
        self.served += 1
        return responder(request)


class MockCloud:
    """A fake cloud; see the module's docstring."""

    def __init__(
        self,
        *,
        base_url: str = "http://mock.cloud",
        region: str = "RegionOne",
        token_lifetime: timedelta = timedelta(hours=12),
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.region = region
        self.token_lifetime = token_lifetime
        self.token_requests = 0
        self.recorded: list[RecordedRequest] = []
        self.transport = httpx.MockTransport(self._handle)
        self._valid_tokens: set[str] = set()
        self._routes: dict[tuple[str, str, str], _Route] = {}
        self._prefixes = {
            "identity": "/identity/v3",
            "compute": "/compute/v2.1",
            "network": "/networking/v2.0",
            "volume": f"/volume/v3/{PROJECT_ID}",
            "image": "/image/v2",
        }

    # ----- what tests use ------------------------------------------------------------

    def config(self, **overrides: Any) -> CloudConfig:
        """A `CloudConfig` for this cloud (admin in project "admin"; fast retries)."""
        values: dict[str, Any] = {
            "name": "mock",
            "auth_url": f"{self.base_url}/identity/v3",
            "username": "admin",
            "password": SecretStr(PASSWORD),
            "project_name": "admin",
            "retry": RetryPolicy(attempts=4, backoff_base=0.001, backoff_cap=0.01),
        }
        values.update(overrides)
        return CloudConfig(**values)

    def client(self, *, token_cache: TokenCache | None = None, **overrides: Any) -> OpenStackClient:
        """An `OpenStackClient` connected to this cloud."""
        return OpenStackClient(
            self.config(**overrides), token_cache=token_cache, transport=self.transport
        )

    def add(
        self,
        service: str,
        method: str,
        path: str,
        *,
        json: Any = None,
        status: int = 200,
        headers: dict[str, str] | None = None,
        content: bytes | None = None,
        handler: Handler | None = None,
    ) -> None:
        """Add an answer for `method` on `path` of `service`; calls get the answers in turn.

        Give `json` (or `content`) with `status` and `headers`, or a `handler` that builds
        the response from the request. The last answer repeats.
        """
        if handler is None:

            def handler(request: httpx.Request) -> httpx.Response:
                if content is not None:
                    return httpx.Response(status, content=content, headers=headers)
                if json is None:
                    return httpx.Response(status, headers=headers)
                return httpx.Response(status, json=json, headers=headers)

        key = (service, method.upper(), path)
        self._routes.setdefault(key, _Route()).responders.append(handler)

    def requests(
        self, service: str | None = None, method: str | None = None, path: str | None = None
    ) -> list[RecordedRequest]:
        """The calls received (token requests excluded), filtered by the given fields."""
        return [
            r
            for r in self.recorded
            if (service is None or r.service == service)
            and (method is None or r.method == method.upper())
            and (path is None or r.path == path)
        ]

    def revoke_tokens(self) -> None:
        """Make every token issued so far answer 401."""
        self._valid_tokens.clear()

    def endpoint(self, service: str) -> str:
        """The URL under which `service`'s paths are served."""
        return self.base_url + self._prefixes[service]

    # ----- the fake ------------------------------------------------------------------

    def _handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/identity/v3/auth/tokens" and request.method == "POST":
            return self._issue(request)
        match = next(
            (
                (service, prefix)
                for service, prefix in self._prefixes.items()
                if path == prefix or path.startswith(prefix + "/")
            ),
            None,
        )
        if match is None:
            return httpx.Response(404, text="no such service")
        service, prefix = match
        relative = path[len(prefix) :]
        if request.headers.get("x-auth-token") not in self._valid_tokens:
            return httpx.Response(
                401, json={"error": {"code": 401, "message": "Authentication required"}}
            )
        self.recorded.append(RecordedRequest(service, request.method, relative, request))
        route = self._routes.get((service, request.method, relative))
        if route is None:
            message = f"MockCloud: nothing registered for {request.method} {service} {relative}"
            return httpx.Response(404, json={"itemNotFound": {"code": 404, "message": message}})
        return route.answer(request)

    def _issue(self, request: httpx.Request) -> httpx.Response:
        body = jsonlib.loads(request.content)
        user = body["auth"]["identity"]["password"]["user"]
        self.token_requests += 1
        if user.get("password") != PASSWORD:
            return httpx.Response(
                401,
                json={
                    "error": {
                        "code": 401,
                        "message": "The request you have made requires authentication.",
                        "title": "Unauthorized",
                    }
                },
            )
        token = secrets.token_hex(16)
        self._valid_tokens.add(token)
        now = datetime.now(UTC)
        catalog = [
            self._catalog_entry("compute", "/compute/v2.1"),
            # Neutron's catalog URL stops before the version; the client appends it.
            self._catalog_entry("network", "/networking"),
            self._catalog_entry("volumev3", f"/volume/v3/{PROJECT_ID}"),
            self._catalog_entry("image", "/image"),
            self._catalog_entry("identity", "/identity"),
        ]
        token_body = {
            "token": {
                "methods": ["password"],
                "user": {"id": USER_ID, "name": user.get("name"), "domain": {"id": "default"}},
                "project": {"id": PROJECT_ID, "name": "admin", "domain": {"id": "default"}},
                "issued_at": now.isoformat().replace("+00:00", "Z"),
                "expires_at": (now + self.token_lifetime).isoformat().replace("+00:00", "Z"),
                "catalog": catalog,
            }
        }
        return httpx.Response(201, json=token_body, headers={"X-Subject-Token": token})

    def _catalog_entry(self, service_type: str, path: str) -> dict[str, Any]:
        url = self.base_url + path
        return {
            "type": service_type,
            "id": secrets.token_hex(8),
            "endpoints": [
                {
                    "interface": interface,
                    "region_id": self.region,
                    "region": self.region,
                    "url": url,
                    "id": secrets.token_hex(8),
                }
                for interface in ("public", "internal", "admin")
            ],
        }
