"""Public pages: the dashboard, organisation pages, language choice and credits."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from aidregistry.extensions import db
from aidregistry.models import (
    Donation,
    Need,
    Organisation,
    VerificationState,
)
from aidregistry.models.base import today
from aidregistry.services import statistics
from aidregistry.web.public.charts import coverage_rows, label_every, weekly_chart
from aidregistry.web.quantities import country_name, quantity_words
from aidregistry.web.redirects import safe_next

bp = Blueprint("public", __name__)
bp.add_app_template_filter(quantity_words, "quantity_words")
bp.add_app_template_filter(country_name, "country_name")


@bp.get("/")
def index() -> ResponseReturnValue:
    """The dashboard: totals by item, coverage of needs, deliveries over time, who gives most."""
    session = db.session()
    weeks = statistics.deliveries_by_week(session)
    coverage = statistics.coverage_by_priority(session)
    current = any(c.needs for c in coverage)  # else the record: every need, open or not
    if not current:
        coverage = statistics.coverage_by_priority(session, current=False)
    return render_template(
        "public/index.html", totals=statistics.item_totals(session),
        coverage=coverage_rows(list(coverage)), current_coverage=current,
        weeks=weeks, chart=weekly_chart(weeks), label_step=label_every(len(weeks)),
        donors=statistics.top_organisations(session, donors=True),
        recipients=statistics.top_organisations(session, donors=False),
        recent=statistics.recent_deliveries(session), counts=statistics.headline(session))


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
