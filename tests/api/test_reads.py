"""Public reads: fields, visibility, filters, cursor pagination and ETags."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from aidregistry.models import AllocationStatus, OrgRole, VerificationState
from aidregistry.models.allocation import Allocation
from tests.factories import DonationFactory, NeedFactory, OrganisationFactory


def test_organisations_show_no_contacts(client: FlaskClient, db_session: Any) -> None:
    org = OrganisationFactory(contact_email="secret@example.org", contact_name="Ms Secret")
    OrganisationFactory(state=VerificationState.PENDING)
    db_session.commit()
    body = client.get("/api/v1/organisations").json
    assert [o["id"] for o in body["data"]] == [org.id]
    text = client.get(f"/api/v1/organisations/{org.id}").get_data(as_text=True)
    assert "secret@example.org" not in text
    assert "Ms Secret" not in text
    assert "contact" not in text


def test_unverified_records_are_404(client: FlaskClient, db_session: Any) -> None:
    pending = OrganisationFactory(state=VerificationState.PENDING)
    donation = DonationFactory(organisation=pending)
    need = NeedFactory(organisation=OrganisationFactory(state=VerificationState.PENDING,
                                                        role=OrgRole.RECIPIENT))
    db_session.commit()
    assert client.get(f"/api/v1/donations/{donation.id}").status_code == 404
    assert client.get(f"/api/v1/needs/{need.id}").status_code == 404
    assert client.get(f"/api/v1/organisations/{pending.id}").status_code == 404
    assert client.get("/api/v1/donations").json["data"] == []


def test_cursor_pages_cover_every_row_once(client: FlaskClient, db_session: Any) -> None:
    org = OrganisationFactory()
    ids = {DonationFactory(organisation=org).id for _ in range(7)}
    db_session.commit()
    seen: list[int] = []
    url = "/api/v1/donations?limit=3"
    while url:
        body = client.get(url).json
        seen += [d["id"] for d in body["data"]]
        url = f"/api/v1/donations?limit=3&cursor={body['next_cursor']}" if body["next_cursor"] \
            else ""
    assert sorted(seen) == sorted(ids)
    assert len(seen) == 7


def test_bad_parameters_are_400(client: FlaskClient) -> None:
    for query in ("limit=0", "limit=abc", "cursor=%%%", "cursor=WzEsMl0", "from=2020-13-01",
                  "status=lost", "country=china"):
        response = client.get(f"/api/v1/donations?{query}")
        assert response.status_code == 400, query
        assert response.mimetype == "application/problem+json"


def test_filters(client: FlaskClient, db_session: Any) -> None:
    org = OrganisationFactory(country="CN")
    DonationFactory(organisation=org, item_code="MASK_SURG")
    gloves = DonationFactory(organisation=org, item_code="GLOVE_EXAM", standard_code=None)
    db_session.commit()
    body = client.get("/api/v1/donations?item=GLOVE_EXAM&country=CN").json
    assert [d["id"] for d in body["data"]] == [gloves.id]
    assert client.get("/api/v1/donations?country=US").json["data"] == []


def test_etag_gives_304(client: FlaskClient, db_session: Any) -> None:
    DonationFactory()
    db_session.commit()
    first = client.get("/api/v1/donations")
    etag = first.headers["ETag"]
    again = client.get("/api/v1/donations", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    DonationFactory()
    db_session.commit()
    assert client.get("/api/v1/donations", headers={"If-None-Match": etag}).status_code == 200


def test_allocations_and_statistics(client: FlaskClient, db_session: Any) -> None:
    donation, need = DonationFactory(allocated=300), NeedFactory(allocated=300)
    db_session.flush()
    for status in (AllocationStatus.PROPOSED, AllocationStatus.DELIVERED):
        db_session.add(Allocation(donation_id=donation.id, need_id=need.id, quantity=300,
                                  status=status, proposed_by="coordinator"))
    db_session.commit()
    body = client.get("/api/v1/allocations").json
    assert [a["status"] for a in body["data"]] == ["delivered"]
    stats = client.get("/api/v1/statistics").json
    assert stats["allocations"] == 1
    masks = next(i for i in stats["items"] if i["item_code"] == "MASK_SURG")
    assert masks["delivered"] == 300
    assert masks["donated"] == 20000


def test_openapi_and_docs(client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"] == "3.1.0"
    assert "DonationWrite" in spec["components"]["schemas"]
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "POST /api/v1/donations" in text
    assert "<script" not in text


def test_unmatched_api_paths_answer_problems(client: FlaskClient) -> None:
    for path in ("/api/v1/shipments/%0A", "/api/v1/nothing"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.mimetype == "application/problem+json"
    assert client.get("/no-such-page").mimetype == "text/html"
