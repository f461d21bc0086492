"""The token's owner, the OpenAPI description and its readable reference page."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from flask import Response, render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from aidregistry.models import ApiScope
from aidregistry.web.api import schemas as s
from aidregistry.web.api.auth import current_token, require
from aidregistry.web.api.openapi import openapi_document
from aidregistry.web.api.problems import from_http_exception, not_found, problem_response
from aidregistry.web.api.serialize import organisation_out
from aidregistry.web.api.spec import bp, operation


@operation("GET", "/me", summary="The token's owner and scope", tag="account", response=s.Me,
           scope=ApiScope.READ)
def me() -> s.Me:
    """Who the token belongs to, so a client can check its set-up."""
    user = require(ApiScope.READ)
    token = current_token()
    assert token is not None  # require() answered 401 otherwise  # noqa: S101
    return s.Me(user_id=user.id, name=user.name, organisation=organisation_out(user.organisation),
                organisation_state=user.organisation.state.value, scope=token.scope.value)


@cache
def _spec_text() -> str:
    return json.dumps(openapi_document(), ensure_ascii=False, indent=1)


@bp.get("/openapi.json")
def openapi_json() -> ResponseReturnValue:
    """The OpenAPI 3.1 description."""
    return Response(_spec_text(), mimetype="application/json")


def _schema_rows(schema: dict[str, Any]) -> list[dict[str, Any]]:
    required = set(schema.get("required", ()))
    return [{"name": name, "required": name in required, "type": _type_label(prop),
             "description": prop.get("description", "")}
            for name, prop in schema.get("properties", {}).items()]


def _type_label(prop: dict[str, Any]) -> str:
    if "$ref" in prop:
        return str(prop["$ref"]).rsplit("/", 1)[-1]
    if "anyOf" in prop:
        return " | ".join(_type_label(part) for part in prop["anyOf"])
    if prop.get("type") == "array":
        return f"array of {_type_label(prop.get('items', {}))}"
    if "enum" in prop:
        return " | ".join(str(value) for value in prop["enum"])
    return str(prop.get("format") or prop.get("type") or "any")


@bp.get("/docs")
def docs() -> ResponseReturnValue:
    """The reference, rendered on the server from the same description."""
    document = openapi_document()
    schemas = {name: _schema_rows(schema)
               for name, schema in document["components"]["schemas"].items()}
    return render_template("api/docs.html", document=document, schemas=schemas)


@bp.route("/<path:_rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def unknown(_rest: str) -> ResponseReturnValue:
    """Any other path under /api/v1 answers a problem document, not the HTML error page."""
    return problem_response(not_found())


@bp.app_errorhandler(404)
@bp.app_errorhandler(405)
def api_routing_error(error: HTTPException) -> ResponseReturnValue:
    """Paths under /api/ that match no route (even the catch-all, e.g. with a line break)
    answer a problem document; every other path keeps the HTML error page."""
    if request.path.startswith(bp.url_prefix or "/api/"):
        return problem_response(from_http_exception(error))
    code = error.code or 404
    return render_template("errors/error.html", code=code, error=error), code
