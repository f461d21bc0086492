"""The upload page: preview with every error, then commit; templates; who may use it."""

from __future__ import annotations

import io
from typing import Any

from flask.testing import FlaskClient

from aidregistry.models import Donation, OrgRole
from tests.conftest import sign_in
from tests.factories import member

GOOD = ("external_ref,item_code,quantity,unit,place,available_from\n"
        "W1,MASK_SURG,1000,piece,Shanghai,2020-03-01\n")


def upload(client: FlaskClient, text: str, kind: str = "donations") -> Any:
    return client.post("/imports/", data={"kind": kind, "file": (io.BytesIO(text.encode()),
                                                                  "file.csv")},
                       content_type="multipart/form-data")


def test_preview_then_commit(client: FlaskClient, db_session: Any) -> None:
    user = member(OrgRole.DONOR)
    db_session.commit()
    sign_in(client, user.email)
    page = upload(client, GOOD)
    assert page.status_code == 200
    assert "All 1 rows are valid" in page.get_data(as_text=True)
    assert db_session.query(Donation).count() == 0
    token = page.get_data(as_text=True).split('name="token" type="hidden" value="')[1][:32]
    done = client.post("/imports/commit", data={"token": token, "kind": "donations"})
    assert done.status_code == 302
    assert db_session.query(Donation).one().organisation_id == user.organisation_id


def test_errors_are_listed_and_nothing_is_saved(client: FlaskClient, db_session: Any) -> None:
    user = member(OrgRole.DONOR)
    db_session.commit()
    sign_in(client, user.email)
    text = upload(client, GOOD.replace("2020-03-01", "01/03/2020")).get_data(as_text=True)
    assert "Nothing was imported" in text
    assert "Write the date as YYYY-MM-DD" in text
    assert db_session.query(Donation).count() == 0


def test_someone_elses_upload_is_404(client: FlaskClient, db_session: Any) -> None:
    user, other = member(OrgRole.DONOR), member(OrgRole.DONOR)
    db_session.commit()
    sign_in(client, user.email)
    token = upload(client, GOOD).get_data(as_text=True).split(
        'name="token" type="hidden" value="')[1][:32]
    client.post("/auth/logout")
    sign_in(client, other.email)
    assert client.post("/imports/commit", data={"token": token, "kind": "donations"}
                       ).status_code == 404


def test_templates_download(client: FlaskClient) -> None:
    assert client.get("/imports/template/needs.csv").get_data(as_text=True).startswith(
        "\ufeffexternal_ref,item_code")
    assert client.get("/imports/template/donations.xlsx").data[:2] == b"PK"
    assert client.get("/imports/template/cats.csv").status_code == 404


def test_tokens_page_shows_a_new_token_once(client: FlaskClient, db_session: Any) -> None:
    user = member(OrgRole.DONOR)
    db_session.commit()
    sign_in(client, user.email)
    made = client.post("/account/tokens/", data={"name": "sync", "scope": "write"})
    text = made.get_data(as_text=True)
    secret = text.split('id="new-token">')[1].split("<")[0]
    assert secret.startswith("ar_")
    again = client.get("/account/tokens/").get_data(as_text=True)
    assert secret not in again
    assert secret[:10] in again
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).json[
        "user_id"] == user.id
    from aidregistry.models import ApiToken

    token_id = db_session.query(ApiToken).one().id
    client.post(f"/account/tokens/{token_id}/revoke")
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}
                      ).status_code == 401
