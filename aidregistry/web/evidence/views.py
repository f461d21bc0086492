"""Manufacturers' pages: a maker's names, country, registrations and lots together."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user

from aidregistry.extensions import db
from aidregistry.models import Manufacturer
from aidregistry.services.manufacturers import lots_of
from aidregistry.web.evidence.blueprint import bp


@bp.get("/manufacturers/<int:manufacturer_id>")
def manufacturer(manufacturer_id: int) -> ResponseReturnValue:
    """One maker and its lots (those of verified organisations; all of them for
    coordinators), with the certificates each lot carries."""
    maker = db.get_or_404(Manufacturer, manufacturer_id)
    coordinator = current_user.is_authenticated and current_user.is_coordinator
    lots = lots_of(db.session(), maker, public_only=not coordinator)
    registrations = sorted(
        {(c.scheme.value, c.number) for lot in lots for c in lot.certificates if c.number}
    )
    return render_template(
        "evidence/manufacturer.html", maker=maker, lots=lots, registrations=registrations
    )
