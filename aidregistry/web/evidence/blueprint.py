"""The evidence blueprint (routes in views.py and attachments.py)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("evidence", __name__, url_prefix="/evidence")
