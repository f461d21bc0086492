"""The upload page: preview with every error, then commit; templates; who may use it."""

from __future__ import annotations

import html
import io
from typing import Any

from flask.testing import FlaskClient

from aidregistry.models import Donation, OrgRole
from tests.conftest import TEST_PASSWORD, sign_in
from tests.factories import member

GOOD = ("external_ref,item_code,quantity,unit,place,available_from\n"
        "W1,MASK_SURG,1000,piece,Shanghai,2020-03-01\n")


def upload(client: FlaskClient, text: str, kind: str = "donations") -> Any:
    return client.post("/imports/", data={"kind": kind, "file": (io.BytesIO(text.encode()),
                                                                  "file.csv")},
                       content_type="multipart/form-data")


def hidden(page: Any, name: str) -> str:
    """The value of a hidden input of the page."""
    text = page.get_data(as_text=True)
    return html.unescape(text.split(f'name="{name}" type="hidden" value="')[1].split('"')[0])


def commit_form(page: Any) -> dict[str, str]:
    """What the preview's Import button sends."""
    return {name: hidden(page, name) for name in ("token", "kind", "columns")}


def test_preview_then_commit(client: FlaskClient, db_session: Any) -> None:
    user = member(OrgRole.DONOR)
    db_session.commit()
    sign_in(client, user.email)
    page = upload(client, GOOD)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "All 1 rows are valid" in text
    assert 'id="import-columns"' not in text  # template headers: no columns screen
    assert "column C: quantity (e.g. 1000)" in text  # the columns used are shown
    assert db_session.query(Donation).count() == 0
    done = client.post("/imports/commit", data=commit_form(page))
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
    made = client.post("/account/tokens/", data={"name": "sync", "scope": "write",
                                                  "expires_in_days": "30",
                                                  "password": TEST_PASSWORD})
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


# ---- the columns screen ------------------------------------------------------------------------

# A donor's own spreadsheet: two quantity columns, a city, a date under its own name, a contact.
OWN = ("Item name,Qty,数量,City,Ready on,Contact person\n"
       "MASK_SURG,5,20000,Hangzhou,2020-03-15,Li Wei\n"
       "GLOVE_EXAM,7,3000,Shanghai,2020-03-16,Li Wei\n")
OWN_CHOICE = {"map_item_code": "0", "map_quantity": "2", "map_place": "3",
              "map_available_from": "4"}


def choose(client: FlaskClient, page: Any, **chosen: str) -> Any:
    """Submit the columns screen with these selects (any not given: not in the file)."""
    return client.post("/imports/columns", data={"token": hidden(page, "token"),
                                                  "kind": hidden(page, "kind"), **chosen})


def selected(page: Any, field: str) -> str:
    """The value pre-selected in a field's select (empty when none is)."""
    text = page.get_data(as_text=True)
    select = text.split(f'id="map_{field}"')[1].split("</select>")[0]
    return select.split("selected value=\"")[1].split('"')[0] if "selected" in select else ""


def signed_in_donor(client: FlaskClient, db_session: Any) -> Any:
    user = member(OrgRole.DONOR)
    db_session.commit()
    sign_in(client, user.email)
    return user


def test_own_headers_open_the_columns_screen_with_what_is_known(
        client: FlaskClient, db_session: Any) -> None:
    signed_in_donor(client, db_session)
    page = upload(client, OWN)
    text = page.get_data(as_text=True)
    assert 'id="import-columns"' in text
    assert "Import preview" not in text
    # Known names and aliases are pre-selected; the others wait for the donor.
    assert (selected(page, "item_code"), selected(page, "quantity"), selected(page, "place")) \
        == ("0", "1", "3")
    assert selected(page, "available_from") == ""
    # Every field is listed with its help; the file's columns are offered with an example.
    assert "a whole number, in the unit below" in text
    assert "column C: 数量 (e.g. 20000)" in text
    assert "— not in my file —" in text
    assert text.count("required</span>") == 4
    assert db_session.query(Donation).count() == 0


def test_chosen_columns_preview_and_commit_as_chosen(
        client: FlaskClient, db_session: Any) -> None:
    """The donor picks 数量 over the guessed Qty; the commit must not guess Qty again."""
    user = signed_in_donor(client, db_session)
    screen = upload(client, OWN)
    preview_page = choose(client, screen, **OWN_CHOICE)
    text = preview_page.get_data(as_text=True)
    assert "All 2 rows are valid" in text, text
    assert "column F" not in text  # the contact column is left out
    assert db_session.query(Donation).count() == 0
    assert client.post("/imports/commit", data=commit_form(preview_page)).status_code == 302
    donations = db_session.query(Donation).order_by(Donation.quantity).all()
    assert [(d.item_code, d.quantity) for d in donations] == [("GLOVE_EXAM", 3000),
                                                              ("MASK_SURG", 20000)]
    assert {d.organisation_id for d in donations} == {user.organisation_id}
    assert donations[1].available_from.isoformat() == "2020-03-15"


def test_the_commit_reads_the_columns_the_preview_showed(
        client: FlaskClient, db_session: Any) -> None:
    signed_in_donor(client, db_session)
    preview_page = choose(client, upload(client, OWN), **OWN_CHOICE)
    sent = commit_form(preview_page)
    # Without the previewed columns the commit is refused rather than guessed.
    assert client.post("/imports/commit", data={**sent, "columns": ""}).status_code == 400
    assert client.post("/imports/commit", data={**sent, "columns": "[1]"}).status_code == 400
    # Columns that break the rules are reported by the commit, which then writes nothing.
    broken = client.post("/imports/commit", data={**sent, "columns": '{"quantity": 2}'})
    assert "This field is required" in broken.get_data(as_text=True)
    assert db_session.query(Donation).count() == 0
    assert client.post("/imports/commit", data=sent).status_code == 302
    assert sorted(d.quantity for d in db_session.query(Donation)) == [3000, 20000]


def test_a_required_field_left_out_is_refused(client: FlaskClient, db_session: Any) -> None:
    signed_in_donor(client, db_session)
    screen = upload(client, OWN)
    refused = choose(client, screen, **{**OWN_CHOICE, "map_available_from": ""})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 200
    assert 'id="import-columns"' in text
    assert "This field is required: choose the column of your file that holds it." in text
    assert text.count('class="invalid-feedback') == 1
    assert "Import all" not in text
    assert db_session.query(Donation).count() == 0


def test_a_column_chosen_twice_is_refused(client: FlaskClient, db_session: Any) -> None:
    signed_in_donor(client, db_session)
    screen = upload(client, OWN)
    refused = choose(client, screen, **OWN_CHOICE, map_pack_size="2")
    text = html.unescape(refused.get_data(as_text=True))
    assert "Your column C ('数量') is also chosen for pack_size" in text
    assert "Your column C ('数量') is also chosen for quantity" in text
    assert "Import all" not in text
    assert db_session.query(Donation).count() == 0


def test_a_column_that_is_not_offered_is_refused(client: FlaskClient, db_session: Any) -> None:
    signed_in_donor(client, db_session)
    screen = upload(client, OWN)
    refused = choose(client, screen, **{**OWN_CHOICE, "map_quantity": "9"})
    assert "Not a valid choice" in refused.get_data(as_text=True)
    assert db_session.query(Donation).count() == 0


def test_gb18030_file_with_chinese_headers(client: FlaskClient, db_session: Any) -> None:
    signed_in_donor(client, db_session)
    text = ("物资,数量,城市,可提供日期,备注\n"
            "医用外科口罩,20000,杭州,2020-03-15,浙江省捐赠\n")
    page = client.post("/imports/", data={"kind": "donations", "file": (
        io.BytesIO(text.encode("gb18030")), "杭州捐赠.csv")}, content_type="multipart/form-data")
    screen = page.get_data(as_text=True)
    assert "column A: 物资 (e.g. 医用外科口罩)" in screen
    assert "column E: 备注 (e.g. 浙江省捐赠)" in screen
    preview_page = choose(client, page, map_item_code="0", map_quantity="1", map_place="2",
                          map_available_from="3", map_notes="4")
    assert "All 1 rows are valid" in preview_page.get_data(as_text=True)
    assert client.post("/imports/commit", data=commit_form(preview_page)).status_code == 302
    donation = db_session.query(Donation).one()
    assert (donation.item_code, donation.quantity, donation.notes) == \
        ("MASK_SURG", 20000, "浙江省捐赠")


def test_the_preview_reopens_the_columns_as_chosen(client: FlaskClient, db_session: Any) -> None:
    signed_in_donor(client, db_session)
    preview_page = choose(client, upload(client, OWN), **OWN_CHOICE)
    link = html.unescape(preview_page.get_data(as_text=True).split(
        'href="/imports/columns?')[1].split('"')[0])
    again = client.get(f"/imports/columns?{link}")
    assert selected(again, "quantity") == "2"  # 数量, as chosen, not the guessed Qty
    assert selected(again, "available_from") == "4"


def test_the_columns_screen_keeps_uploads_and_kinds_apart(
        client: FlaskClient, db_session: Any) -> None:
    user, other = member(OrgRole.DONOR), member(OrgRole.DONOR)
    db_session.commit()
    sign_in(client, user.email)
    screen = upload(client, OWN)
    client.post("/auth/logout")
    sign_in(client, other.email)
    assert choose(client, screen, **OWN_CHOICE).status_code == 404
    # A donor may not import needs, through this screen either.
    assert client.post("/imports/columns", data={"token": hidden(screen, "token"),
                                                 "kind": "needs"}).status_code == 403
    assert client.post("/imports/columns", data={"token": hidden(screen, "token"),
                                                 "kind": "cats"}).status_code == 400
    assert db_session.query(Donation).count() == 0


# ---- row messages in the reader's language -----------------------------------------------------

def test_row_messages_follow_the_reader_language(client: FlaskClient, db_session: Any) -> None:
    signed_in_donor(client, db_session)
    bad = ("item_code,quantity,place,available_from\n"
           "<b>UNICORN</b>,10,Xqzzyville,15/03/2020\n"
           "MASK_SURG,10,Shanghai,2020-03-15,surplus\n")
    client.get("/language/zh")
    page = upload(client, bad).get_data(as_text=True)
    problems = page.split('id="import-errors"')[1].split("</table>")[0]
    cell = "&#39;&lt;b&gt;UNICORN&lt;/b&gt;&#39;"  # escaped, once
    assert f"{cell} 不在物资目录中；请使用 MASK_SURG 这样的代码。" in problems
    assert "日期请写成 YYYY-MM-DD，例如 2020-03-15（而不是 &#39;15/03/2020&#39;）。" in problems
    assert "<code>第 5 列</code>" in problems  # words are translated ...
    assert "<code>item_code</code>" in problems  # ... a field's name is not
    # A service's own message comes through its existing translation.
    assert "未找到该地点。请检查拼写、补充国家名称，或直接填写坐标。" in problems
    assert "<b>" not in problems
    client.get("/language/en")
    english = upload(client, bad).get_data(as_text=True)
    assert "&#39;&lt;b&gt;UNICORN&lt;/b&gt;&#39; is not in the catalogue" in english


def test_a_problem_names_the_column_as_the_file_heads_it(
    client: FlaskClient, db_session: Any
) -> None:
    signed_in_donor(client, db_session)
    client.get("/language/zh")
    page = upload(client, "物资,数量,城市,可提供日期\nMASK_SURG,2万,Shanghai,2020-03-15\n")
    problems = page.get_data(as_text=True).split('id="import-errors"')[1].split("</table>")[0]
    assert 'B 列：数量 <code class="small">quantity</code>' in problems


def test_an_xlsx_upload_with_its_own_headers(client: FlaskClient, db_session: Any) -> None:
    """Uploads are stored under a token, without the .xlsx ending openpyxl looks for."""
    from openpyxl import Workbook

    signed_in_donor(client, db_session)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["物资", "数量", "城市", "日期"])
    sheet.append(["MASK_SURG", 100, "杭州", "2020-03-15"])
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    page = client.post("/imports/", data={"kind": "donations", "file": (data, "捐赠.xlsx")},
                       content_type="multipart/form-data")
    assert "column B: 数量 (e.g. 100)" in page.get_data(as_text=True)
    preview_page = choose(client, page, map_item_code="0", map_quantity="1", map_place="2",
                          map_available_from="3")
    assert "All 1 rows are valid" in preview_page.get_data(as_text=True)
    assert client.post("/imports/commit", data=commit_form(preview_page)).status_code == 302
    assert db_session.query(Donation).one().quantity == 100
