"""Strict JSON request bodies: size, depth, constants, duplicate keys, then the schema.

Flask's ``get_json()`` accepts NaN, Infinity and deeply nested arrays (a RecursionError,
so a 500); research/security-findings.md F8. Here every body is checked before it
reaches a model, and every refusal is a 4xx problem document.
"""

from __future__ import annotations

import json
from typing import Any, NoReturn, TypeVar

from flask import request
from flask_babel import gettext as _
from pydantic import BaseModel, ValidationError

from aidregistry.web.api.problems import ApiError

MAX_BODY_BYTES = 64 * 1024
MAX_DEPTH = 8
M = TypeVar("M", bound=BaseModel)


def _refuse_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"{text} is out of range")
    return value


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _value in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError("duplicate key in an object")
    return dict(pairs)


def nesting_depth(text: str) -> int:
    """The deepest nesting of arrays and objects, counted without recursion."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _raw_text() -> str:
    if request.mimetype != "application/json":
        raise ApiError(415, _("Unsupported media type"), _("Send the body as application/json."))
    length = request.content_length
    if length is not None and length > MAX_BODY_BYTES:
        raise ApiError(413, _("Content too large"),
                       _("The body is larger than %(max)s bytes.", max=MAX_BODY_BYTES))
    data = request.stream.read(MAX_BODY_BYTES + 1)
    if len(data) > MAX_BODY_BYTES:
        raise ApiError(413, _("Content too large"),
                       _("The body is larger than %(max)s bytes.", max=MAX_BODY_BYTES))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ApiError(400, _("Bad request"), _("The body is not UTF-8.")) from exc


def parse_strict(text: str) -> Any:
    """Parse JSON refusing NaN/Infinity, duplicate keys and deep nesting (ValueError)."""
    if nesting_depth(text) > MAX_DEPTH:
        raise ValueError(f"nested deeper than {MAX_DEPTH} levels")
    return json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float,
                      object_pairs_hook=_no_duplicates)


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


def _field_name(location: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in location)


def validation_problem(exc: ValidationError) -> ApiError:
    """Pydantic's errors as a field list."""
    errors = [{"field": _field_name(item["loc"]), "message": item["msg"]}
              for item in exc.errors(include_url=False, include_input=False)]
    return ApiError(422, _("Unprocessable content"), _("Some fields are not valid."), errors)


def read_body(model: type[M]) -> M:
    """The request body as ``model``, or an ApiError (400, 413, 415 or 422)."""
    text = _raw_text()
    try:
        parsed = parse_strict(text)
    except (ValueError, RecursionError) as exc:
        raise ApiError(400, _("Bad request"), _("The body is not valid JSON: %(why)s", why=exc)) \
            from exc
    if _has_nul(parsed):  # PostgreSQL refuses NUL in text (a 500 otherwise); SQLite stores it
        raise ApiError(400, _("Bad request"), _("Text may not contain NUL characters."))
    try:
        return model.model_validate_json(text)
    except ValidationError as exc:
        raise validation_problem(exc) from exc
