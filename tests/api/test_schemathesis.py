"""Property-based tests of the API against its own OpenAPI description (schemathesis).

Every operation gets up to 25 generated requests, valid and invalid, sent with a write
token of an organisation that both gives and receives. A server error, an undocumented
status code or content type, or a body that does not match the schema fails the test.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.transport.wsgi import WSGI_TRANSPORT

from aidregistry.models import OrgRole
from aidregistry.web.api import api_blueprint
from aidregistry.web.api.openapi import openapi_document
from tests.api.conftest import bearer, token_for
from tests.factories import DonationFactory, NeedFactory, member

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


@pytest.fixture
def write_headers(db_session: Any) -> dict[str, str]:
    """A write token of an organisation that gives and receives, with a few records."""
    user = member(OrgRole.BOTH, name="Schemathesis org")
    for _ in range(2):
        DonationFactory(organisation=user.organisation)
        NeedFactory(organisation=user.organisation)
    db_session.commit()
    return bearer(token_for(db_session, user))


def _document() -> dict[str, Any]:
    api_blueprint()  # registers the operations
    return openapi_document()


# Loaded from the same document the app serves (test_served_description_is_the_same checks);
# schemathesis's lazy fixture loader does not work with pytest 9.
schema = schemathesis.openapi.from_dict(_document())


def test_served_description_is_the_same(client: Any) -> None:
    assert client.get("/api/v1/openapi.json").json == _document()


@schema.parametrize()
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_api_matches_its_description(case: Any, app: Flask, write_headers: dict[str, str]) -> None:
    response = WSGI_TRANSPORT.send(case, app=app, headers=write_headers)
    case.validate_response(response, checks=CHECKS)
