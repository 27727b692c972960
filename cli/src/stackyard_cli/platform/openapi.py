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


def merged_openapi() -> dict[str, Any]:
    """One OpenAPI 3.1 document with the paths and components of every service.

    Components with the same name and the same content are kept once; a clash of
    different definitions is an error, so that no service silently shadows another.
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
        for path, operations in document.get("paths", {}).items():
            if path in merged["paths"]:
                raise ValueError(f"path {path} is served by two services")
            merged["paths"][path] = operations
        for kind, components in document.get("components", {}).items():
            target = merged["components"].setdefault(kind, {})
            for component, definition in components.items():
                if component in target and target[component] != definition:
                    raise ValueError(f"{spec.name} redefines component {kind}/{component}")
                target[component] = definition
        merged["tags"].append({"name": spec.name, "description": document["info"]["description"]})
    return merged
