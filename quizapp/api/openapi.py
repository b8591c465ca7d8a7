"""The OpenAPI 3.1 description of the API, served at /api/openapi.json."""

from typing import Any

from quizapp.routing import MAX_ID


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(kind: str, **extra: Any) -> dict[str, Any]:
    return {"type": [kind, "null"], **extra}


def _id_parameter(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    }


def _operation(summary: str, schema: dict, parameters: list | None = None) -> dict[str, Any]:
    responses: dict[str, Any] = {
        "200": {"description": "OK", "content": {"application/json": {"schema": schema}}},
        "401": {"$ref": "#/components/responses/Unauthorized"},
    }
    if parameters:
        responses["404"] = {"$ref": "#/components/responses/NotFound"}
    operation: dict[str, Any] = {"summary": summary, "responses": responses}
    if parameters:
        operation["parameters"] = parameters
    return {"get": operation}


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


TIME = {"type": "string", "format": "date-time"}
NULLABLE_TIME = _nullable("string", format="date-time")

SCHEMAS = {
    "Error": _object({"error": {"type": "string"}}),
    "ClassSummary": _object(
        {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "students": {"type": "integer", "minimum": 0},
            "created_at": TIME,
        }
    ),
    "Student": _object(
        {"id": {"type": "integer"}, "username": {"type": "string"}, "name": {"type": "string"}}
    ),
    "ClassStudent": _object(
        {
            "id": {"type": "integer"},
            "username": {"type": "string"},
            "name": {"type": "string"},
            "in_class": {"type": "boolean"},
        }
    ),
    "Class": _object(
        {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "created_at": TIME,
            "students": {"type": "array", "items": _ref("ClassStudent")},
        }
    ),
    "Assignment": _object(
        {
            "id": {"type": "integer"},
            "class_id": {"type": "integer"},
            "set": _object({"slug": {"type": "string"}, "title": {"type": "string"}}),
            "opens_at": TIME,
            "due_at": NULLABLE_TIME,
            "attempts_allowed": {"type": "integer"},
            "time_limit_minutes": _nullable("integer"),
        }
    ),
    "Attempt": _object(
        {
            "number": {"type": "integer"},
            "started_at": TIME,
            "submitted_at": NULLABLE_TIME,
            "score": _nullable("number"),
            "max_score": {"type": "number"},
            "percent": _nullable("number", minimum=0, maximum=100),
            "reset": {"type": "boolean"},
        }
    ),
    "StudentResult": _object(
        {
            "student": _ref("Student"),
            "in_class": {"type": "boolean"},
            "status": {"type": "string", "enum": ["not_started", "in_progress", "submitted"]},
            "best_percent": _nullable("number", minimum=0, maximum=100),
            "attempts": {"type": "array", "items": _ref("Attempt")},
        }
    ),
    "Results": _object(
        {
            "assignment": _ref("Assignment"),
            "results": {"type": "array", "items": _ref("StudentResult")},
        }
    ),
}


def document() -> dict[str, Any]:
    error = {"application/json": {"schema": _ref("Error")}}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "quizapp API",
            "version": "1.0.0",
            "description": "Read-only access to a teacher's classes, assignments and results. "
            "Create a token on the teacher's API tokens page and send it as "
            "'Authorization: Bearer <token>'. Times are UTC; scores are the ones that count "
            "(a teacher's override when there is one).",
        },
        "servers": [{"url": "/api"}],
        "security": [{"bearer": []}],
        "paths": {
            "/classes": _operation(
                "The teacher's classes", {"type": "array", "items": _ref("ClassSummary")}
            ),
            "/classes/{class_id}": _operation(
                "A class with its students, past and present",
                _ref("Class"),
                [_id_parameter("class_id")],
            ),
            "/classes/{class_id}/assignments": _operation(
                "The class's assignments",
                {"type": "array", "items": _ref("Assignment")},
                [_id_parameter("class_id")],
            ),
            "/assignments/{assignment_id}/results": _operation(
                "Every student's attempts and best score on an assignment",
                _ref("Results"),
                [_id_parameter("assignment_id")],
            ),
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": SCHEMAS,
            "responses": {
                "Unauthorized": {"description": "No token, or not a valid one", "content": error},
                "NotFound": {"description": "Not one of this teacher's", "content": error},
            },
        },
    }
