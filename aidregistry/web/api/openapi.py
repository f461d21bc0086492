"""The OpenAPI 3.1 description, built from the declared operations and pydantic models."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from aidregistry.web.api import schemas as s
from aidregistry.web.api.spec import OPERATIONS, Operation

REF = "#/components/schemas/{model}"
PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
ERROR_TEXT = {400: "Malformed request", 401: "No valid token", 403: "Not allowed",
              404: "Not found or not public", 409: "Changed by someone else",
              413: "Body too large", 415: "Not JSON", 422: "Invalid fields"}


def _components() -> dict[str, Any]:
    inputs = {op.body for op in OPERATIONS if op.body is not None}
    outputs = {op.response for op in OPERATIONS} | {s.Problem}
    models: list[tuple[type[BaseModel], Any]] = [
        *((model, "validation") for model in sorted(inputs, key=lambda m: m.__name__)),
        *((model, "serialization") for model in sorted(outputs, key=lambda m: m.__name__))]
    _keys, top = models_json_schema(models, ref_template=REF)
    return dict(top.get("$defs", {}))


def _parameters(op: Operation) -> list[dict[str, Any]]:
    params = [{"name": name, "in": "path", "required": True,
               "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}}
              for name in op.path_params]
    params += [{"name": p.name, "in": "query", "required": False, "schema": p.schema,
                "description": p.description} for p in op.params]
    return params


def _responses(op: Operation) -> dict[str, Any]:
    ref = {"$ref": REF.format(model=op.response.__name__)}
    responses: dict[str, Any] = {
        str(op.status): {"description": "OK", "content": {"application/json": {"schema": ref}}}}
    if op.method == "GET":
        responses["304"] = {"description": "Not modified (the ETag matched If-None-Match)"}
    codes = set(op.errors) | {401} | ({403} if op.scope else set())
    for code in sorted(codes):
        responses[str(code)] = {"description": ERROR_TEXT[code], "content": PROBLEM}
    return responses


def _operation(op: Operation) -> dict[str, Any]:
    entry: dict[str, Any] = {"operationId": op.operation_id, "summary": op.summary,
                             "tags": [op.tag], "parameters": _parameters(op),
                             "responses": _responses(op)}
    if op.body is not None:
        entry["requestBody"] = {"required": True, "content": {"application/json": {
            "schema": {"$ref": REF.format(model=op.body.__name__)}}}}
    if op.scope is not None:
        entry["security"] = [{"token": [op.scope.value]}]
    return entry


def openapi_document() -> dict[str, Any]:
    """The whole description, as a dict ready for JSON."""
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method.lower()] = _operation(op)
    return {
        "openapi": "3.1.0",
        "info": {"title": "AidRegistry API", "version": "1.0.0",
                 "description": "Public reads need no token. Writes need a personal API token "
                                "with the write scope, created on your account page and sent "
                                "as 'Authorization: Bearer <token>'. Quantities are in the "
                                "item's base unit. Errors are RFC 9457 problem documents."},
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {"schemas": _components(), "securitySchemes": {
            "token": {"type": "http", "scheme": "bearer",
                      "description": "A personal API token (ar_…)"}}},
    }
