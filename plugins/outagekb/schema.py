"""JSON Schemas (draft 2020-12) of the incident file and the catalog, generated from the
format's field table, so that an editor completes and checks what the loader accepts.

Editors read YAML 1.2, where an unquoted `404` is a number and `true` a boolean, while
the loader keeps every scalar as the text written; text fields therefore also accept
numbers and booleans. What no schema can say (an impossible date, time order, one
trigger, ids the catalog defines, duplicate keys) stays the loader's job; with a catalog
given, cause and lesson ids become enums with their titles so editors can offer them.
"""

from __future__ import annotations

import json
from typing import Any

from . import convert, paths, spec
from .model import DEFAULT_SEVERITIES, Catalog

DRAFT = "https://json-schema.org/draft/2020-12/schema"
INCIDENT_SCHEMA_PATH = paths.INCIDENT_SCHEMA_PATH
CATALOG_SCHEMA_PATH = paths.CATALOG_SCHEMA_PATH

_TEXT_TYPES = ["string", "number", "boolean"]
_LINE_PATTERN = "^(?=.*\\S)[^" + convert.LINE_FORBIDDEN_CHARS + "\n\r]*$"
_MARKDOWN_PATTERN = "^[^" + convert.TEXT_FORBIDDEN_CHARS + "]*$"
_NON_BLANK_MARKDOWN_PATTERN = "^(?=[\\s\\S]*\\S)[^" + convert.TEXT_FORBIDDEN_CHARS + "]*$"
_URL_PATTERN = "^\\s*[Hh][Tt][Tt][Pp][Ss]?://[^\\s/?#]+\\S*\\s*$"


class _Generator:
    def __init__(self, catalog: Catalog | None) -> None:
        self.catalog = catalog

    def record(self, record: spec.Record) -> dict[str, Any]:
        schema: dict[str, Any] = {
            "type": "object",
            "properties": {f.name: self.field(f) for f in record.fields},
            "required": [f.name for f in record.fields if f.required and not f.unless],
            "additionalProperties": False,
        }
        # a field required unless a flag is true (`causes` unless `unclassified: true`), and
        # then left out
        conditions = [
            {
                "if": {"properties": {f.unless: {"const": True}}, "required": [f.unless]},
                "then": {"not": {"required": [f.name]}},
                "else": {"required": [f.name]},
            }
            for f in record.fields
            if f.required and f.unless
        ]
        if conditions:
            schema["allOf"] = conditions
        return schema

    def field(self, f: spec.Field) -> dict[str, Any]:
        schema = {"description": _plain(f.doc), **self.value(f)}
        if f.default is not None:
            schema["default"] = {"true": True, "false": False}.get(f.default, f.default)
        if not f.required and f.kind != spec.ROLES:
            _allow_null(schema)  # `impact:` with nothing after it means "not given"
        return schema

    def value(self, f: spec.Field) -> dict[str, Any]:
        kind = f.kind
        if kind == spec.LIST:
            assert f.item is not None
            schema: dict[str, Any] = {"type": "array", "items": self.value(f.item)}
            if f.min_items:
                schema["minItems"] = f.min_items
            return schema
        if kind == spec.RECORD:
            assert f.record is not None
            return self.record(f.record)
        if kind == spec.ROLES:
            one = {"enum": list(f.choices)}
            return {"anyOf": [one, {"type": "array", "items": one, "minItems": 1}]}
        if kind == spec.ENUM:
            return {"enum": list(f.choices)}
        if kind == spec.LINE:
            return {"type": list(_TEXT_TYPES), "maxLength": f.max_length, "pattern": _LINE_PATTERN}
        if kind == spec.MARKDOWN:
            text = {"type": list(_TEXT_TYPES), "pattern": _NON_BLANK_MARKDOWN_PATTERN if f.required else _MARKDOWN_PATTERN}
            return {"anyOf": [text, self.record(f.longhand)]} if f.longhand is not None else text
        if kind == spec.TIMESTAMP:
            return {"type": "string", "pattern": convert.TIMESTAMP_PATTERN}
        if kind == spec.DATE:
            return {"type": "string", "anyOf": [{"pattern": convert.DATE_PATTERN}, {"pattern": convert.TIMESTAMP_PATTERN}]}
        if kind == spec.BOOL:
            return {"type": "boolean"}
        if kind == spec.URL:
            return {"type": "string", "pattern": _URL_PATTERN}
        if kind == spec.ID:
            return self.identifier(f)
        raise ValueError(f"no schema for field kind {kind!r}")  # a new kind in spec.py needs a rule here

    def identifier(self, f: spec.Field) -> dict[str, Any]:
        entries: dict[str, Any] = {}
        catalog = self.catalog
        if catalog is not None and f.refers == "cause":
            entries = catalog.causes
        elif catalog is not None and f.refers == "lesson":
            entries = catalog.lessons
        elif f.refers == "severity":  # a scale always exists: the catalog's, else the default one
            scale = catalog.severities if catalog is not None else DEFAULT_SEVERITIES
            return {
                "enum": [level.id for level in scale],
                "markdownEnumDescriptions": [
                    f"{level.title}: {level.description}" if level.description else level.title for level in scale
                ],
            }
        if entries:
            return {
                "enum": list(entries),
                "markdownEnumDescriptions": [entry.title for entry in entries.values()],
            }
        return {"type": "string", "pattern": spec.ID_PATTERN, "minLength": spec.ID_MIN, "maxLength": spec.ID_MAX}


def _allow_null(schema: dict[str, Any]) -> None:
    if "enum" in schema:
        schema["enum"] = [*schema["enum"], None]
    elif isinstance(schema.get("type"), list):
        schema["type"] = [*schema["type"], "null"]
    elif "type" in schema:
        schema["type"] = [schema["type"], "null"]


def _plain(doc: str) -> str:
    return doc.replace("`", "")


def _document(title: str, description: str, record: spec.Record, catalog: Catalog | None) -> dict[str, Any]:
    return {"$schema": DRAFT, "title": title, "description": description, **_Generator(catalog).record(record)}


def incident_schema(catalog: Catalog | None = None, *, organization: str | None = None) -> dict[str, Any]:
    """The schema of one incident file; with `catalog`, cause and lesson ids are enums; with
    the site's default `organization`, a file may leave it out."""
    description = "One outage, as a YAML file in incidents/ (format version 1)."
    document = _document("outagekb incident", description, spec.INCIDENT, catalog)
    if organization:
        document["required"].remove("organization")
        document["properties"]["organization"]["default"] = organization
    # a placeholder (`duplicate_of` given, not empty) holds nothing else; any other file is an incident
    whole = {"required": document.pop("required")}
    if "allOf" in document:
        whole["allOf"] = document.pop("allOf")
    document["if"] = {
        "required": [spec.PLACEHOLDER_FIELD],
        "properties": {spec.PLACEHOLDER_FIELD: {"not": {"type": "null"}}},
    }
    document["then"] = {"propertyNames": {"const": spec.PLACEHOLDER_FIELD}}
    document["else"] = whole
    return document


def catalog_schema() -> dict[str, Any]:
    """The schema of `incidents/catalog.yaml`."""
    return _document("outagekb catalog", "The causes and lessons that incidents refer to.", spec.CATALOG, None)


def dumps(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
