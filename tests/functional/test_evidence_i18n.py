"""Every sentence that refuses a certificate or a file is listed for extraction, translated,
and shown in Chinese to a Chinese reader."""

from __future__ import annotations

import ast
import io
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient

from aidregistry.domain.documents import FILE_MESSAGES
from aidregistry.domain.evidence.problems import MESSAGES
from aidregistry.models import OrgRole
from tests.conftest import sign_in
from tests.factories import DonationFactory, member
from tests.files import samples
from tests.functional.test_i18n import _po, _untranslated

LISTED = Path(__file__).resolve().parents[2] / "aidregistry" / "web" / "evidence" / "messages.py"


def _listed() -> set[str]:
    tree = ast.parse(LISTED.read_text(encoding="utf-8"))
    return {node.args[0].value for node in ast.walk(tree)
            if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)}


def test_every_refusal_is_listed_and_translated() -> None:
    raised = set(MESSAGES.values()) | set(FILE_MESSAGES.values())
    assert _listed() == raised
    translated = {m.id for m in _po() if m.id and not _untranslated(m)}
    assert not raised - translated, sorted(raised - translated)


def test_a_chinese_donor_reads_the_refusals_in_chinese(
    client: FlaskClient, db_session: Any
) -> None:
    user = member(OrgRole.DONOR)
    donation = DonationFactory(organisation=user.organisation)
    db_session.commit()
    sign_in(client, user.email)
    client.get("/language/zh")
    page = client.post("/donations/new", data={"item_code": "RESP_KN95", "quantity": "10",
                                               "cert_nmpa": "待定", "place": "Shanghai",
                                               "available_from": "2020-04-01"}).text
    assert "placeholder" not in page
    assert "占位" in page
    upload = client.post(f"/evidence/donations/{donation.id}/attachments", data={
        "file": (io.BytesIO(samples.SVG), "logo.svg"), "kind": "certificate"},
        content_type="multipart/form-data").text
    assert "SVG images" not in upload
    assert "SVG 图像" in upload
