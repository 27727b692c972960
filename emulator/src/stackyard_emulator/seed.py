"""Loading the seed YAML and building the initial cloud from it."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from .network import networks as network_ops
from .network.state import Caller

if TYPE_CHECKING:
    from .cloud import Cloud

# Catalog entries: (type, name, path below the public URL).
CATALOG = (
    ("identity", "keystone", "/identity"),
    ("compute", "nova", "/compute/v2.1"),
    ("network", "neutron", "/network"),
    ("block-storage", "cinder", "/volume/v3/$(project_id)s"),
    ("volumev3", "cinderv3", "/volume/v3/$(project_id)s"),
    ("image", "glance", "/image"),
)


def load_seed(path: Path | None = None) -> dict[str, Any]:
    """The default seed, with the top-level sections of ``path`` replacing its own."""
    text = resources.files("stackyard_emulator").joinpath("seed_default.yaml").read_text()
    seed: dict[str, Any] = yaml.safe_load(text)
    if path is not None:
        custom = yaml.safe_load(Path(path).read_text()) or {}
        if not isinstance(custom, dict):
            raise ValueError(f"{path}: a seed file must hold a mapping")
        seed.update(custom)
    return seed


def _identity(cloud: Cloud, seed: dict[str, Any]) -> None:
    ident = cloud.identity
    region = str(seed.get("region", cloud.config.region))
    cloud.config.region = region
    ident.regions[region] = {"id": region, "description": "", "parent_region_id": None}
    for domain in seed.get("domains", []):
        ident.add_domain(
            domain["name"], domain.get("id"), description=domain.get("description", "")
        )
    for role in seed.get("roles", []):
        ident.add_role(role)
    admin = seed.get("admin", {})
    domain = ident.find_by_name(ident.domains, admin.get("domain", "Default"))
    if domain is None:
        raise ValueError("the admin domain is not among the seeded domains")
    project = ident.add_project(
        admin.get("project", "admin"),
        domain["id"],
        description="Bootstrap project for initializing the cloud.",
    )
    user = ident.add_user(
        admin.get("user", "admin"),
        domain["id"],
        str(admin.get("password", "secret")),
        default_project_id=project["id"],
    )
    admin_role = ident.role_by_name("admin")
    if admin_role is None:
        raise ValueError("the seed must define the admin role")
    ident.grant(user["id"], "project", project["id"], admin_role["id"])
    ident.grant(user["id"], "domain", domain["id"], admin_role["id"])
    for spec in seed.get("projects", []):
        dom = ident.find_by_name(ident.domains, spec.get("domain", "Default"))
        assert dom is not None, spec
        ident.add_project(spec["name"], dom["id"], description=spec.get("description", ""))
    for spec in seed.get("users", []):
        dom = ident.find_by_name(ident.domains, spec.get("domain", "Default"))
        assert dom is not None, spec
        default = (
            ident.find_by_name(ident.projects, spec["default_project"], dom["id"])
            if spec.get("default_project")
            else None
        )
        new = ident.add_user(
            spec["name"],
            dom["id"],
            spec.get("password"),
            default_project_id=default["id"] if default else None,
        )
        for grant in spec.get("roles", []):
            target = ident.find_by_name(ident.projects, grant["project"], dom["id"])
            role = ident.role_by_name(grant["role"])
            if target is None or role is None:
                raise ValueError(f"seed user {spec['name']}: unknown project or role {grant}")
            ident.grant(new["id"], "project", target["id"], role["id"])
    base = cloud.config.base_url
    for service_type, name, path in CATALOG:
        service = ident.add_service(service_type, name)
        for interface in ("public", "internal", "admin"):
            ident.add_endpoint(service["id"], interface, base + path, region)


def apply_seed(cloud: Cloud, seed: dict[str, Any]) -> None:
    """Fill an empty cloud from a seed mapping."""
    from .compute.routes_flavors import new_flavor
    from .volume.routes_admin import new_type

    _identity(cloud, seed)
    admin_project = cloud.admin_project_id()
    compute = seed.get("compute", {})
    cloud.compute.zones = {
        str(z): [str(h) for h in hosts]
        for z, hosts in compute.get("availability_zones", {"nova": ["compute-1"]}).items()
    }
    for flavor in compute.get("flavors", []):
        spec = dict(flavor)
        if "ephemeral" in spec:
            spec["OS-FLV-EXT-DATA:ephemeral"] = spec.pop("ephemeral")
        if "is_public" in spec:
            spec["os-flavor-access:is_public"] = spec.pop("is_public")
        new_flavor(cloud.compute, spec)
    volume = seed.get("volume", {})
    cloud.volume.zones = [str(z) for z in volume.get("availability_zones", ["nova"])]
    cloud.volume.default_type = str(volume.get("default_type", "__DEFAULT__"))
    for vtype in volume.get("types", [{"name": "__DEFAULT__"}]):
        new_type(cloud.volume, dict(vtype))
    for image in seed.get("images", []):
        attrs = {k: v for k, v in image.items() if k not in ("properties", "size", "owner")}
        attrs.update({str(k): str(v) for k, v in (image.get("properties") or {}).items()})
        record = cloud.image.create(image.get("owner", admin_project), attrs)
        cloud.image.seed_content(record, int(image.get("size", 1024 * 1024)))
    projects = {p["name"]: p["id"] for p in cloud.identity.projects.values()}
    for spec in seed.get("networks", []):
        owner = projects.get(spec.get("project", ""), admin_project)
        caller = Caller(owner, True)
        body = {
            "name": spec["name"],
            "router:external": bool(spec.get("external", False)),
            "shared": bool(spec.get("shared", False)),
            "mtu": int(spec.get("mtu", 1500)),
            "tenant_id": owner,
        }
        network = network_ops.create_network(cloud.network, caller, body)
        for subnet in spec.get("subnets", []):
            network_ops.create_subnet(
                cloud.network, caller, dict(subnet, network_id=network["id"], tenant_id=owner)
            )
    quotas = seed.get("quotas", {}) or {}
    cloud.compute.quota_defaults.update(
        {k: int(v) for k, v in (quotas.get("compute") or {}).items()}
    )
    cloud.network.quota_defaults.update(
        {k: int(v) for k, v in (quotas.get("network") or {}).items()}
    )
    cloud.volume.quota_defaults.update({k: int(v) for k, v in (quotas.get("volume") or {}).items()})
