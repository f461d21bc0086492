"""Coordinators run the matcher as a dry run, review its proposals, and decide."""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from aidregistry.extensions import db
from aidregistry.models import Allocation, AllocationStatus, Donation, MatchRun, Need, ReasonCode
from aidregistry.models.base import today
from aidregistry.permissions import Permission, permission_required
from aidregistry.services import allocations, matching
from aidregistry.services.errors import ServiceError
from aidregistry.services.suggestions import suggest_donations
from aidregistry.web.choices import item_choices
from aidregistry.web.coordination.forms import DecideForm, ManualAllocationForm, MatchForm
from aidregistry.web.coordination.views import bp
from aidregistry.web.forms import as_choices


@bp.route("/match", methods=["GET", "POST"])
@permission_required(Permission.MATCH_RUN)
def match() -> ResponseReturnValue:
    """Choose the scope and date, then run the matcher (nothing is held until accepted)."""
    form = MatchForm()
    form.item_code.choices = as_choices(item_choices(blank=True))
    if not form.is_submitted():
        form.run_date.data = today()
    if form.validate_on_submit():
        scope = matching.Scope(
            form.item_code.data or None, (form.country.data or "").upper() or None
        )
        if _too_big_for_a_page(scope, form.run_date.data):
            return redirect(url_for("coordination.match"))
        run = matching.propose(db.session(), current_user, scope, form.run_date.data)
        db.session.commit()
        return redirect(url_for("coordination.run", run_id=run.id))
    latest = matching.latest_run(db.session())
    return render_template("coordination/match.html", form=form, latest=latest)


@bp.get("/match/<int:run_id>")
@permission_required(Permission.MATCH_RUN)
def run(run_id: int) -> ResponseReturnValue:
    """The proposals of one run, with explanations and totals against the current state."""
    match_run = db.get_or_404(MatchRun, run_id)
    return render_template(
        "coordination/run.html",
        run=match_run,
        proposals=matching.proposals(db.session(), match_run),
        form=DecideForm(),
    )


@bp.post("/match/<int:run_id>/decide")
@permission_required(Permission.ALLOCATION_APPROVE)
def decide(run_id: int) -> ResponseReturnValue:
    """Accept or reject the selected proposals; each is checked again as it is accepted."""
    match_run = db.get_or_404(MatchRun, run_id)
    form = DecideForm()
    if not form.validate_on_submit():
        abort(400)
    ids = [int(i) for i in form.selected.data or () if str(i).isdigit()]
    if request.form.get("all") == "1":
        ids = [
            a.id
            for a in matching.proposals(db.session(), match_run)
            if a.status is AllocationStatus.PROPOSED
        ]
    if not ids:
        flash(_("Select at least one proposal."), "warning")
        return redirect(url_for("coordination.run", run_id=run_id))
    done, problems = _apply(ids, run_id, form)
    db.session.commit()
    _report(form.action.data, done, problems)
    return redirect(url_for("coordination.run", run_id=run_id))


def _too_big_for_a_page(scope: matching.Scope, on: date) -> bool:
    """Refuse, with what to do instead, a run that would outlast the request."""
    donations, needs = matching.scope_size(db.session(), scope, on)
    limit = current_app.config["AIDREGISTRY_MATCH_WEB_MAX_RECORDS"]
    if donations + needs <= limit:
        return False
    flash(
        _(
            "This run would cover %(records)s donations and needs together, more than the "
            "%(limit)s a run from this page may cover before the page stops waiting. Narrow it "
            "to one item or one country, or run “aidregistry match --dry-run” on the server: "
            "its proposals appear here when it finishes.",
            records=f"{donations + needs:,}",
            limit=f"{limit:,}",
        ),
        "warning",
    )
    return True


def _apply(ids: list[int], run_id: int, form: DecideForm) -> tuple[int, list[str]]:
    done, problems = 0, []
    for allocation in db.session.scalars(
        select(Allocation).where(Allocation.id.in_(ids), Allocation.match_run_id == run_id)
    ):
        try:
            # One savepoint per proposal: a refused one leaves the others standing.
            with db.session.begin_nested():
                _one(allocation, form)
            done += 1
        except ServiceError as exc:
            problems.append(
                _("Proposal %(id)s: %(message)s", id=allocation.id, message=_(exc.message))
            )
    return done, problems


def _one(allocation: Allocation, form: DecideForm) -> None:
    if form.action.data == "accept":
        allocations.accept(db.session(), current_user, allocation)
    else:
        allocations.reject(
            db.session(),
            current_user,
            allocation,
            ReasonCode(form.reason_code.data),
            form.reason_text.data,
        )


def _report(action: str, done: int, problems: list[str]) -> None:
    if done:
        message = (
            ngettext("%(num)s proposal accepted.", "%(num)s proposals accepted.", done)
            if action == "accept"
            else ngettext("%(num)s proposal rejected.", "%(num)s proposals rejected.", done)
        )
        flash(message, "success")
    for problem in problems:
        flash(problem, "warning")


@bp.route("/needs/<int:need_id>/allocate", methods=["GET", "POST"])
@permission_required(Permission.ALLOCATION_APPROVE)
def allocate(need_id: int) -> ResponseReturnValue:
    """Allocate by hand, with the matcher's suggestions beside the form."""
    need = db.get_or_404(Need, need_id)
    placed = matching.placed(need)
    suggestions = suggest_donations(db.session(), need, today())
    form = ManualAllocationForm()
    form.donation_id.choices = as_choices(
        (
            s.record.id,
            f"#{s.record.id} {s.record.organisation.name} · "
            f"{s.record.remaining:,} · {s.km:,} km {_(s.mode)}",
        )
        for s in suggestions
    )
    if not form.is_submitted():
        form.donation_id.data = request.args.get("donation")
    if form.validate_on_submit():
        donation = db.session.get(Donation, int(form.donation_id.data))
        if donation is None:
            abort(400)
        try:
            allocations.create_manual(
                db.session(), current_user, donation, need, form.quantity.data or 0, form.note.data
            )
        except ServiceError as exc:
            db.session.rollback()
            form.quantity.errors = [*form.quantity.errors, _(exc.message)]
        else:
            db.session.commit()
            flash(_("The allocation is made and accepted."), "success")
            return redirect(url_for("needs.detail", need_id=need.id))
    return render_template(
        "coordination/allocate.html",
        need=need,
        form=form,
        suggestions=suggestions,
        placed=placed,
        today=today(),
    )
