"""Operations declared once: each registers its Flask route and its OpenAPI entry.

The decorator wraps the view so that every operation answers JSON or a problem document,
and GET answers carry an ETag (304 when it matches If-None-Match).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from flask import Blueprint, Response, request
from pydantic import BaseModel
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException

from aidregistry.extensions import db
from aidregistry.models import ApiScope
from aidregistry.services.errors import ServiceError
from aidregistry.web.api.problems import (
    ApiError,
    from_http_exception,
    from_service_error,
    not_found,
    problem_response,
)

bp = Blueprint("api", __name__, url_prefix="/api/v1")
View = Callable[..., Any]
RULE_PARAM = re.compile(r"<(?:int:)?(\w+)>")
ID_MAX = 2**31 - 1


@dataclass(frozen=True)
class Param:
    """A query parameter: its JSON schema and description."""

    name: str
    schema: dict[str, Any]
    description: str


@dataclass(frozen=True)
class Operation:
    """What the OpenAPI description says about one route."""

    method: str
    rule: str
    operation_id: str
    summary: str
    tag: str
    response: type[BaseModel]
    status: int = 200
    body: type[BaseModel] | None = None
    params: tuple[Param, ...] = ()
    scope: ApiScope | None = None
    errors: tuple[int, ...] = field(default=())

    @property
    def path(self) -> str:
        """The OpenAPI path template (``{id}`` for Flask's ``<int:id>``)."""
        return RULE_PARAM.sub(r"{\1}", self.rule)

    @property
    def path_params(self) -> list[str]:
        """The names of the path parameters (all integers here)."""
        return RULE_PARAM.findall(self.rule)


OPERATIONS: list[Operation] = []


def session() -> Session:
    """The request's database session, typed for the services."""
    return db.session  # type: ignore[return-value]  # a scoped_session proxies a Session


def _json(model: BaseModel, status: int) -> Response:
    return Response(model.model_dump_json(), status=status, mimetype="application/json")


def _conditional(response: Response) -> Response:
    digest = hashlib.sha256(response.get_data()).hexdigest()[:32]
    response.set_etag(digest)
    response.headers["Cache-Control"] = "no-cache"
    if request.if_none_match.contains(digest):
        not_modified = Response(status=304)
        not_modified.set_etag(digest)
        not_modified.headers["Cache-Control"] = "no-cache"
        return not_modified
    return response


def _answer(view: View, op: Operation, kwargs: dict[str, Any]) -> Response:
    try:
        from aidregistry.web.api.auth import current_token

        current_token()  # a token that is sent must be valid, even where none is needed
        if any(value > ID_MAX for value in kwargs.values()):
            # Larger ids overflow SQLite's and PostgreSQL's integers (a 500 otherwise).
            raise not_found()
        result = view(**kwargs)
        model, headers = result if isinstance(result, tuple) else (result, {})
        response = _json(model, op.status)
        response.headers.update(headers)
        if op.method == "GET":
            return _conditional(response)
        db.session.commit()
        return response
    except ServiceError as exc:
        db.session.rollback()
        return problem_response(from_service_error(exc))
    except ApiError as exc:
        db.session.rollback()
        return problem_response(exc)
    except HTTPException as exc:
        db.session.rollback()
        return problem_response(from_http_exception(exc))


def operation(method: str, rule: str, *, summary: str, tag: str, response: type[BaseModel],
              **options: Any) -> Callable[[View], View]:
    """Declare an operation: its route, its description, and the JSON/problem wrapping."""

    def decorator(view: View) -> View:
        op = Operation(method, rule, view.__name__, summary, tag, response, **options)
        OPERATIONS.append(op)

        @wraps(view)
        def wrapped(**kwargs: Any) -> Response:
            return _answer(view, op, kwargs)

        bp.add_url_rule(rule, endpoint=view.__name__, view_func=wrapped, methods=[method])
        return view

    return decorator
