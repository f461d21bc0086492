"""The Simplified Chinese translation: how a reader gets it, and that the catalogue is complete.

The catalogue tests fail with the list of offending messages, so that a developer who adds a
string knows what to translate: run the extract/update commands of the README, translate, and
``pybabel compile -d aidregistry/translations``.
"""

from __future__ import annotations

import csv
import io
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from flask.testing import FlaskClient

from aidregistry.domain.matching.model import Mode as MatchingMode
from aidregistry.models import NeedStatus, OrgRole, VerificationState, enums
from aidregistry.models.api_token import ApiScope
from aidregistry.services.imports.columns import ImportKind
from tests.conftest import sign_in
from tests.factories import NeedFactory, coordinator, member

PACKAGE = Path(__file__).resolve().parents[2] / "aidregistry"
CATALOGUE_DIR = PACKAGE / "translations" / "zh" / "LC_MESSAGES"
PO_PATH = CATALOGUE_DIR / "messages.po"
MO_PATH = CATALOGUE_DIR / "messages.mo"
HOW_TO_FIX = (
    "translate them in aidregistry/translations/zh/LC_MESSAGES/messages.po, "
    "then run: .venv/bin/pybabel compile -d aidregistry/translations"
)


def text_of(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return str(response.get_data(as_text=True))


def assert_all_in(page: str, *expected: str) -> None:
    missing = [s for s in expected if s not in page]
    assert not missing, f"not on the page: {missing}"


# ---- how the reader chooses Chinese ---------------------------------------------------------


def test_the_language_switcher_remembers_chinese(client: FlaskClient) -> None:
    response = client.get("/language/zh?next=/auth/login")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/auth/login")

    dashboard = text_of(client.get("/"))
    assert '<html lang="zh">' in dashboard
    assert_all_in(
        dashboard,
        "总览",
        "捐赠",
        "当前需求",
        "登录",
        "注册",
        "实物援助：登记、匹配、公开",
        "已核实机构",
        "国家和地区",
    )
    assert "Sign in" not in dashboard
    # The switcher now offers the other language, in that language's own name.
    assert_all_in(dashboard, 'lang="en"', "English")

    # The choice outlives one request, and switching back works.
    assert_all_in(text_of(client.get("/auth/login")), "电子邮箱", "密码")
    client.get("/language/en")
    assert "Sign in" in text_of(client.get("/auth/login"))


def test_sign_in_and_registration_pages_in_chinese(client: FlaskClient) -> None:
    client.get("/language/zh")
    login = text_of(client.get("/auth/login"))
    assert_all_in(
        login,
        "登录",
        "电子邮箱",
        "密码",
        "在此设备上保持登录（14 天；协调员除外）",
        "初次使用？",
        "注册您的机构",
    )

    register = text_of(client.get("/auth/register"))
    assert_all_in(
        register,
        "注册您的机构",
        "机构名称",
        "机构类型",
        "省级政府",
        "我们接收援助（受援机构）",
        "国家/地区（ISO 两位字母代码）",
        "中国：统一社会信用代码",
        "联系方式不公开：仅协调员可见，公众无法查看。",
    )


def test_donation_form_in_chinese(client: FlaskClient, db_session: Any) -> None:
    user = member(OrgRole.DONOR)
    db_session.commit()
    sign_in(client, user.email)
    client.get("/language/zh")
    page = text_of(client.get("/donations/new"))
    assert_all_in(
        page,
        "登记捐赠",
        "物资",
        "数量",
        "计数单位",
        "国家药监局注册证编号",
        "FDA 紧急使用授权",
        "CE 公告机构编号",
        "可用运输方式",
        "空运",
        "海运",
        "保存",
    )
    # Item names come from the catalogue's zh column, base units from the translation;
    # product names and standard codes stay as they are.
    assert_all_in(page, "医用外科口罩 — 件", "KN95 口罩（GB 2626）", "GB 2626")


def test_need_form_in_chinese(client: FlaskClient, db_session: Any) -> None:
    user = member(OrgRole.RECIPIENT, country="IT", city="Milan")
    db_session.commit()
    sign_in(client, user.email)
    client.get("/language/zh")
    page = text_of(client.get("/needs/new"))
    assert_all_in(
        page, "发布需求", "优先级", "1 — 危急：生命正受威胁", "可接受的标准", "送达地点", "需用日期"
    )
    # Standard codes stay as they are; the "not stated" standard is worded.
    assert_all_in(page, "GB 2626-2019 KN95", "未注明标准 (RESP_N95)")


def test_query_parameter_selects_chinese_for_one_request(client: FlaskClient) -> None:
    assert_all_in(text_of(client.get("/auth/login?lang=zh")), "登录", "电子邮箱")
    assert "Sign in" in text_of(client.get("/auth/login"))


@pytest.mark.parametrize("header", ["zh-CN", "zh-CN,zh;q=0.9,en;q=0.8", "zh"])
def test_accept_language_selects_chinese(client: FlaskClient, header: str) -> None:
    page = text_of(client.get("/auth/login", headers={"Accept-Language": header}))
    assert_all_in(page, '<html lang="zh">', "电子邮箱")


def test_accept_language_english_and_unknown_stay_english(client: FlaskClient) -> None:
    for header in ("en-GB,en;q=0.9", "fr-FR"):
        page = text_of(client.get("/auth/login", headers={"Accept-Language": header}))
        assert "Sign in" in page
        assert "电子邮箱" not in page


def test_stored_codes_are_shown_translated(client: FlaskClient, db_session: Any) -> None:
    """Enum values reach the page through vocabulary.py: state, kind and role."""
    pending = member(OrgRole.RECIPIENT, state=VerificationState.PENDING, name="Pending Hospital")
    member(OrgRole.DONOR, name="Verified Donor")
    boss = coordinator()
    db_session.commit()
    sign_in(client, pending.email)
    client.get("/language/zh")
    assert "待核实" in text_of(client.get("/account/"))
    client.post("/auth/logout")
    sign_in(client, boss.email)
    client.get("/language/zh")
    queue = text_of(client.get("/coordination/"))
    assert_all_in(queue, "待核实的机构", "市级政府", "受援机构", "已核实")
    assert "municipal_government" not in queue


# ---- the catalogue --------------------------------------------------------------------------


def _po() -> Any:
    with PO_PATH.open("rb") as f:
        return read_po(f, locale="zh")


def _strings(catalog: Any) -> dict[Any, Any]:
    """msgid → msgstr of every real message (the header has an empty msgid)."""

    def key(value: Any) -> Any:
        return tuple(value) if isinstance(value, list | tuple) else value

    return {key(m.id): key(m.string) for m in catalog if m.id}


def _untranslated(message: Any) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return not all(s and s.strip() for s in strings)


def test_every_message_is_translated() -> None:
    catalog = _po()
    untranslated = [m.id for m in catalog if m.id and _untranslated(m)]
    assert not untranslated, (
        f"{len(untranslated)} untranslated messages: {untranslated}; {HOW_TO_FIX}"
    )
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not fuzzy, f"fuzzy (unchecked) translations, which compile leaves out: {fuzzy}"


def test_translations_keep_their_placeholders() -> None:
    problems = [(m.id, [str(e) for e in errors]) for m, errors in _po().check()]
    assert not problems, f"placeholders differ between msgid and msgstr: {problems}"


def test_compiled_catalogue_matches_the_po() -> None:
    """The committed .mo holds exactly what compiling the .po gives (content, not mtime)."""
    assert MO_PATH.exists(), f"no compiled catalogue; {HOW_TO_FIX}"
    with MO_PATH.open("rb") as f:
        committed = _strings(read_mo(f))
    fresh = io.BytesIO()
    write_mo(fresh, _po())
    fresh.seek(0)
    expected = _strings(read_mo(fresh))
    stale = sorted(str(k) for k in expected.keys() ^ committed.keys())
    stale += sorted(
        str(k) for k in expected.keys() & committed.keys() if expected[k] != committed[k]
    )
    assert not stale, (
        f"messages.mo is out of date for {len(stale)} messages, e.g. {stale[:10]}; "
        "run: .venv/bin/pybabel compile -d aidregistry/translations"
    )


def _displayed_codes() -> dict[str, set[str]]:
    """Stored codes that templates show through ``_()``, by where they come from."""
    shown: list[type[StrEnum]] = [
        enums.OrgKind,
        enums.OrgRole,
        enums.VerificationState,
        enums.DonationStatus,
        enums.NeedStatus,
        enums.AllocationStatus,
        enums.ReasonCode,
        enums.Mode,
        enums.Confidence,
        MatchingMode,
        ApiScope,
        ImportKind,
    ]
    codes = {enum.__name__: {member.value for member in enum} for enum in shown}
    with (PACKAGE / "data" / "items.csv").open(encoding="utf-8") as f:
        codes["items.csv base_unit"] = {row["base_unit"] for row in csv.DictReader(f)}
    return codes


def test_every_displayed_code_has_a_translation() -> None:
    """A new enum value or base unit must be added to aidregistry/web/vocabulary.py."""
    translated = {m.id for m in _po() if m.id and not _untranslated(m)}
    missing = {
        source: sorted(values - translated)
        for source, values in _displayed_codes().items()
        if values - translated
    }
    assert not missing, (
        f"codes shown with _() but not in the catalogue: {missing}; add them to "
        f"aidregistry/web/vocabulary.py, extract, update, translate and compile"
    )


def _literal_service_messages() -> set[str]:
    """Texts of ServiceError, NotAllowed and Conflict raised with a literal in the services."""
    import ast

    raised = {"ServiceError", "NotAllowed", "Conflict"}
    messages = set()
    for path in sorted((PACKAGE / "services").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            first = node.args[0]
            if name in raised and isinstance(first, ast.Constant) and isinstance(first.value, str):
                messages.add(first.value)
    return messages


def test_every_service_message_has_a_translation() -> None:
    """Views show ``_(exc.message)``; a new literal message must be added to vocabulary.py."""
    messages = _literal_service_messages()
    assert messages, "the scan found no service message at all"
    translated = {m.id for m in _po() if m.id and not _untranslated(m)}
    missing = sorted(messages - translated)
    assert not missing, (
        f"service messages not in the catalogue: {missing}; add them to SERVICE_MESSAGES in "
        "aidregistry/web/vocabulary.py, extract, update, translate and compile"
    )


IMPORT_RAISERS = {"message", "Message", "CellError", "ImportFileError"}


def _literal_import_messages() -> set[str]:
    """Msgids the import raises with a literal text (services/imports/messages.py)."""
    import ast

    messages = set()
    for path in sorted((PACKAGE / "services" / "imports").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            first = node.args[0]
            if name in IMPORT_RAISERS and isinstance(first, ast.Constant) \
                    and isinstance(first.value, str):
                messages.add(first.value)
    return messages


def _listed_in_vocabulary(name: str) -> set[str]:
    """The literal texts of one tuple of aidregistry/web/vocabulary.py."""
    import ast

    tree = ast.parse((PACKAGE / "web" / "vocabulary.py").read_text(encoding="utf-8"))
    listed = [node.value for node in tree.body if isinstance(node, ast.Assign)
              and any(getattr(target, "id", None) == name for target in node.targets)]
    assert listed, f"vocabulary.py has no {name}"
    return {node.args[0].value for node in ast.walk(listed[0])
            if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)}


def test_every_import_message_is_listed_for_extraction() -> None:
    """A msgid raised by the import must be in IMPORT_MESSAGES, and only those are there."""
    raised = _literal_import_messages()
    assert len(raised) > 20, "the scan found too few import messages"
    listed = _listed_in_vocabulary("IMPORT_MESSAGES")
    assert not raised - listed, f"add to IMPORT_MESSAGES in vocabulary.py: {raised - listed}"
    assert not listed - raised, f"no longer raised, remove: {listed - raised}"


def test_every_import_message_has_a_translation() -> None:
    translated = {m.id for m in _po() if m.id and not _untranslated(m)}
    missing = sorted(_literal_import_messages() - translated)
    assert not missing, f"import messages not in the catalogue: {missing}; {HOW_TO_FIX}"


def test_import_row_messages_are_shown_in_chinese(client: FlaskClient, db_session: Any) -> None:
    user = member(OrgRole.DONOR)
    db_session.commit()
    sign_in(client, user.email)
    client.get("/language/zh")
    text = ("item_code,quantity,place,available_from,colour\n"
            "UNICORN,12x,Shanghai,15/03/2020,red\n")
    page = text_of(client.post("/imports/", data={"kind": "donations", "file": (
        io.BytesIO(text.encode()), "in.csv")}, content_type="multipart/form-data"))
    if 'id="import-columns"' in page:  # the unknown column: leave it out, as a donor would
        page = text_of(client.post("/imports/columns", data={
            "token": page.split('name="token" type="hidden" value="')[1][:32],
            "kind": "donations", "map_item_code": "0", "map_quantity": "1", "map_place": "2",
            "map_available_from": "3"}))
    problems = page.split('id="import-errors"')[1].split("</table>")[0]
    assert "UNICORN" in problems  # the cells, as written
    assert "15/03/2020" in problems
    for english in ("is not in the catalogue", "Enter a whole number", "Write the date as"):
        assert english not in problems


def test_a_service_message_is_shown_translated(client: FlaskClient, db_session: Any) -> None:
    user = member(OrgRole.RECIPIENT, country="IT", city="Milan")
    need = NeedFactory(organisation=user.organisation, status=NeedStatus.CLOSED)
    db_session.commit()
    sign_in(client, user.email)
    client.get("/language/zh")
    assert client.post(f"/needs/{need.id}/close").status_code == 302
    page = text_of(client.get(f"/needs/{need.id}"))
    assert "此需求此前已关闭。" in page
    assert "This need is already closed." not in page


def test_every_import_column_help_has_a_translation() -> None:
    """The import pages show ``_(c.help)`` and each column's label; add new ones to
    vocabulary.py."""
    from aidregistry.services.imports.columns import columns_of, labels_of

    helps = {c.help for kind in ImportKind for c in columns_of(kind) if c.help}
    helps |= {labels_of(kind)[c.name] for kind in ImportKind for c in columns_of(kind)}
    translated = {m.id for m in _po() if m.id and not _untranslated(m)}
    missing = sorted(helps - translated)
    assert not missing, (
        f"import column help not in the catalogue: {missing}; add it to IMPORT_COLUMN_HELP in "
        "aidregistry/web/vocabulary.py, extract, update, translate and compile"
    )
