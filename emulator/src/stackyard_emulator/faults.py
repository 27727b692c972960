"""Fault rules: added latency, error answers and dropped connections, per request pattern."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Any

from .ids import new_uuid

SERVICES = ("identity", "compute", "network", "volume", "image")


@dataclass
class FaultRule:
    """One rule; it matches a request by service, method and a regex on the path.

    ``latency_ms`` delays every matching request. With ``drop_connection`` the
    connection is closed without an answer; otherwise, with probability
    ``error_rate``, the request is answered ``status`` in the service's error shape.
    ``drop_connection`` without ``error_rate`` drops every match. ``retry_after``
    (seconds) is sent as ``Retry-After`` with the injected error, as rate-limited
    APIs do with 429 and 503. ``count`` limits how many matching requests the rule
    affects before it expires.
    """

    id: str
    service: str | None = None
    method: str | None = None
    path_regex: str | None = None
    latency_ms: int = 0
    error_rate: float = 0.0
    status: int = 503
    drop_connection: bool = False
    retry_after: int | None = None
    count: int | None = None
    hits: int = 0
    _pattern: re.Pattern[str] | None = field(default=None, repr=False)

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> FaultRule:
        """Build a rule from the control API's JSON; ``ValueError`` when it is invalid."""
        allowed = {
            "service",
            "method",
            "path_regex",
            "latency_ms",
            "error_rate",
            "status",
            "drop_connection",
            "retry_after",
            "count",
        }
        unknown = set(body) - allowed
        if unknown:
            raise ValueError(f"unknown fault rule fields: {sorted(unknown)}")
        service = body.get("service")
        if service in ("*", ""):
            service = None
        if service is not None and service not in SERVICES:
            raise ValueError(f"service must be one of {SERVICES} (or '*')")
        method = body.get("method")
        method = None if method in (None, "", "*") else str(method).upper()
        regex = body.get("path_regex")
        try:
            pattern = re.compile(regex) if regex else None
        except re.error as exc:
            raise ValueError(f"invalid path_regex: {exc}") from None
        rate = float(body.get("error_rate", 0.0) or 0.0)
        if not 0.0 <= rate <= 1.0:
            raise ValueError("error_rate must be between 0 and 1")
        status = int(body.get("status", 503))
        if not 400 <= status <= 599:
            raise ValueError("status must be an HTTP error status (400-599)")
        latency = int(body.get("latency_ms", 0) or 0)
        if latency < 0:
            raise ValueError("latency_ms must not be negative")
        count = body.get("count")
        if count is not None and int(count) < 1:
            raise ValueError("count must be at least 1")
        drop = bool(body.get("drop_connection", False))
        retry_after = body.get("retry_after")
        if retry_after is not None:
            # HTTP's delay-seconds form is a whole, non-negative number.
            if isinstance(retry_after, bool) or int(retry_after) != retry_after:
                raise ValueError("retry_after must be a whole number of seconds")
            retry_after = int(retry_after)
            if retry_after < 0:
                raise ValueError("retry_after must not be negative")
            if drop or not rate:
                raise ValueError("retry_after needs error_rate and no drop_connection")
        if not (latency or rate or drop):
            raise ValueError("a rule needs latency_ms, error_rate or drop_connection")
        return cls(
            id=new_uuid(),
            service=service,
            method=method,
            path_regex=regex,
            latency_ms=latency,
            error_rate=rate,
            status=status,
            drop_connection=drop,
            retry_after=retry_after,
            count=None if count is None else int(count),
            _pattern=pattern,
        )

    def matches(self, service: str, method: str, path: str) -> bool:
        """Whether the rule applies to this request."""
        if self.service is not None and self.service != service:
            return False
        if self.method is not None and self.method != method:
            return False
        return self._pattern is None or self._pattern.search(path) is not None

    def to_json(self) -> dict[str, Any]:
        """The rule as the control API shows it."""
        return {
            "id": self.id,
            "service": self.service,
            "method": self.method,
            "path_regex": self.path_regex,
            "latency_ms": self.latency_ms,
            "error_rate": self.error_rate,
            "status": self.status,
            "drop_connection": self.drop_connection,
            "retry_after": self.retry_after,
            "count": self.count,
            "hits": self.hits,
        }


@dataclass
class Decision:
    """What to do to one request."""

    latency_ms: int = 0
    drop: bool = False
    status: int | None = None
    retry_after: int | None = None


class FaultSet:
    """The active rules of one cloud."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.rules: list[FaultRule] = []

    def add(self, rule: FaultRule) -> None:
        """Activate a rule (rules apply in the order they were added)."""
        self.rules.append(rule)

    def remove(self, rule_id: str) -> bool:
        """Deactivate one rule; ``False`` when unknown."""
        before = len(self.rules)
        self.rules = [r for r in self.rules if r.id != rule_id]
        return len(self.rules) != before

    def clear(self) -> None:
        """Deactivate every rule."""
        self.rules.clear()

    def decide(self, service: str, method: str, path: str) -> Decision | None:
        """The combined effect of the matching rules, or ``None`` when none matches."""
        if not self.rules:
            return None
        decision: Decision | None = None
        for rule in list(self.rules):
            if not rule.matches(service, method, path):
                continue
            decision = decision or Decision()
            rule.hits += 1
            decision.latency_ms += rule.latency_ms
            if not decision.drop and decision.status is None:
                if rule.drop_connection:
                    decision.drop = rule.error_rate <= 0 or self.rng.random() < rule.error_rate
                elif rule.error_rate > 0 and self.rng.random() < rule.error_rate:
                    decision.status = rule.status
                    decision.retry_after = rule.retry_after
            if rule.count is not None and rule.hits >= rule.count:
                self.rules.remove(rule)
        return decision
