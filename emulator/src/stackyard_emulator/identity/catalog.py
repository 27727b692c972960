"""Keystone services, endpoints and regions (the catalog's source)."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from stackyard_emulator.auth import AuthDep, CloudDep
from stackyard_emulator.errors import keystone_error
from stackyard_emulator.ids import new_hex
from stackyard_emulator.web import empty, member, read_json, reply

from .admin import bad, filtered, found, links, require_admin, view

router = APIRouter(prefix="/identity/v3")

_INTERFACES = ("public", "internal", "admin")


@router.get("/services")
async def list_services(request: Request, cloud: CloudDep, context: AuthDep) -> Response:
    """List catalog services."""
    records = filtered(request, list(cloud.identity.services.values()), ("type", "name"))
    return reply(
        {"services": [view(cloud, "services", s) for s in records], "links": links(cloud, request)}
    )


@router.post("/services")
async def create_service(request: Request, cloud: CloudDep, context: AuthDep) -> Response:
    """Register a service (admin)."""
    require_admin(context, "create_service")
    ref = member(await read_json(request, bad), "service", bad)
    if not ref.get("type"):
        raise bad("Invalid input for field 'type': None is not of type 'string'")
    service = cloud.identity.add_service(
        str(ref["type"]),
        str(ref.get("name", "")),
        enabled=ref.get("enabled", True),
        description=ref.get("description", ""),
    )
    return reply({"service": view(cloud, "services", service)}, status=201)


@router.get("/services/{service_id}")
async def show_service(service_id: str, cloud: CloudDep, context: AuthDep) -> Response:
    """Show a service."""
    service = found(cloud.identity.services, service_id, "service")
    return reply({"service": view(cloud, "services", service)})


@router.patch("/services/{service_id}")
async def update_service(
    service_id: str, request: Request, cloud: CloudDep, context: AuthDep
) -> Response:
    """Update a service (admin)."""
    require_admin(context, "update_service")
    service = found(cloud.identity.services, service_id, "service")
    ref = member(await read_json(request, bad), "service", bad)
    for key in ("type", "name", "enabled", "description"):
        if key in ref:
            service[key] = ref[key]
    return reply({"service": view(cloud, "services", service)})


@router.delete("/services/{service_id}")
async def delete_service(service_id: str, cloud: CloudDep, context: AuthDep) -> Response:
    """Delete a service and its endpoints (admin)."""
    require_admin(context, "delete_service")
    found(cloud.identity.services, service_id, "service")
    for endpoint_id, endpoint in list(cloud.identity.endpoints.items()):
        if endpoint["service_id"] == service_id:
            del cloud.identity.endpoints[endpoint_id]
    del cloud.identity.services[service_id]
    return empty()


@router.get("/endpoints")
async def list_endpoints(request: Request, cloud: CloudDep, context: AuthDep) -> Response:
    """List endpoints, filtered by ``service_id``, ``interface`` or ``region_id``."""
    records = filtered(
        request, list(cloud.identity.endpoints.values()), ("service_id", "interface", "region_id")
    )
    return reply(
        {
            "endpoints": [view(cloud, "endpoints", e) for e in records],
            "links": links(cloud, request),
        }
    )


@router.post("/endpoints")
async def create_endpoint(request: Request, cloud: CloudDep, context: AuthDep) -> Response:
    """Add an endpoint to a service (admin)."""
    require_admin(context, "create_endpoint")
    ref = member(await read_json(request, bad), "endpoint", bad)
    if ref.get("interface") not in _INTERFACES:
        raise bad(
            f"Invalid input for field 'interface': {ref.get('interface')!r} is not one of "
            f"['admin', 'internal', 'public']"
        )
    if not ref.get("url"):
        raise bad("Invalid input for field 'url': None is not of type 'string'")
    service_id = str(ref.get("service_id"))
    found(cloud.identity.services, service_id, "service")
    region = str(ref.get("region_id") or ref.get("region") or cloud.config.region)
    endpoint = cloud.identity.add_endpoint(
        service_id, str(ref["interface"]), str(ref["url"]), region
    )
    endpoint["enabled"] = bool(ref.get("enabled", True))
    return reply({"endpoint": view(cloud, "endpoints", endpoint)}, status=201)


@router.get("/endpoints/{endpoint_id}")
async def show_endpoint(endpoint_id: str, cloud: CloudDep, context: AuthDep) -> Response:
    """Show an endpoint."""
    endpoint = found(cloud.identity.endpoints, endpoint_id, "endpoint")
    return reply({"endpoint": view(cloud, "endpoints", endpoint)})


@router.patch("/endpoints/{endpoint_id}")
async def update_endpoint(
    endpoint_id: str, request: Request, cloud: CloudDep, context: AuthDep
) -> Response:
    """Update an endpoint (admin)."""
    require_admin(context, "update_endpoint")
    endpoint = found(cloud.identity.endpoints, endpoint_id, "endpoint")
    ref = member(await read_json(request, bad), "endpoint", bad)
    for key in ("url", "interface", "enabled", "service_id"):
        if key in ref:
            endpoint[key] = ref[key]
    if "region_id" in ref:
        endpoint["region_id"] = endpoint["region"] = ref["region_id"]
    return reply({"endpoint": view(cloud, "endpoints", endpoint)})


@router.delete("/endpoints/{endpoint_id}")
async def delete_endpoint(endpoint_id: str, cloud: CloudDep, context: AuthDep) -> Response:
    """Delete an endpoint (admin)."""
    require_admin(context, "delete_endpoint")
    found(cloud.identity.endpoints, endpoint_id, "endpoint")
    del cloud.identity.endpoints[endpoint_id]
    return empty()


@router.get("/regions")
async def list_regions(request: Request, cloud: CloudDep, context: AuthDep) -> Response:
    """List regions."""
    return reply(
        {
            "regions": [view(cloud, "regions", r) for r in cloud.identity.regions.values()],
            "links": links(cloud, request),
        }
    )


@router.get("/regions/{region_id}")
async def show_region(region_id: str, cloud: CloudDep, context: AuthDep) -> Response:
    """Show a region."""
    return reply(
        {"region": view(cloud, "regions", found(cloud.identity.regions, region_id, "region"))}
    )


@router.post("/regions")
async def create_region(request: Request, cloud: CloudDep, context: AuthDep) -> Response:
    """Create a region (admin)."""
    require_admin(context, "create_region")
    ref = member(await read_json(request, bad), "region", bad)
    region_id = str(ref.get("id") or new_hex())
    if region_id in cloud.identity.regions:
        raise keystone_error(409, f"Duplicate ID, {region_id}.")
    region = {
        "id": region_id,
        "description": ref.get("description", ""),
        "parent_region_id": ref.get("parent_region_id"),
    }
    cloud.identity.regions[region_id] = region
    return reply({"region": view(cloud, "regions", region)}, status=201)
