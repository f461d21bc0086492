"""Errors as ``application/problem+json`` (RFC 9457), with a list of field errors."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from flask import Response
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from aidregistry.services.errors import Conflict, FieldErrors, NotAllowed, ServiceError

PROBLEM_TYPE = "application/problem+json"


@dataclass
class ApiError(Exception):
    """An error the API answers with; ``errors`` are ``{field, message}`` pairs."""

    status: int
    title: str
    detail: str | None = None
    errors: list[dict[str, str]] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)


def problem_response(error: ApiError) -> Response:
    """The JSON problem document for ``error``."""
    body: dict[str, Any] = {"type": "about:blank", "title": error.title, "status": error.status}
    if error.detail:
        body["detail"] = error.detail
    if error.errors:
        body["errors"] = error.errors
    response = Response(json.dumps(body, ensure_ascii=False), status=error.status,
                        mimetype=PROBLEM_TYPE)
    response.headers.update(error.headers)
    return response


def from_service_error(exc: ServiceError) -> ApiError:
    """A service's refusal as an API error: 403, 409 or 422."""
    message = _(exc.message)  # services speak English; the catalogue has their messages
    if isinstance(exc, FieldErrors):
        return ApiError(422, _("Unprocessable content"), message,
                        [{"field": field, "message": _(text)} for field, text in exc.errors])
    if isinstance(exc, NotAllowed):
        return ApiError(403, _("Forbidden"), message)
    if isinstance(exc, Conflict):
        return ApiError(409, _("Conflict"), message)
    return ApiError(422, _("Unprocessable content"), message,
                    [{"field": exc.field or "", "message": message}])


def from_http_exception(exc: HTTPException) -> ApiError:
    """Werkzeug's errors (404, 405, 413 …) in the same format."""
    code = exc.code or 500
    return ApiError(code, exc.name, exc.description if code != 500 else None)


def not_found() -> ApiError:
    """The record does not exist or is not public."""
    return ApiError(404, _("Not found"), _("No such record, or it is not public."))
