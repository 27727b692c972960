"""A cloud's connections spread over small pools: sizes, and the least busy pool first."""

from __future__ import annotations

import httpx

from stackyard_common.openstack._pools import POOL_SIZE, Pools


def _pools(connections: int, *, single: bool = False) -> tuple[Pools, list[int]]:
    sizes: list[int] = []

    def make(size: int) -> httpx.AsyncClient:
        sizes.append(size)
        return httpx.AsyncClient()

    return Pools(connections, make, single=single), sizes


async def test_connections_are_spread_over_pools_of_at_most_pool_size() -> None:
    for connections, expected in [(32, [4] * 8), (20, [4] * 5), (6, [3, 3]), (1, [1])]:
        pools, sizes = _pools(connections)
        assert POOL_SIZE == 4
        assert sizes == expected
        await pools.aclose()
    pools, sizes = _pools(32, single=True)
    assert sizes == [32]
    await pools.aclose()


async def test_each_call_takes_the_pool_with_the_fewest_calls_in_flight() -> None:
    pools, _ = _pools(12)
    first, second, third = pools.clients
    async with pools.client() as a, pools.client() as b:
        assert (a, b) == (first, second)
        async with pools.client() as c:
            assert c is third
        async with pools.client() as d:
            assert d is third  # the least busy again once `c` is done
    async with pools.client() as e:
        assert e is first
    await pools.aclose()
