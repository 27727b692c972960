"""The quota mapping table: platform quotas to Nova, Cinder and Neutron, in both
storage modes; and the internal subnet's allocation pool from the SUBNET setting."""

from __future__ import annotations

import pytest

from stackyard_common.api import ValidationFailed
from stackyard_identity.tenants.attributes import plan_subnet
from stackyard_identity.tenants.quotas import (
    DEFAULT_QUOTAS,
    cloud_quotas,
    quotas_from_limits,
    volume_type_key,
)
from stackyard_identity.tenants.settings import SubnetSettings


def test_fixed_mode_maps_every_quota_of_the_table() -> None:
    quotas = quotas_from_limits({"cores": 8, "ram": 4096, "storage": 1536})
    assert quotas["vcpu"] == 8
    assert {
        name: quotas[name] for name in DEFAULT_QUOTAS if name not in ("vcpu", "ram", "storage")
    } == {
        name: value
        for name, value in DEFAULT_QUOTAS.items()
        if name not in ("vcpu", "ram", "storage")
    }
    sets = cloud_quotas(quotas, "fixed")
    assert sets["compute"] == {"cores": 8, "ram": 4096, "instances": 30}
    assert sets["volume"] == {"volumes": 50, "snapshots": 50, "gigabytes": 2}  # 1536 MiB
    assert sets["network"] == {
        "security_group": 100,
        "security_group_rule": 100,
        "floatingip": 50,
        "network": 10,
        "subnet": 10,
        "port": -1,
    }


def test_dynamic_mode_sets_a_quota_per_volume_type_and_their_sum() -> None:
    types = {volume_type_key(name): name for name in ("ssd", "hdd", "__DEFAULT__")}
    quotas = quotas_from_limits({"cores": 2, "volume_type_ssd": 10240, "volume_type_hdd": 20480})
    volume = cloud_quotas(quotas, "dynamic", types)["volume"]
    assert (volume["gigabytes_ssd"], volume["gigabytes_hdd"]) == (10, 20)
    assert volume["gigabytes"] == 30
    assert "gigabytes___DEFAULT__" not in volume
    unlimited = cloud_quotas({**quotas, "volume_type_hdd": -1}, "dynamic", types)["volume"]
    assert (unlimited["gigabytes_hdd"], unlimited["gigabytes"]) == (-1, -1)


def test_the_allocation_pool_follows_the_setting_and_must_fit() -> None:
    plan = plan_subnet("10.20.0.0/16", SubnetSettings())
    assert (plan.gateway_ip, plan.pool_start, plan.pool_end) == (
        "10.20.0.1",
        "10.20.0.10",
        "10.20.0.200",
    )
    custom = SubnetSettings(
        allocation_pool_start="{first_octet}.{second_octet}.{third_octet}.50",
        allocation_pool_end="{first_octet}.{second_octet}.{third_octet}.60",
    )
    assert plan_subnet("192.168.1.0/26", custom).pool_end == "192.168.1.60"
    with pytest.raises(ValidationFailed) as refused:
        plan_subnet("192.168.1.0/26", SubnetSettings())
    assert "subnet_cidr" in refused.value.errors
