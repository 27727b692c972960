"""The merged OpenAPI document of every service, as the gateway serves it."""

from __future__ import annotations

import importlib
from typing import Any

from fastapi import FastAPI

from stackyard_common.topology import SERVICES

__all__ = ["merged_openapi", "service_app"]


def service_app(name: str) -> FastAPI:
    """A fresh instance of service `name`'s application (no lifespan is run)."""
    module = importlib.import_module(f"stackyard_{name}.app")
    app: FastAPI = module.create_app()
    return app


def _rename_refs(node: Any, renames: dict[str, str]) -> Any:
    """`node` with every `$ref` to a renamed component pointed at its new name."""
    if isinstance(node, dict):
        return {
            key: renames.get(value, value) if key == "$ref" else _rename_refs(value, renames)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_rename_refs(item, renames) for item in node]
    return node


def _title(name: str) -> str:
    return name[:1].upper() + name[1:]


def merged_openapi() -> dict[str, Any]:
    """One OpenAPI 3.1 document with the paths and components of every service.

    Components with the same name and the same content are kept once. Two services that
    define a component of the same name differently both keep theirs: the later one is
    renamed `<Service><Name>` (e.g. `NetworkSetErredRequest`) and its references follow,
    so that no service silently shadows another. Two services serving one path is an
    error.
    """
    merged: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": "Stackyard",
            "version": "0.1.0",
            "description": "Self-service cloud management: the REST API of every service.",
        },
        "paths": {},
        "components": {"schemas": {}, "securitySchemes": {}},
        "tags": [],
    }
    for spec in SERVICES:
        document = service_app(spec.name).openapi()
        renames: dict[str, str] = {}
        for kind, components in document.get("components", {}).items():
            target = merged["components"].setdefault(kind, {})
            for component, definition in components.items():
                if component in target and target[component] != definition:
                    renamed = f"{_title(spec.name)}{component}"
                    renames[f"#/components/{kind}/{component}"] = f"#/components/{kind}/{renamed}"
        document = _rename_refs(document, renames)
        for kind, components in document.get("components", {}).items():
            target = merged["components"][kind]
            for component, definition in components.items():
                name = renames.get(f"#/components/{kind}/{component}", component).rsplit("/", 1)[-1]
                target[name] = definition
        for path, operations in document.get("paths", {}).items():
            if path in merged["paths"]:
                raise ValueError(f"path {path} is served by two services")
            merged["paths"][path] = operations
        merged["tags"].append({"name": spec.name, "description": document["info"]["description"]})
    return merged
