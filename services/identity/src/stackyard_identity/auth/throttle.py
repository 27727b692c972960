"""Slowing down repeated failed logins, per username and per client address.

After `login_max_failures` failures for one username (or `login_max_failures_per_ip` from
one address) within `login_failure_window` seconds, further attempts answer 429 for a
lock time that starts at `login_backoff_base` seconds and doubles with each further
failure, up to `login_backoff_cap`. Counters live in Redis, shared by every identity
process. A username is kept only as a hash, and the same rules apply to names that
exist and names that do not, so the answers never tell which is which.
"""

from __future__ import annotations

import hashlib
import math
from typing import ClassVar

from redis.asyncio import Redis

from stackyard_common.api import StackyardError
from stackyard_common.settings import Settings

__all__ = ["LoginThrottle", "TooManyAttempts"]


class TooManyAttempts(StackyardError):
    """429: too many failed logins; `retry_after` is in seconds."""

    status_code: ClassVar[int] = 429
    default_detail: ClassVar[str] = "Too many failed login attempts. Try again later."

    def __init__(self, retry_after: int) -> None:
        super().__init__()
        self.retry_after = retry_after


class LoginThrottle:
    """The failure counters and locks of login attempts."""

    def __init__(self, redis: Redis, settings: Settings) -> None:
        self.redis = redis
        self.settings = settings
        self.auth = settings.auth

    def _subjects(self, username: str, address: str) -> list[tuple[str, int]]:
        digest = hashlib.sha256(username.strip().lower().encode()).hexdigest()
        return [
            (f"user:{digest}", self.auth.login_max_failures),
            (f"ip:{address}", self.auth.login_max_failures_per_ip),
        ]

    def _key(self, kind: str, subject: str) -> str:
        return self.settings.redis.key("auth", "login", kind, subject)

    async def check(self, username: str, address: str) -> None:
        """Raise `TooManyAttempts` while either the username or the address is locked."""
        waits = [
            await self.redis.pttl(self._key("lock", subject))
            for subject, _ in self._subjects(username, address)
        ]
        longest = max(waits)
        if longest > 0:
            raise TooManyAttempts(math.ceil(longest / 1000))

    async def failed(self, username: str, address: str) -> None:
        """Count a failure; lock the username or address once past its threshold."""
        for subject, threshold in self._subjects(username, address):
            counter = self._key("failures", subject)
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.incr(counter)
                pipe.expire(counter, self.auth.login_failure_window)
                failures, _ = await pipe.execute()
            if failures >= threshold:
                seconds = min(
                    self.auth.login_backoff_cap,
                    self.auth.login_backoff_base * 2 ** (failures - threshold),
                )
                await self.redis.set(self._key("lock", subject), "1", px=int(seconds * 1000))

    async def succeeded(self, username: str) -> None:
        """Forget the username's failures (the address's count on: it may be guessing)."""
        digest = hashlib.sha256(username.strip().lower().encode()).hexdigest()
        await self.redis.delete(
            self._key("failures", f"user:{digest}"), self._key("lock", f"user:{digest}")
        )
