"""Writes with a write-scoped token: the same services and rules as the web forms."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from aidregistry.domain.evidence.declared import Declared
from aidregistry.extensions import db
from aidregistry.models import ApiScope, CertificateScheme, Donation, Need, User
from aidregistry.permissions import Permission, can_edit, permissions_of
from aidregistry.services import records
from aidregistry.services.certificates import CertificateEntry
from aidregistry.services.places import place_from
from aidregistry.web.api import schemas as s
from aidregistry.web.api.auth import require
from aidregistry.web.api.body import read_body
from aidregistry.web.api.problems import ApiError, not_found
from aidregistry.web.api.serialize import donation_out, need_out
from aidregistry.web.api.spec import operation, session
from aidregistry.web.geocoder import get_geocoder

WRITE_ERRORS = (400, 401, 403, 413, 415, 422)


def _writer(permission: Permission) -> User:
    user = records_user()
    if permission not in permissions_of(user):
        raise ApiError(403, _("Forbidden"), _("Your organisation may not do this."))
    return user


def records_user() -> User:
    """The token's user, for a write."""
    return require(ApiScope.WRITE)


def _quantity(body: s.QuantityFields) -> records.Quantity:
    return records.Quantity(body.quantity, body.unit == "packs", body.pack_size, body.pack_label)


def _donation_input(body: s.DonationWrite, country: str) -> records.DonationInput:
    place = place_from(get_geocoder(), body.place, country, body.lat, body.lon)
    return records.DonationInput(
        item_code=body.item_code, quantity=_quantity(body), standard_code=body.standard_code,
        place=place, place_text=body.place, available_from=body.available_from,
        modes=frozenset(mode.value for mode in body.modes),
        certificates=tuple(_certificate(n, c) for n, c in enumerate(body.certificates)),
        manufacturer=body.manufacturer, lot=body.lot, expires_on=body.expires_on,
        notes=body.notes)


def _certificate(index: int, body: s.CertificateWrite) -> CertificateEntry:
    declared = Declared(
        CertificateScheme(body.scheme), body.number, body.notified_body or "", body.issuer or "",
        body.tested_standard or "", body.valid_from, body.valid_until)
    parts = ("number", "notified_body", "issuer", "tested_standard", "valid_until")
    return CertificateEntry(declared, {part: f"certificates[{index}].{part}" for part in parts})


def _need_input(body: s.NeedWrite, country: str) -> records.NeedInput:
    place = place_from(get_geocoder(), body.place, country, body.lat, body.lon)
    return records.NeedInput(
        item_code=body.item_code, quantity=_quantity(body),
        accepted_standards=tuple(dict.fromkeys(body.accepted_standards)),
        priority=body.priority, needed_by=body.needed_by, place=place, place_text=body.place,
        expires_on=body.expires_on, notes=body.notes)


def _own_donation(user: User, donation_id: int) -> Donation:
    donation = db.session.get(Donation, donation_id)
    if donation is None:
        raise not_found()
    if not can_edit(donation, user):
        raise ApiError(403, _("Forbidden"), _("You can only change your own organisation's "
                                              "records."))
    return donation


def _own_need(user: User, need_id: int) -> Need:
    need = db.session.get(Need, need_id)
    if need is None:
        raise not_found()
    if not can_edit(need, user):
        raise ApiError(403, _("Forbidden"), _("You can only change your own organisation's "
                                              "records."))
    return need


@operation("POST", "/donations", summary="Record a donation", tag="donations",
           response=s.DonationOut, status=201, body=s.DonationWrite, scope=ApiScope.WRITE,
           errors=WRITE_ERRORS)
def create_donation() -> tuple[s.DonationOut, dict[str, str]]:
    """A donor records an offer lot."""
    user = _writer(Permission.DONATION_CREATE)
    body = read_body(s.DonationWrite)
    donation = records.record_donation(session(), user,
                                       _donation_input(body, user.organisation.country))
    location = url_for("api.get_donation", donation_id=donation.id)
    return donation_out(donation), {"Location": location}


@operation("PUT", "/donations/<int:donation_id>", summary="Replace a donation", tag="donations",
           response=s.DonationOut, body=s.DonationWrite, scope=ApiScope.WRITE,
           errors=(*WRITE_ERRORS, 404, 409))
def update_donation(donation_id: int) -> s.DonationOut:
    """Change a donation while nothing is allocated from it."""
    user = records_user()
    donation = _own_donation(user, donation_id)
    body = read_body(s.DonationWrite)
    records.edit_donation(session(), user, donation,
                          _donation_input(body, donation.organisation.country), body.version)
    return donation_out(donation)


@operation("POST", "/donations/<int:donation_id>/withdraw", summary="Withdraw a donation",
           tag="donations", response=s.DonationOut, body=s.WithdrawWrite, scope=ApiScope.WRITE,
           errors=(*WRITE_ERRORS, 404, 409))
def withdraw_donation(donation_id: int) -> s.DonationOut:
    """Take a donation off the registry, with a reason."""
    user = records_user()
    donation = _own_donation(user, donation_id)
    body = read_body(s.WithdrawWrite)
    records.withdraw_donation(session(), user, donation, body.reason, body.version)
    return donation_out(donation)


@operation("POST", "/needs", summary="Post a need", tag="needs", response=s.NeedOut,
           status=201, body=s.NeedWrite, scope=ApiScope.WRITE, errors=WRITE_ERRORS)
def create_need() -> tuple[s.NeedOut, dict[str, str]]:
    """A recipient posts a need."""
    user = _writer(Permission.NEED_CREATE)
    body = read_body(s.NeedWrite)
    need = records.post_need(session(), user, _need_input(body, user.organisation.country))
    return need_out(need), {"Location": url_for("api.get_need", need_id=need.id)}


@operation("PUT", "/needs/<int:need_id>", summary="Replace a need", tag="needs",
           response=s.NeedOut, body=s.NeedWrite, scope=ApiScope.WRITE,
           errors=(*WRITE_ERRORS, 404, 409))
def update_need(need_id: int) -> s.NeedOut:
    """Change an open need."""
    user = records_user()
    need = _own_need(user, need_id)
    body = read_body(s.NeedWrite)
    records.edit_need(session(), user, need, _need_input(body, need.organisation.country),
                      body.version)
    return need_out(need)


@operation("POST", "/needs/<int:need_id>/close", summary="Close a need (enough for now)",
           tag="needs", response=s.Closed, body=s.VersionWrite, scope=ApiScope.WRITE,
           errors=(*WRITE_ERRORS, 404, 409))
def close_need(need_id: int) -> s.Closed:
    """Stop asking for the rest of a need."""
    user = records_user()
    need = _own_need(user, need_id)
    body = read_body(s.VersionWrite)
    closed = records.close_need(session(), user, need, body.version)
    return s.Closed(need=need_out(need), closed_quantity=closed)


@operation("POST", "/needs/<int:need_id>/reconfirm", summary="Reconfirm a need for 30 days",
           tag="needs", response=s.NeedOut, scope=ApiScope.WRITE, errors=(401, 403, 404, 422))
def reconfirm_need(need_id: int) -> s.NeedOut:
    """Keep an open need from lapsing."""
    user = records_user()
    need = _own_need(user, need_id)
    records.reconfirm_need(session(), user, need)
    return need_out(need)
