"""Certificates as records on the donation form and page: placeholders and malformed numbers
refused per field, CE with its notified body, states shown, and the matcher reading them."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from aidregistry.models import (
    AllocationStatus,
    Certificate,
    CertificateState,
    Donation,
    Manufacturer,
    OrgRole,
)
from aidregistry.services import matching
from aidregistry.services.verification import decide
from tests.conftest import sign_in
from tests.factories import NeedFactory, coordinator, member

KN95 = {
    "item_code": "RESP_KN95",
    "quantity": "50,000",
    "unit": "units",
    "standard_code": "GB2626-KN95",
    "cert_nmpa": "粤械注准20202140317",
    "manufacturer": "Lanshan Shendun Technology Co., Ltd.",
    "available_from": "2020-04-06",
    "place": "Shenzhen, China",
    "lat": "22.54",
    "lon": "114.06",
    "modes": ["air"],
}
APRIL_10 = date(2020, 4, 10)


@pytest.fixture
def donor(client: FlaskClient, db_session: Any) -> Any:
    user = member(OrgRole.DONOR, name="Shenzhen Supplies", city="Shenzhen")
    db_session.commit()
    sign_in(client, user.email)
    return user


def donations(db_session: Any) -> int:
    return int(db_session.scalar(select(func.count()).select_from(Donation)))


def us_n95_need() -> Any:
    recipient = member(OrgRole.RECIPIENT, country="US", city="Boston", lat=42.36, lon=-71.06)
    return NeedFactory(organisation=recipient.organisation, item_code="RESP_N95",
                       accepted=["NIOSH-N95"], quantity=50000, priority=1,
                       needed_by=date(2020, 4, 30), expires_on=date(2020, 5, 30),
                       place="Boston", lat=42.36, lon=-71.06)


def proposals_on(db_session: Any, on: date) -> list[Any]:
    run = matching.propose(db_session, coordinator(), matching.Scope(), on)
    return matching.proposals(db_session, run)


def test_a_kn95_lot_whose_fda_eua_says_na_is_never_proposed_to_a_us_n95_need(
    client: FlaskClient, db_session: Any, donor: Any
) -> None:
    need = us_n95_need()
    db_session.commit()
    refused = client.post("/donations/new", data={**KN95, "cert_fda_eua": "n/a"})
    assert refused.status_code == 200
    assert "placeholder, not a certificate number" in refused.text
    assert donations(db_session) == 0
    assert proposals_on(db_session, APRIL_10) == []
    # The same lot with its EUA number is proposed: the refusal above is the certificate's.
    assert client.post("/donations/new", data={**KN95, "cert_fda_eua": "EUA200412"}).status_code \
        == 302
    proposed = proposals_on(db_session, APRIL_10)
    assert [(p.need_id, p.quantity) for p in proposed] == [(need.id, 50000)]


def test_a_certificate_kept_as_declared_not_valid_never_counts(db_session: Any) -> None:
    """A migrated `n/a` (kept, not dropped) is shown but never stands for its scheme."""
    need = us_n95_need()
    lot = member(OrgRole.DONOR, city="Shenzhen", lat=22.54, lon=114.06).organisation
    from tests.factories import DonationFactory

    DonationFactory(organisation=lot, item_code="RESP_KN95", standard_code="GB2626-KN95",
                    quantity=50000, available_from=date(2020, 4, 6), lat=22.54, lon=114.06,
                    certificates=[Certificate(scheme="FDA_EUA", number=None,
                                              declared_text="n/a", problem="placeholder",
                                              verification=CertificateState.INVALID)])
    db_session.commit()
    assert proposals_on(db_session, APRIL_10) == []
    assert need.allocated == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("cert_nmpa", "待定", "placeholder, not a certificate number"),
        ("cert_nmpa", "国械注准2020314000", "as printed on the certificate"),
        ("cert_nmpa", "国械注准20202140000", "class does not fit its issuer"),
        ("cert_fda_eua", "pending", "placeholder, not a certificate number"),
        ("cert_fda_510k", "510k", "K and six digits"),
        ("cert_niosh", "-", "placeholder, not a certificate number"),
        ("cert_niosh", "N95", "TC-84A-4329"),
        ("cert_ce_notified_body", "CE", "four digits"),
    ],
)
def test_bad_numbers_are_refused_on_their_field(
    client: FlaskClient, db_session: Any, donor: Any, field: str, value: str, message: str
) -> None:
    page = client.post("/donations/new", data={**KN95, field: value})
    assert page.status_code == 200
    assert message in page.text
    assert f'id="{field}"' in page.text
    assert donations(db_session) == 0


def ffp2(**fields: str) -> dict[str, Any]:
    return {**KN95, "item_code": "RESP_FFP2", "standard_code": "EN149-FFP2",
            "cert_nmpa": "", **fields}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"cert_ce_notified_body": "2797"}, "Give the CE certificate number this notified body"),
        ({"cert_ce": "BSI-PPE-1234"}, "four-digit number, printed after the CE mark"),
        ({"cert_ce": "ECM-0001", "cert_ce_notified_body": "1282"},
         "not designated for protective equipment"),
        ({"report_number": "R-2020-001"}, "Say which standard the report tests against"),
    ],
)
def test_a_ce_certificate_and_a_test_report_are_checked_whole(
    client: FlaskClient, db_session: Any, donor: Any, fields: dict[str, str], message: str
) -> None:
    page = client.post("/donations/new", data=ffp2(**fields))
    assert page.status_code == 200
    assert message in page.text
    assert donations(db_session) == 0


def test_every_certificate_problem_is_shown_at_once(
    client: FlaskClient, db_session: Any, donor: Any
) -> None:
    page = client.post("/donations/new", data=ffp2(
        cert_ce="ECM-0001", cert_ce_notified_body="1282", report_number="R-1",
        report_lab="CEPREI"))
    assert "not designated for protective equipment" in page.text
    assert "Say which standard the report tests against" in page.text


def test_the_donation_page_shows_each_certificate_and_its_state(
    client: FlaskClient, db_session: Any, donor: Any
) -> None:
    response = client.post("/donations/new", data=ffp2(
        cert_ce="BSI-PPE-1234", cert_ce_notified_body="CE 2797", report_number="R-2020-001",
        report_standard="EN 149:2001+A1:2009", report_lab="CEPREI (Sichuan)"))
    assert response.status_code == 302
    donation = db_session.scalar(select(Donation))
    ce, report = donation.certificates
    assert (ce.number, ce.notified_body, ce.verification) == ("BSI-PPE-1234", "2797",
                                                              CertificateState.LISTED)
    assert ce.issuer == "BSI Group The Netherlands B.V."
    assert (report.issuer, report.verification) == ("CEPREI (Sichuan)",
                                                    CertificateState.DECLARED)
    page = client.get(f"/donations/{donation.id}").text
    assert 'data-scheme="CE" data-state="listed"' in page
    assert 'data-scheme="TEST_REPORT" data-state="declared"' in page
    assert "declared, unverified" in page


def test_editing_a_donation_keeps_a_coordinators_finding_on_an_unchanged_certificate(
    client: FlaskClient, db_session: Any, donor: Any
) -> None:
    client.post("/donations/new", data={**KN95, "cert_fda_eua": "EUA200412"})
    donation = db_session.scalar(select(Donation))
    nmpa = donation.certificates[0]
    decide(db_session, coordinator(), nmpa, CertificateState.VERIFIED, "Checked on nmpa.gov.cn")
    db_session.commit()
    form = client.get(f"/donations/{donation.id}/edit").text
    assert 'value="粤械注准20202140317"' in form
    edited = {**KN95, "cert_fda_eua": "", "quantity": "40,000", "version": str(donation.version)}
    assert client.post(f"/donations/{donation.id}/edit", data=edited).status_code == 302
    db_session.refresh(donation)
    assert [(c.scheme.value, c.verification) for c in donation.certificates] == [
        ("NMPA", CertificateState.VERIFIED)]
    assert donation.certificates[0].id == nmpa.id


def test_makers_are_matched_carefully_and_their_lots_listed_together(
    client: FlaskClient, db_session: Any, donor: Any
) -> None:
    for name in ("Shenzhen Horb Technology Corp., Ltd", "SHENZHEN HORB TECHNOLOGY CORP. LTD.",
                 "Shenzhen Horb Medical Co."):
        assert client.post("/donations/new", data={**KN95, "manufacturer": name}) \
            .status_code == 302
    makers = list(db_session.scalars(select(Manufacturer).order_by(Manufacturer.id)))
    assert [m.name for m in makers] == ["Shenzhen Horb Technology Corp., Ltd",
                                        "Shenzhen Horb Medical Co."]
    texts = [d.manufacturer for d in db_session.scalars(select(Donation).order_by(Donation.id))]
    assert texts[1] == "SHENZHEN HORB TECHNOLOGY CORP. LTD."  # kept as typed
    page = client.get(f"/evidence/manufacturers/{makers[0].id}").text
    lots = page.split('id="maker-lots"')[1].split("</table>")[0]
    assert lots.count('href="/donations/') == 2
    assert "粤械注准20202140317" in page


def test_a_maker_removed_from_appendix_a_counts_before_its_removal_only(
    client: FlaskClient, db_session: Any, donor: Any
) -> None:
    """Lanshan Shendun was removed from the FDA EUA's Appendix A on 2020-05-07."""
    need = us_n95_need()
    need.needed_by, need.expires_on = date(2020, 6, 30), date(2020, 7, 30)
    db_session.commit()
    client.post("/donations/new", data={**KN95, "cert_fda_eua": "EUA200412"})
    eua = db_session.scalar(select(Certificate).filter_by(scheme="FDA_EUA"))
    assert (eua.listed_from, eua.listed_until) == (date(2020, 4, 3), date(2020, 5, 7))
    assert eua.verification is CertificateState.REMOVED
    assert len(proposals_on(db_session, APRIL_10)) == 1
    assert proposals_on(db_session, date(2020, 5, 7)) == []
    page = client.get(f"/donations/{eua.donation_id}").text
    assert "on its list until 2020-05-07" in page
    assert "removed from its list" in page


def test_a_counterfeit_finding_takes_the_lot_out_of_matching(
    client: FlaskClient, db_session: Any, donor: Any
) -> None:
    us_n95_need()
    db_session.commit()
    client.post("/donations/new", data={**KN95, "manufacturer": "BYD",
                                        "cert_fda_eua": "EUA200412"})
    eua = db_session.scalar(select(Certificate).filter_by(scheme="FDA_EUA"))
    assert proposals_on(db_session, APRIL_10)[0].status is AllocationStatus.PROPOSED
    decide(db_session, coordinator(), eua, CertificateState.COUNTERFEIT,
           "Markings differ from the maker's samples")
    assert proposals_on(db_session, APRIL_10) == []
