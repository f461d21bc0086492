"""Filters and pagination for public lists."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import request
from sqlalchemy import Select

PER_PAGE = 25


def page_number() -> int:
    """The requested page (1 when missing or malformed)."""
    raw = request.args.get("page", "1")
    return max(1, int(raw)) if raw.isdigit() and len(raw) < 7 else 1


def date_arg(name: str) -> date | None:
    """A date filter from the query string (ignored when malformed)."""
    raw = request.args.get(name, "")
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def text_arg(name: str, max_length: int = 64) -> str:
    """A short text filter from the query string."""
    return request.args.get(name, "").strip()[:max_length]


def paginate(query: Select[Any]) -> Any:
    """A Flask-SQLAlchemy pagination of ``query`` for the current page."""
    from aidregistry.extensions import db

    return db.paginate(query, page=page_number(), per_page=PER_PAGE, error_out=False)
