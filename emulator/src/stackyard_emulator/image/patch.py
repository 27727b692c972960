"""Glance's flavour of JSON patch over an image's attributes and properties."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from stackyard_emulator.errors import glance_error
from stackyard_emulator.store import Record

from .state import CORE


def _name(path: Any) -> str:
    if not isinstance(path, str) or not path.startswith("/") or len(path) < 2:
        raise glance_error(400, f'Pointer `{path}` does not start with "/".')
    return path[1:].replace("~1", "/").replace("~0", "~")


def apply_patch(
    image: Record, operations: list[Any], validate: Callable[[dict[str, Any]], None]
) -> None:
    """Apply ``add``/``replace``/``remove`` operations in order, all or nothing."""
    staged = dict(image)
    props = dict(image["_properties"])
    tags = list(image["tags"])
    for operation in operations:
        if not isinstance(operation, dict) or operation.get("op") not in (
            "add",
            "replace",
            "remove",
        ):
            raise glance_error(
                400,
                f"Operation objects must contain exactly one member named "
                f'"add", "remove", or "replace": {operation}',
            )
        op, name = operation["op"], _name(operation.get("path"))
        if name.startswith("tags"):
            if name == "tags" and op in ("add", "replace"):
                tags = [str(t) for t in dict.fromkeys(operation.get("value") or [])]
                continue
            raise glance_error(400, "Invalid JSON pointer for this resource: '/" + name + "'")
        if name == "id":
            raise glance_error(403, "Attribute 'id' is read-only.")
        if op == "remove":
            if name in CORE:
                raise glance_error(403, f"Attribute '{name}' is read-only.")
            if name not in props:
                raise glance_error(409, f"Property {name} does not exist.")
            del props[name]
            continue
        if "value" not in operation:
            raise glance_error(400, f'Operation "{op}" requires a member named "value".')
        value = operation["value"]
        validate({name: value})
        if name in CORE:
            staged[name] = value
        elif op == "replace" and name not in props:
            raise glance_error(409, f"Property {name} does not exist.")
        else:
            props[name] = value
    for key in CORE:
        if key in staged and key in image:
            image[key] = staged[key]
    image["_properties"] = props
    image["tags"] = tags
