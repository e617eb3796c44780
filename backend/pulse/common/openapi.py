"""Schema post-processing: what every 412 answer's ``details`` holds."""

from __future__ import annotations

from typing import Any

STALE_DESCRIPTION = (
    "Stale If-Match: details.current holds the current representation, details.etag its ETag, "
    "details.changed_by who made the newest change since the version you sent (null if unknown) and "
    "details.changed_fields every field changed since (a project's: `milestones` or `members` when a child changed)."
)

SCHEMAS: dict[str, Any] = {
    "ChangedBy": {
        "type": "object",
        "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
        "required": ["id", "name"],
    },
    "PreconditionFailedDetails": {
        "type": "object",
        "properties": {
            "current": {
                "type": "object",
                "additionalProperties": {},
                "description": "The current representation, as a GET answers it.",
            },
            "etag": {"type": "string", "description": "Its strong ETag: send it as If-Match to write over it."},
            "changed_by": {
                "allOf": [{"$ref": "#/components/schemas/ChangedBy"}],
                "nullable": True,
                "description": "Who made the newest change since your version; null if unknown.",
            },
            "changed_fields": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Every field changed since your version, sorted; empty if unknown.",
            },
        },
        "required": ["current", "etag", "changed_by", "changed_fields"],
    },
    "PreconditionFailedBody": {
        "type": "object",
        "properties": {
            "code": {"type": "string", "enum": ["precondition_failed"]},
            "message": {"type": "string"},
            "details": {"$ref": "#/components/schemas/PreconditionFailedDetails"},
        },
        "required": ["code", "message", "details"],
    },
    "PreconditionFailed": {
        "type": "object",
        "properties": {"error": {"$ref": "#/components/schemas/PreconditionFailedBody"}},
        "required": ["error"],
    },
}


def precondition_failed_schema(result: dict[str, Any], **_: Any) -> dict[str, Any]:
    """drf-spectacular post-processing hook: every 412 response in the one stale-write shape."""
    stale = 0
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            response = operation.get("responses", {}).get("412") if isinstance(operation, dict) else None
            if response is None:
                continue
            response["description"] = STALE_DESCRIPTION
            response["content"] = {"application/json": {"schema": {"$ref": "#/components/schemas/PreconditionFailed"}}}
            stale += 1
    if stale:
        schemas = result.setdefault("components", {}).setdefault("schemas", {})
        for name, schema in SCHEMAS.items():
            schemas.setdefault(name, schema)  # ChangedBy: the bulk report's, the same shape
    return result
