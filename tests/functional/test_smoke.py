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
