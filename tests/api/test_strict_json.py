"""Strict bodies: whatever arrives, the answer is a 4xx problem document, never a 500."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.api.conftest import bearer
from tests.api.test_writes import donation_body


def send(client: FlaskClient, raw: str | bytes, secret: str,
         content_type: str = "application/json") -> Any:
    return client.post("/api/v1/donations", data=raw, content_type=content_type,
                       headers=bearer(secret))


@pytest.mark.parametrize("raw", [
    json.dumps(donation_body()).replace('5000', 'NaN'),
    json.dumps(donation_body()).replace('5000', 'Infinity'),
    json.dumps(donation_body()).replace('5000', '-Infinity'),
    json.dumps(donation_body()).replace('5000', '1e999'),
    '{"quantity": 1, "quantity": 2}',
    "[" * 60_000,
    '{"a": ' * 50 + "1" + "}" * 50,
    "{not json",
    "",
])
def test_malformed_json_is_400(client: FlaskClient, donor_token: str, raw: str) -> None:
    response = send(client, raw, donor_token)
    assert response.status_code == 400, response.data
    assert response.mimetype == "application/problem+json"
    assert response.json["status"] == 400


@pytest.mark.parametrize(("changes", "field"), [
    ({"quantity": True}, "quantity"),
    ({"quantity": "5000"}, "quantity"),
    ({"quantity": 1.5}, "quantity"),
    ({"quantity": 0}, "quantity"),
    ({"quantity": 10**12}, "quantity"),
    ({"colour": "blue"}, "colour"),
    ({"available_from": "yesterday"}, "available_from"),
    ({"modes": ["teleport"]}, "modes.0"),
    ({"lat": 91, "lon": 0}, "lat"),
])
def test_invalid_fields_are_422_with_the_field(client: FlaskClient, donor_token: str,
                                               changes: dict[str, Any], field: str) -> None:
    response = send(client, json.dumps(donation_body(**changes)), donor_token)
    assert response.status_code == 422, response.data
    assert field in [error["field"] for error in response.json["errors"]]


def test_oversize_body_is_413(client: FlaskClient, donor_token: str) -> None:
    body = donation_body(notes="x" * 70_000)
    assert send(client, json.dumps(body), donor_token).status_code == 413


def test_a_non_json_body_is_415(client: FlaskClient, donor_token: str) -> None:
    response = send(client, "quantity=1", donor_token, "application/x-www-form-urlencoded")
    assert response.status_code == 415


def test_a_body_that_is_not_utf8_is_400(client: FlaskClient, donor_token: str) -> None:
    assert send(client, b'{"place": "\xff"}', donor_token).status_code == 400


def test_nul_characters_are_400(client: FlaskClient, donor_token: str) -> None:
    body = json.dumps(donation_body(notes="a\u0000b"))
    assert send(client, body, donor_token).status_code == 400
    assert client.get("/api/v1/donations?item=a%00b").status_code == 400
