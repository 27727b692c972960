"""Quota drift compares the marketplace's limits with the cloud as a push would leave
it: rounding to whole GiB is no drift, a volume type the cloud lacks is; the names that
tie projects and limits to tenants read back what was written."""

from __future__ import annotations

import uuid
from types import SimpleNamespace
from typing import cast

from stackyard_identity.operators.drift import differences
from stackyard_identity.tenants.models import Tenant
from stackyard_identity.tenants.naming import marked_tenant, marker
from stackyard_identity.tenants.quotas import limit_name, quotas_from_limits, volume_type_key

CLOUD = {"vcpu": 16, "ram": 32768, "storage": 2048, "instances": 30}


def test_limits_the_cloud_holds_are_no_drift_even_rounded_to_gibibytes() -> None:
    # 1500 MiB is pushed as 2 GiB: the cloud's 2048 MiB is what a push leaves.
    limits = {"cores": 16, "ram": 32768, "storage": 1500}
    assert differences(limits, CLOUD, "fixed", {}) == []


def test_each_drifted_limit_is_named_in_both_vocabularies() -> None:
    found = differences({"cores": 8, "ram": 32768, "storage": 4096}, CLOUD, "fixed", {})
    assert [(d.quota, d.component, d.cloud, d.marketplace) for d in found] == [
        ("vcpu", "cores", 16, 8),
        ("storage", "storage", 2048, 4096),
    ]


def test_dynamic_mode_compares_each_volume_type_and_reports_an_unknown_one() -> None:
    types = {volume_type_key("ssd"): "ssd"}
    cloud = {"volume_type_ssd": 10240}
    limits = {"volume_type_ssd": 10240, "volume_type_hdd": 5120}
    found = differences(limits, cloud, "dynamic", types)
    assert [(d.quota, d.cloud) for d in found] == [("volume_type_hdd", None)]
    assert differences({"volume_type_ssd": 20480}, cloud, "dynamic", types)[0].cloud == 10240


def test_unlimited_is_compared_as_unlimited() -> None:
    assert differences({"cores": -1}, {"vcpu": -1}, "fixed", {}) == []
    assert differences({"storage": -1}, {"storage": 1024}, "fixed", {})[0].marketplace == -1


def test_limit_names_are_the_reverse_of_the_mapping() -> None:
    for limit in ("cores", "ram", "storage", "volume_type_ssd", "instances"):
        (quota,) = quotas_from_limits({limit: 1}, {})
        assert limit_name(quota) == limit


def test_a_project_marker_reads_back_its_tenant() -> None:
    tenant_uuid = uuid.uuid4()
    tenant = cast(Tenant, SimpleNamespace(uuid=tenant_uuid))
    assert marked_tenant(marker(tenant)) == tenant_uuid
    assert marked_tenant("Stackyard tenant not-a-uuid") is None
    assert marked_tenant("a project of someone else") is None
    assert marked_tenant(None) is None
