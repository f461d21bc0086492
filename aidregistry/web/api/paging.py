"""Query-string filters and cursor pagination over (sort key, id).

The cursor is opaque to clients: base64 of the last row's sort key and id. Keyset
pagination stays correct while rows are added, unlike page numbers.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from flask import request
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, and_, or_

from aidregistry.extensions import db
from aidregistry.web.api.problems import ApiError
from aidregistry.web.api.spec import Param

DEFAULT_LIMIT, MAX_LIMIT = 50, 200
LIMIT = Param("limit", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT,
                        "default": DEFAULT_LIMIT}, "rows per page")
CURSOR = Param("cursor", {"type": "string", "maxLength": 200},
               "next_cursor of the previous page")


def bad_parameter(name: str, message: str) -> ApiError:
    """A 400 naming the query parameter."""
    return ApiError(400, _("Bad request"), message, [{"field": name, "message": message}])


def int_arg(name: str, low: int, high: int) -> int | None:
    """An integer query parameter within bounds (400 when malformed)."""
    raw = request.args.get(name)
    if raw is None:
        return None
    if not raw.isascii() or not raw.isdigit() or len(raw) > 12 or not low <= int(raw) <= high:
        raise bad_parameter(name, _("Give a whole number from %(low)s to %(high)s.",
                                    low=low, high=high))
    return int(raw)


def choice_arg(name: str, choices: Sequence[str]) -> str | None:
    """A query parameter restricted to ``choices``."""
    raw = request.args.get(name)
    if raw is None:
        return None
    if raw not in choices:
        raise bad_parameter(name, _("Give one of: %(choices)s.", choices=", ".join(choices)))
    return raw


def date_arg(name: str) -> date | None:
    """An ISO date query parameter."""
    raw = request.args.get(name)
    if raw is None:
        return None
    try:
        if len(raw) != 10:
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise bad_parameter(name, _("Give a date as YYYY-MM-DD.")) from exc


def text_arg(name: str, max_length: int) -> str | None:
    """A short text query parameter."""
    raw = request.args.get(name)
    if raw is not None and (len(raw) > max_length or not raw or "\x00" in raw):
        raise bad_parameter(name, _("Give at most %(max)s characters.", max=max_length))
    return raw


def _encode(key: Any, row_id: int) -> str:
    plain = key.isoformat() if isinstance(key, date | datetime) else key
    raw = json.dumps([plain, row_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str, key_type: type) -> tuple[Any, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        key, row_id = json.loads(raw)
        if not isinstance(row_id, int) or isinstance(row_id, bool):
            raise ValueError(row_id)
        if key_type is int:
            if not isinstance(key, int) or isinstance(key, bool):
                raise ValueError(key)
            return key, row_id
        parsed: Any = key_type.fromisoformat(key)  # type: ignore[attr-defined]
        return parsed, row_id
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
        raise bad_parameter("cursor", _("This cursor is not one the API gave out.")) from exc


def page(query: Select[Any], key: Any, id_column: Any, key_type: type,
         descending: bool = True) -> tuple[list[Any], str | None]:
    """One page of ``query`` ordered by (key, id), and the cursor of the next page."""
    limit = int_arg("limit", 1, MAX_LIMIT) or DEFAULT_LIMIT
    cursor = text_arg("cursor", 200)
    if cursor:
        last_key, last_id = _decode(cursor, key_type)
        query = query.where(_after(key, id_column, last_key, last_id, descending))
    order = (key.desc(), id_column.desc()) if descending else (key.asc(), id_column.asc())
    rows = list(db.session.scalars(query.order_by(*order).limit(limit + 1)))
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    last = rows[-1]
    return rows, _encode(getattr(last, key.key), last.id)


def _after(key: Any, id_column: Any, last_key: Any, last_id: int,
           descending: bool) -> ColumnElement[bool]:
    if descending:
        return or_(key < last_key, and_(key == last_key, id_column < last_id))
    return or_(key > last_key, and_(key == last_key, id_column > last_id))
