"""The Glance v2 API: images, JSON-patch updates, streamed data, tags, actions."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from stackyard_emulator.auth import AuthContext, CloudDep, ProjectAuthDep
from stackyard_emulator.cloud import Cloud
from stackyard_emulator.errors import ApiError, glance_error
from stackyard_emulator.pagination import multi, parse_bool, parse_limit, take
from stackyard_emulator.store import Record
from stackyard_emulator.timeutil import iso_z
from stackyard_emulator.web import empty, read_json, reply

from .patch import apply_patch
from .state import CONTAINER_FORMATS, CORE, DISK_FORMATS, READ_ONLY

router = APIRouter(prefix="/image")

_VERSIONS = [
    "2.17",
    "2.16",
    "2.15",
    "2.14",
    "2.13",
    "2.12",
    "2.11",
    "2.10",
    "2.9",
    "2.8",
    "2.7",
    "2.6",
    "2.5",
    "2.4",
    "2.3",
    "2.2",
    "2.1",
    "2.0",
]


def bad(message: str) -> ApiError:
    """Glance's 400."""
    return glance_error(400, message)


def image_view(image: Record) -> dict[str, Any]:
    """An image as Glance shows it: core attributes, then custom properties at top level."""
    out = {k: v for k, v in image.items() if not k.startswith("_")}
    out.update(image["_properties"])
    out["tags"] = list(image["tags"])
    out["self"] = f"/v2/images/{image['id']}"
    out["file"] = f"/v2/images/{image['id']}/file"
    out["schema"] = "/v2/schemas/image"
    return out


def _not_found(image_id: str) -> ApiError:
    return glance_error(404, f"No image found with ID {image_id}")


def find_image(cloud: Cloud, image_id: str, context: AuthContext) -> Record:
    image = cloud.image.visible(image_id, context.project, context.is_admin)
    if image is None:
        raise _not_found(image_id)
    return image


def owned_image(cloud: Cloud, image_id: str, context: AuthContext) -> Record:
    image = find_image(cloud, image_id, context)
    if not context.is_admin and image["owner"] != context.project:
        raise glance_error(403, f"You are not permitted to modify image {image_id}.")
    return image


def check_attributes(attrs: dict[str, Any], context: AuthContext) -> None:
    """Glance's validation of client-set attributes (403 read-only, 400 bad values)."""
    for key in attrs:
        if key in READ_ONLY:
            raise glance_error(403, f"Attribute '{key}' is read-only.")
    if attrs.get("disk_format") is not None and attrs["disk_format"] not in DISK_FORMATS:
        raise bad(
            f"Invalid value '{attrs['disk_format']}' for parameter 'disk_format': "
            f"Invalid disk format '{attrs['disk_format']}' for image."
        )
    if (
        attrs.get("container_format") is not None
        and attrs["container_format"] not in CONTAINER_FORMATS
    ):
        raise bad(
            f"Invalid value '{attrs['container_format']}' for parameter "
            "'container_format': Invalid container format."
        )
    visibility = attrs.get("visibility")
    if visibility is not None and visibility not in ("public", "private", "shared", "community"):
        raise bad(f"Invalid value '{visibility}' for parameter 'visibility'.")
    if visibility == "public" and not context.is_admin:
        raise glance_error(403, "You are not authorized to complete publicize_image action.")
    for key in ("min_disk", "min_ram"):
        if key in attrs and (not isinstance(attrs[key], int) or attrs[key] < 0):
            raise bad(f"Invalid value for {key}: must be a non-negative integer.")
    if "owner" in attrs and not context.is_admin and attrs["owner"] != context.project:
        raise glance_error(403, "Owner can't be updated by non admin.")


@router.get("")
@router.get("/")
async def versions(cloud: CloudDep) -> Response:
    """Glance's versions (300 Multiple Choices)."""
    href = f"{cloud.config.base_url}/image/v2/"
    values = [
        {
            "id": f"v{v}",
            "status": "CURRENT" if i == 0 else "SUPPORTED",
            "links": [{"rel": "self", "href": href}],
        }
        for i, v in enumerate(_VERSIONS)
    ]
    return reply({"versions": values}, status=300)


@router.get("/v2/images")
async def list_images(request: Request, cloud: CloudDep, context: ProjectAuthDep) -> Response:
    """List images newest first with ``limit``/``marker`` and Glance's filters."""
    q = request.query_params
    limit = parse_limit(q.get("limit"), bad, maximum=1000) if q.get("limit") else 25
    marker = q.get("marker")
    table = cloud.image.images
    if marker is not None and (
        not table.has_marker(marker)
        or cloud.image.visible(marker, context.project, context.is_admin) is None
    ):
        raise bad(f"Invalid marker. Image {marker} could not be found.")
    visibility = q.get("visibility")
    hidden = parse_bool(q.get("os_hidden")) is True
    wanted_tags = set(multi(request, "tag"))
    equal = {
        k: q[k] for k in ("name", "status", "owner", "disk_format", "container_format") if k in q
    }
    protected = parse_bool(q.get("protected"))
    size_min, size_max = q.get("size_min"), q.get("size_max")
    ids = None
    if q.get("id"):
        raw = q["id"]
        ids = set(raw[3:].split(",")) if raw.startswith("in:") else {raw}

    def keep(image: Record) -> bool:
        mine = image["owner"] == context.project
        if visibility is None:
            ok = image["visibility"] == "public" or mine or context.is_admin
        elif visibility == "all":
            ok = image["visibility"] in ("public", "community") or mine or context.is_admin
        else:
            ok = image["visibility"] == visibility and (
                image["visibility"] in ("public", "community") or mine or context.is_admin
            )
        if not ok or image["os_hidden"] != hidden:
            return False
        if ids is not None and image["id"] not in ids:
            return False
        for key, value in equal.items():
            current = image.get(key)
            if key == "name" and value.startswith("in:"):
                if current not in value[3:].split(","):
                    return False
            elif str(current) != value:
                return False
        if protected is not None and image["protected"] != protected:
            return False
        if wanted_tags and not wanted_tags <= set(image["tags"]):
            return False
        size = image.get("size") or 0
        if size_min and size < int(size_min):
            return False
        return not (size_max and size > int(size_max))

    sort_dir = q.get("sort_dir", "desc")
    sort_key = q.get("sort_key")
    sort = q.get("sort")
    if sort or (sort_key and sort_key not in ("created_at", "id")):
        key, _, direction = (sort.split(",")[0] if sort else f"{sort_key}:{sort_dir}").partition(
            ":"
        )
        ordered = sorted(
            (i for i in table.values() if keep(i)),
            key=lambda i: (i.get(key) is None, str(i.get(key) or "")),
            reverse=(direction or "desc") == "desc",
        )
        if marker is not None:
            positions = [i["id"] for i in ordered]
            ordered = ordered[positions.index(marker) + 1 :] if marker in positions else []
        page, more = ordered[:limit], len(ordered) > (limit or 0)
    else:
        page, more = take(table.scan(newest_first=sort_dir != "asc", marker=marker), limit, keep)
    from urllib.parse import urlencode

    params = [(k, v) for k, v in q.multi_items() if k != "marker"]
    body: dict[str, Any] = {
        "images": [image_view(i) for i in page],
        "first": "/v2/images" + (f"?{urlencode(params)}" if params else ""),
        "schema": "/v2/schemas/images",
    }
    if page and len(page) == limit:
        body["next"] = f"/v2/images?{urlencode([*params, ('marker', page[-1]['id'])])}"
    del more
    return reply(body)


@router.post("/v2/images")
async def create_image(request: Request, cloud: CloudDep, context: ProjectAuthDep) -> Response:
    """Create a ``queued`` image record."""
    attrs = await read_json(request, bad)
    check_attributes(attrs, context)
    if attrs.get("id") and attrs["id"] in cloud.image.images:
        raise glance_error(409, f"Image with identifier {attrs['id']} already exists!")
    owner = str(attrs.pop("owner", None) or context.project)
    image = cloud.image.create(owner, attrs)
    return reply(
        image_view(image),
        status=201,
        headers={"Location": f"{cloud.config.base_url}/image/v2/images/{image['id']}"},
    )


@router.get("/v2/images/{image_id}")
async def show_image(image_id: str, cloud: CloudDep, context: ProjectAuthDep) -> Response:
    """Show an image."""
    return reply(image_view(find_image(cloud, image_id, context)))


@router.patch("/v2/images/{image_id}")
async def update_image(
    image_id: str, request: Request, cloud: CloudDep, context: ProjectAuthDep
) -> Response:
    """Apply a JSON patch (``application/openstack-images-v2.1-json-patch``)."""
    image = owned_image(cloud, image_id, context)
    media = request.headers.get("content-type", "").split(";")[0].strip()
    if media not in (
        "application/openstack-images-v2.1-json-patch",
        "application/openstack-images-v2.0-json-patch",
    ):
        raise glance_error(415, f"Unsupported Content-Type {media}")
    try:
        operations = json.loads(await request.body())
    except ValueError:
        raise bad("Malformed JSON in request body.") from None
    if not isinstance(operations, list):
        raise bad("Request body must be a JSON array of operation objects.")
    owner = image["owner"]
    apply_patch(image, operations, lambda attrs: check_attributes(attrs, context))
    if image["owner"] != owner:
        cloud.image.images.reown(image_id, str(image["owner"]))
    image["updated_at"] = iso_z()
    return reply(image_view(image))


@router.delete("/v2/images/{image_id}")
async def delete_image(image_id: str, cloud: CloudDep, context: ProjectAuthDep) -> Response:
    """Delete an unprotected image."""
    image = owned_image(cloud, image_id, context)
    if image["protected"]:
        raise glance_error(403, f"Image {image_id} is protected and cannot be deleted.")
    cloud.image.delete(image)
    return empty()


@router.put("/v2/images/{image_id}/tags/{tag}")
async def add_tag(image_id: str, tag: str, cloud: CloudDep, context: ProjectAuthDep) -> Response:
    """Tag an image."""
    image = owned_image(cloud, image_id, context)
    if tag not in image["tags"]:
        image["tags"].append(tag)
        image["updated_at"] = iso_z()
    return empty()


@router.delete("/v2/images/{image_id}/tags/{tag}")
async def remove_tag(image_id: str, tag: str, cloud: CloudDep, context: ProjectAuthDep) -> Response:
    """Untag an image; 404 when it lacks the tag."""
    image = owned_image(cloud, image_id, context)
    if tag not in image["tags"]:
        raise glance_error(404, f"Tag {tag} not found")
    image["tags"].remove(tag)
    image["updated_at"] = iso_z()
    return empty()


@router.post("/v2/images/{image_id}/actions/{action}")
async def image_action(
    image_id: str, action: str, cloud: CloudDep, context: ProjectAuthDep
) -> Response:
    """``deactivate`` / ``reactivate`` (admin)."""
    image = find_image(cloud, image_id, context)
    if action not in ("deactivate", "reactivate"):
        raise glance_error(404, f"Action {action} is not supported.")
    if not context.is_admin:
        raise glance_error(403, f"You are not authorized to complete {action}_image action.")
    if action == "deactivate":
        if image["status"] not in ("active", "deactivated"):
            raise glance_error(
                403, f"Not allowed to deactivate image in status '{image['status']}'"
            )
        image["status"] = "deactivated"
    else:
        if image["status"] not in ("active", "deactivated"):
            raise glance_error(
                403, f"Not allowed to reactivate image in status '{image['status']}'"
            )
        image["status"] = "active"
    return empty()


@router.get("/v2/schemas/image")
async def image_schema(context: ProjectAuthDep) -> Response:
    """A minimal image schema: the core attribute names (custom properties are strings)."""
    return reply(
        {
            "name": "image",
            "additionalProperties": {"type": "string"},
            "properties": {k: {} for k in CORE},
        }
    )
