"""Public pages: the dashboard, organisation pages, language choice and credits."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import func, select

from aidregistry.extensions import db
from aidregistry.models import (
    Donation,
    DonationStatus,
    ItemType,
    Need,
    NeedStatus,
    Organisation,
    VerificationState,
)
from aidregistry.models.base import today
from aidregistry.web.redirects import safe_next

bp = Blueprint("public", __name__)


@bp.get("/")
def index() -> ResponseReturnValue:
    """Totals by item: offered, allocated, needed."""
    verified = Organisation.state == VerificationState.VERIFIED
    offered = dict(db.session.execute(
        select(Donation.item_code, func.sum(Donation.quantity)).join(Organisation)
        .where(verified, Donation.status == DonationStatus.AVAILABLE)
        .group_by(Donation.item_code)).all())
    needed = dict(db.session.execute(
        select(Need.item_code, func.sum(Need.quantity - Need.allocated)).join(Organisation)
        .where(verified, Need.status == NeedStatus.OPEN, Need.expires_on >= today())
        .group_by(Need.item_code)).all())
    items = db.session.scalars(select(ItemType).order_by(ItemType.sort_order)).all()
    rows = [(item, offered.get(item.code, 0), needed.get(item.code, 0)) for item in items
            if offered.get(item.code) or needed.get(item.code)]
    counts = {"organisations": db.session.scalar(select(func.count()).where(verified)) or 0}
    return render_template("public/index.html", rows=rows, counts=counts)


@bp.get("/organisations/<int:org_id>")
def organisation(org_id: int) -> ResponseReturnValue:
    """A verified organisation's public page: no contact detail ever."""
    org = db.session.get(Organisation, org_id)
    if org is None or org.state is not VerificationState.VERIFIED:
        abort(404)
    donations = db.session.scalars(select(Donation).filter_by(organisation_id=org.id)
                                   .order_by(Donation.available_from.desc())).all()
    needs = db.session.scalars(select(Need).filter_by(organisation_id=org.id)
                               .order_by(Need.needed_by.desc())).all()
    return render_template("public/organisation.html", org=org, donations=donations, needs=needs,
                           today=today())


@bp.get("/language/<code>")
def language(code: str) -> ResponseReturnValue:
    """Remember the chosen language and go back."""
    from flask import current_app

    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    return redirect(safe_next(request.args.get("next"), url_for("public.index")))


@bp.get("/about")
def about() -> ResponseReturnValue:
    """What the registry is, its data sources and credits."""
    return render_template("public/about.html")
