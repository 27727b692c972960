"""Quotas: the platform's names and defaults, and how they map onto Nova, Cinder and
Neutron (the specification's table).

    platform quota             cloud                     default
    vcpu                       compute cores             20
    ram (MiB)                  compute ram               51200
    instances                  compute instances         30
    volumes                    volume volumes            50
    storage (MiB)              volume gigabytes (GiB)    1048576 (1024 GiB)
    snapshots                  volume snapshots          50
    security_group_count       network security_group    100
    security_group_rule_count  network security_group_rule 100
    floating_ip_count          network floatingip        50
    network_count              network network           10
    subnet_count               network subnet            10
    port_count                 network port              -1 (unlimited)
    volume_type_<name> (MiB)   volume gigabytes_<type>   (dynamic storage mode only)

An order's limits name the offering's components: `cores` is `vcpu`, `ram` and `storage`
keep their names, `volume_type_<name>` stays as it is.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

__all__ = [
    "DEFAULT_QUOTAS",
    "cloud_quotas",
    "limit_name",
    "quotas_from_limits",
    "volume_type_key",
]

DEFAULT_QUOTAS: dict[str, int] = {
    "vcpu": 20,
    "ram": 51200,
    "instances": 30,
    "volumes": 50,
    "storage": 1048576,
    "snapshots": 50,
    "security_group_count": 100,
    "security_group_rule_count": 100,
    "floating_ip_count": 50,
    "network_count": 10,
    "subnet_count": 10,
    "port_count": -1,
}

COMPUTE = {"vcpu": "cores", "ram": "ram", "instances": "instances"}
VOLUME = {"volumes": "volumes", "snapshots": "snapshots"}
NETWORK = {
    "security_group_count": "security_group",
    "security_group_rule_count": "security_group_rule",
    "floating_ip_count": "floatingip",
    "network_count": "network",
    "subnet_count": "subnet",
    "port_count": "port",
}
LIMIT_NAMES = {"cores": "vcpu"}
VOLUME_TYPE_PREFIX = "volume_type_"


def volume_type_key(volume_type: str) -> str:
    """The platform quota (and offering component) of one volume type."""
    return VOLUME_TYPE_PREFIX + "".join(c if c.isalnum() else "_" for c in volume_type.lower())


def quotas_from_limits(
    limits: Mapping[str, int], current: Mapping[str, int] | None = None
) -> dict[str, int]:
    """The platform quotas after an order's limits: `current` (or the defaults) with the
    limits applied."""
    quotas = dict(current if current is not None else DEFAULT_QUOTAS)
    for name, value in limits.items():
        quotas[LIMIT_NAMES.get(name, name)] = int(value)
    return quotas


def limit_name(quota: str) -> str:
    """The offering component (an order's limit) of platform quota `quota`: the reverse
    of `quotas_from_limits`'s renaming."""
    return next((limit for limit, name in LIMIT_NAMES.items() if name == quota), quota)


def _gigabytes(mebibytes: int) -> int:
    return -1 if mebibytes < 0 else math.ceil(mebibytes / 1024)


def cloud_quotas(
    quotas: Mapping[str, int], storage_mode: str, volume_types: Mapping[str, str] | None = None
) -> dict[str, dict[str, int]]:
    """Nova, Cinder and Neutron quota sets for the platform `quotas`.

    In dynamic storage mode each `volume_type_<key>` becomes `gigabytes_<type name>`
    (`volume_types` maps keys to the cloud's type names; unknown keys are left out), and
    the total `gigabytes` is their sum unless a `storage` quota is set too.
    """
    compute = {cloud: int(quotas[name]) for name, cloud in COMPUTE.items() if name in quotas}
    network = {cloud: int(quotas[name]) for name, cloud in NETWORK.items() if name in quotas}
    volume = {cloud: int(quotas[name]) for name, cloud in VOLUME.items() if name in quotas}
    if storage_mode == "dynamic":
        volume_types = volume_types or {}
        per_type = {
            volume_types[key]: _gigabytes(int(value))
            for key, value in quotas.items()
            if key.startswith(VOLUME_TYPE_PREFIX) and key in volume_types
        }
        volume.update({f"gigabytes_{name}": size for name, size in per_type.items()})
        if per_type:
            sizes = list(per_type.values())
            volume["gigabytes"] = -1 if -1 in sizes else sum(sizes)
    elif "storage" in quotas:
        volume["gigabytes"] = _gigabytes(int(quotas["storage"]))
    return {"compute": compute, "volume": volume, "network": network}
