"""`MAX_CONCURRENT_PROVISION`: a counting semaphore per (resource type, cloud connection)
shared by every worker through Redis, with leases.

A slot is held by a holder id (the saga's resource uuid) until it is released or its
lease runs out (a worker that died mid-provisioning frees its slot by itself). Taking a
slot again by the same holder only renews its lease, so a retried step never takes two.

    slots = ProvisioningSlots(redis, settings.redis.key("provision-slots"))
    if await slots.acquire("OpenStack.Instance", connection, holder, limit=4, lease=900):
        ...   # provision, renewing with acquire() at each step
    await slots.release("OpenStack.Instance", connection, holder)

Meant for libs/common: nothing in it is compute's own.
"""

from __future__ import annotations

import time
import uuid

from redis.asyncio import Redis

__all__ = ["ProvisioningSlots"]

# KEYS[1] the sorted set of holders scored by lease expiry; ARGV: now, holder, limit,
# expiry. Expired holders go first; a holder already in keeps its slot (renewed).
_ACQUIRE = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZSCORE', KEYS[1], ARGV[2]) then
  redis.call('ZADD', KEYS[1], ARGV[4], ARGV[2])
  return 1
end
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], ARGV[4], ARGV[2])
  redis.call('EXPIRE', KEYS[1], math.ceil(tonumber(ARGV[4]) - tonumber(ARGV[1])) + 60)
  return 1
end
return 0
"""


class ProvisioningSlots:
    """Counting semaphores in Redis under `prefix`, one per resource type and cloud."""

    def __init__(self, redis: Redis, prefix: str) -> None:
        self.redis = redis
        self.prefix = prefix
        self._acquire = redis.register_script(_ACQUIRE)

    def key(self, resource_type: str, cloud: uuid.UUID) -> str:
        """The Redis key of one semaphore."""
        return f"{self.prefix}:{resource_type}:{cloud}"

    async def acquire(
        self, resource_type: str, cloud: uuid.UUID, holder: str, *, limit: int, lease: float
    ) -> bool:
        """Take (or renew) a slot for `holder`; False when all `limit` are taken."""
        now = time.time()
        taken = await self._acquire(
            keys=[self.key(resource_type, cloud)], args=[now, holder, limit, now + lease]
        )
        return bool(taken)

    async def release(self, resource_type: str, cloud: uuid.UUID, holder: str) -> None:
        """Give `holder`'s slot back (nothing happens when it holds none)."""
        await self.redis.zrem(self.key(resource_type, cloud), holder)

    async def holders(self, resource_type: str, cloud: uuid.UUID) -> list[str]:
        """Who holds a live slot now."""
        key = self.key(resource_type, cloud)
        await self.redis.zremrangebyscore(key, "-inf", time.time())
        return [value.decode() for value in await self.redis.zrange(key, 0, -1)]
