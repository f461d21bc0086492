"""Filters and pagination for public lists."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import request
from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy import Select, func, select
from sqlalchemy.orm import lazyload

PER_PAGE = 25
PAGES_AHEAD = 20  # rows are counted this many pages past the current one, no further


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


class CappedPagination(SelectPagination):
    """A page whose total is counted only up to ``PAGES_AHEAD`` pages past it.

    An exact count reads every matching row — on a registry of 100,000 needs the slowest
    query of a list page, where the page itself reads 25 rows through an index. The capped
    count stops at the cap, so a page costs the same however long the list grows; ``more``
    says that the count stopped there (the pager then says "more than").
    """

    more: bool = False

    def _query_count(self) -> int:
        cap = (self.page + PAGES_AHEAD) * self.per_page
        query: Select[Any] = self._query_args["select"]
        capped = query.options(lazyload("*")).order_by(None).limit(cap + 1).subquery()
        counted = self._query_args["session"].scalar(select(func.count()).select_from(capped))
        self.more = int(counted or 0) > cap
        return min(int(counted or 0), cap)


def paginate(query: Select[Any]) -> CappedPagination:
    """The current page of ``query``, with a total counted up to a cap."""
    from aidregistry.extensions import db

    return CappedPagination(
        select=query, session=db.session(), page=page_number(), per_page=PER_PAGE, error_out=False
    )
