"""Sign-up: every field's problem at once, limits that count accepted sign-ups, names that show
what they are, and look-alike organisations named to the registrant and the coordinator."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from aidregistry.extensions import db
from aidregistry.models import Organisation, OrgRole, User, VerificationState
from aidregistry.services.mailer import outbox
from tests.conftest import sign_in
from tests.factories import OrganisationFactory, coordinator
from tests.functional.test_accounts import REGISTRATION, register
from tests.functional.test_login_limits import limited  # noqa: F401 - the fixture

HIDDEN = "Names may not hold control, direction or invisible characters."


def stored_nothing(db_session: Any) -> bool:
    return db_session.scalar(select(User)) is None and not list(outbox())


def test_every_field_problem_is_reported_in_one_answer(
    client: FlaskClient, db_session: Any
) -> None:
    response = register(
        client,
        email="not-an-address",
        place="Xyzzyplugh Nowhere",
        password="short",
        confirm="short",
        org_name="Acme\u200b Medical",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for message in ("Invalid email", "could not find this place", "at least 12 characters", HIDDEN):
        assert message in page, message
    assert stored_nothing(db_session)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("org_name", "Acme Medical \u202egnp.exe"),  # right-to-left override
        ("org_name", "Acme\u200bMedical"),  # zero-width space
        ("org_name", "Acme\u2066Medical\u2069"),  # isolates
        ("org_name_local", "杭州市\u200d人民政府"),  # zero-width joiner
        ("org_name", "Acme\u0007Medical"),  # a control character
        ("name", "Li\ufeffWei"),  # byte-order mark
    ],
)
def test_names_with_hidden_or_direction_characters_are_refused(
    client: FlaskClient, db_session: Any, field: str, value: str
) -> None:
    response = register(client, **{field: value})
    assert response.status_code == 200
    assert HIDDEN in response.get_data(as_text=True)
    assert stored_nothing(db_session)


def test_ordinary_names_in_either_script_are_accepted(client: FlaskClient) -> None:
    response = register(
        client, org_name="Hôpital Saint-Éloi (Nord)", org_name_local="杭州市 人民政府"
    )
    assert b"Check your e-mail" in response.data


def test_the_registrant_is_told_a_verified_organisation_has_the_name(
    client: FlaskClient, db_session: Any
) -> None:
    OrganisationFactory(name="Zhejiang Red Cross", name_local="浙江省红十字会", country="CN")
    db_session.commit()
    copied = register(client, org_name="zhejiang  red-cross", org_name_local="")
    page = copied.get_data(as_text=True)
    assert "A verified organisation named “Zhejiang Red Cross” (CN) is already registered" in page
    assert 'name="different_org"' in page
    assert not list(outbox())
    in_chinese = register(
        client, org_name="Zhejiang Provincial Red Cross", org_name_local="浙江省红十字会"
    )
    assert "is already registered" in in_chinese.get_data(as_text=True)
    confirmed = register(
        client, org_name="Zhejiang Red Cross", org_name_local="", different_org="y"
    )
    assert b"Check your e-mail" in confirmed.data


def test_a_pending_namesake_is_not_named_to_a_registrant(
    client: FlaskClient, db_session: Any
) -> None:
    OrganisationFactory(name="Quiet Pending Body", state=VerificationState.PENDING)
    db_session.commit()
    response = register(client, org_name="Quiet Pending Body")
    assert b"Check your e-mail" in response.data


def test_the_coordinator_sees_possible_duplicates_on_the_verification_page(
    client: FlaskClient, db_session: Any
) -> None:
    original = OrganisationFactory(
        name="Zhejiang Red Cross", name_local="浙江省红十字会", country="CN"
    )
    copy_in_chinese = OrganisationFactory(
        name="Zhejiang Red Cross Society",
        name_local="浙江省红十字会",
        country="CN",
        state=VerificationState.PENDING,
    )
    similar = OrganisationFactory(name="Zheijang Red-Cross Society", country="CN")
    elsewhere = OrganisationFactory(name="Zheijang Red-Cross Society", country="US")
    unrelated = OrganisationFactory(name="Hubei Charity Federation", country="CN")
    staff = coordinator()
    db_session.commit()
    sign_in(client, staff.email)
    page = client.get(f"/coordination/organisations/{copy_in_chinese.id}").get_data(as_text=True)
    box = page.split('id="possible-duplicates"', 1)[1].split("</div>", 1)[0]
    assert f"/coordination/organisations/{original.id}" in box
    assert "same name" in box
    assert f"/coordination/organisations/{similar.id}" in box  # similar, same country
    assert "similar name" in box
    assert f"/coordination/organisations/{elsewhere.id}" not in box  # similar, other country
    assert f"/coordination/organisations/{unrelated.id}" not in box
    alone = client.get(f"/coordination/organisations/{unrelated.id}").get_data(as_text=True)
    assert 'id="possible-duplicates"' not in alone


def post_signup(app: Flask, n: int, **changes: Any) -> Any:
    data = {**REGISTRATION, "email": f"person{n}@example.cn", "identifier_value": "", **changes}
    return app.test_client().post(
        "/auth/register", data=data, environ_base={"REMOTE_ADDR": "10.20.0.1"}
    )


def test_refused_sign_ups_do_not_count_against_the_address(limited: Any) -> None:  # noqa: F811
    app = limited()
    for n in range(8):  # an office's typos
        assert post_signup(app, n, place="Xyzzyplugh Nowhere").status_code == 200
    accepted = [post_signup(app, n) for n in range(5)]
    assert all(b"Check your e-mail" in r.data for r in accepted)
    assert post_signup(app, 99).status_code == 429


def test_a_flood_of_refused_sign_ups_meets_a_ceiling(limited: Any) -> None:  # noqa: F811
    app = limited()
    statuses = [post_signup(app, n, country="China").status_code for n in range(61)]
    assert statuses == [200] * 60 + [429]
    assert db.session.scalar(select(Organisation).where(Organisation.role == OrgRole.DONOR)) is None


def test_password_rules_are_told_in_chinese(client: FlaskClient) -> None:
    from aidregistry.services.passwords import MAX_LENGTH, MIN_LENGTH

    assert (MIN_LENGTH, MAX_LENGTH) == (12, 1024)  # the catalogue's messages name these
    chinese = client.post("/auth/register?lang=zh",
                          data={**REGISTRATION, "password": "short", "confirm": "short"})
    assert "请至少使用 12 个字符。" in chinese.get_data(as_text=True)
