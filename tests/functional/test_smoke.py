"""Every public page renders."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient


@pytest.mark.parametrize(
    "path", ["/", "/donations/", "/needs/", "/about", "/auth/login", "/auth/register"]
)
def test_public_pages_render(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert b"AidRegistry" in response.data


@pytest.mark.parametrize(
    "path",
    [
        "/donations/9223372036854775808",
        "/needs/99999999999",
        "/organisations/2147483648",
        "/shipments/4294967296",
    ],
)
def test_ids_beyond_the_database_range_are_not_found(client: FlaskClient, path: str) -> None:
    assert client.get(path).status_code == 404
