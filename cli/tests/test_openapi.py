"""The merged OpenAPI document: every service's paths, no reference left dangling."""

from __future__ import annotations

import json
import re

from stackyard_cli.platform.openapi import _rename_refs, merged_openapi
from stackyard_common.topology import SERVICES


def test_merged_document_has_every_service_and_no_dangling_reference() -> None:
    document = merged_openapi()
    for spec in SERVICES:
        assert f"/api/{spec.name}/readyz" in document["paths"]
    text = json.dumps(document)
    referenced = set(re.findall(r'"#/components/schemas/([^"]+)"', text))
    assert referenced <= set(document["components"]["schemas"])


def test_a_clashing_component_is_renamed_with_its_references() -> None:
    document = {
        "paths": {"/x": {"post": {"$ref": "#/components/schemas/Body"}}},
        "components": {"schemas": {"Body": {"type": "object"}}},
    }
    renamed = _rename_refs(document, {"#/components/schemas/Body": "#/components/schemas/XBody"})
    assert renamed["paths"]["/x"]["post"]["$ref"] == "#/components/schemas/XBody"
    assert document["paths"]["/x"]["post"]["$ref"] == "#/components/schemas/Body"
