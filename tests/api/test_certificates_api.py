"""Donation records in the API carry their certificates with scheme, number and verification;
a bad certificate is refused with a message per field and stores nothing."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select

from aidregistry.models import Donation
from tests.api.test_writes import donation_body, post


def test_a_donation_record_carries_its_certificates(
    client: FlaskClient, donor_token: str, db_session: Any
) -> None:
    body = donation_body(item_code="RESP_FFP2", standard_code="EN149-FFP2", certificates=[
        {"scheme": "CE", "number": "BSI-PPE-1234", "notified_body": "CE 2797",
         "valid_until": "2025-03-01"},
        {"scheme": "TEST_REPORT", "number": "4Q200328R.JGM0066", "issuer": "CEPREI (Sichuan)",
         "tested_standard": "EN 149:2001+A1:2009"},
    ])
    created = post(client, "/donations", body, donor_token)
    assert created.status_code == 201, created.json
    read = client.get(f"/api/v1/donations/{created.json['id']}").json
    assert [(c["scheme"], c["number"], c["notified_body"], c["verification"])
            for c in read["certificates"]] == [
        ("CE", "BSI-PPE-1234", "2797", "listed"),
        ("TEST_REPORT", "4Q200328R.JGM0066", None, "declared"),
    ]
    assert read["certificates"][0]["issuer"] == "BSI Group The Netherlands B.V."
    assert read["certificates"][0]["valid_until"] == "2025-03-01"
    listed = client.get("/api/v1/donations").json["data"][0]
    assert listed["certificates"] == read["certificates"]


def test_bad_certificates_get_a_message_per_field_and_store_nothing(
    client: FlaskClient, donor_token: str, db_session: Any
) -> None:
    body = donation_body(certificates=[
        {"scheme": "NMPA", "number": "n/a"},
        {"scheme": "FDA_EUA", "number": "EUA-2020-0412"},
        {"scheme": "CE", "number": "ECM-0001", "notified_body": "CE"},
    ])
    response = post(client, "/donations", body, donor_token)
    assert response.status_code == 422
    fields = {e["field"]: e["message"] for e in response.json["errors"]}
    assert set(fields) == {"certificates[0].number", "certificates[1].number",
                           "certificates[2].notified_body"}
    assert "placeholder" in fields["certificates[0].number"]
    assert "EUA and six digits" in fields["certificates[1].number"]
    assert "four digits" in fields["certificates[2].notified_body"]
    assert db_session.scalar(select(func.count()).select_from(Donation)) == 0


def test_an_unknown_scheme_is_refused_by_the_schema(
    client: FlaskClient, donor_token: str
) -> None:
    body = donation_body(certificates=[{"scheme": "ISO", "number": "13485"}])
    response = post(client, "/donations", body, donor_token)
    assert response.status_code == 422
    assert response.json["errors"][0]["field"].startswith("certificates")


def test_the_openapi_description_has_the_certificates(client: FlaskClient) -> None:
    schemas = client.get("/api/v1/openapi.json").json["components"]["schemas"]
    out = schemas["CertificateOut"]
    assert {"scheme", "number", "verification"} <= set(out["required"])
    assert "counterfeit" in str(schemas)
    assert schemas["DonationOut"]["properties"]["certificates"]["items"]["$ref"].endswith(
        "CertificateOut")
