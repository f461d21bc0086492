"""The migration that turns free-text certificate fields into records loses nothing: valid
values become records, the rest are kept as declared, not valid; makers become records."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from aidregistry.app import create_app
from aidregistry.extensions import db
from tests.conftest import base_config
from tests.integration.test_audit_log import upgraded_database

BEFORE = "7c2e4f1a9b3d"
NOW = datetime(2020, 4, 1, tzinfo=UTC).replace(tzinfo=None)
# What donors typed into the six fields before certificates were records.
TYPED = [
    # (manufacturer, standard, nmpa, fda_eua, fda_510k, ce, notified body, niosh)
    ("Shenzhen Horb Technology Corp., Ltd", "GB2626-KN95", "粤械注准20202140317", "n/a", None,
     None, None, None),
    ("SHENZHEN HORB TECHNOLOGY CORP. LTD.", "GB2626-KN95", "pending", "EUA 200628", None, None,
     None, None),
    ("杭州医用纺织品有限公司 Hangzhou Medical Textiles", "EN149-FFP2", None, None, None,
     "2163-PPE-0420", "CE 2163", None),
    ("Wenzhou Goggles Co.", "EN149-FFP2", None, None, None, "ECM-1234", "1282", None),
    (None, "EN149-FFP2", None, None, None, None, "0123", None),
    ("  ", "NIOSH-N95", "无", None, "k 201234", "CE 2020", None, "tc 84a 4329"),
]


@pytest.fixture
def old_app(tmp_path: Path, gazetteer_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    url, cleanup = upgraded_database(tmp_path)
    monkeypatch.setenv("AIDREGISTRY_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app(base_config(url, gazetteer_path))
    with app.app_context():
        upgrade(revision=BEFORE)
        yield app
        db.session.remove()
        db.engine.dispose()
    cleanup()


def _old_rows() -> None:
    run = db.session.execute
    run(text("INSERT INTO item_type (code, name_en, name_zh, category, base_unit, sort_order) "
             "VALUES ('RESP_KN95', 'KN95', 'KN95', 'respirators', 'piece', 1)"))
    for code in ("GB2626-KN95", "EN149-FFP2", "NIOSH-N95"):
        run(text("INSERT INTO standard (code, item_code, name, jurisdiction, "
                 "required_certificates) VALUES (:c, 'RESP_KN95', :c, '*', '')"), {"c": code})
    run(text("INSERT INTO organisation (id, name, kind, role, country, city, "
             "location_precision, state, version, created_at, updated_at) VALUES (1, 'Donor', "
             "'business', 'donor', 'CN', 'Shenzhen', 'city', 'verified', 1, :t, :t)"), {"t": NOW})
    for n, (maker, standard, *certs) in enumerate(TYPED, start=1):
        columns = dict(zip(("cert_nmpa", "cert_fda_eua", "cert_fda_510k", "cert_ce",
                            "cert_ce_notified_body", "cert_niosh"), certs, strict=True))
        run(text("INSERT INTO donation (id, organisation_id, item_code, quantity, allocated, "
                 "standard_code, cert_nmpa, cert_fda_eua, cert_fda_510k, cert_ce, "
                 "cert_ce_notified_body, cert_niosh, manufacturer, available_from, modes, status, "
                 "version, place, created_at, updated_at) VALUES (:id, 1, 'RESP_KN95', 1000, 0, "
                 ":standard, :cert_nmpa, :cert_fda_eua, :cert_fda_510k, :cert_ce, "
                 ":cert_ce_notified_body, :cert_niosh, :maker, '2020-04-01', 'air', 'available', "
                 "1, 'Shenzhen', :t, :t)"),
            {"id": n, "standard": standard, "maker": maker, "t": NOW, **columns})
    db.session.commit()


def _certificates() -> list[tuple[Any, ...]]:
    return [tuple(r) for r in db.session.execute(text(
        "SELECT donation_id, scheme, number, declared_text, notified_body, declared_body, "
        "verification, problem FROM certificate ORDER BY donation_id, id"))]


def test_every_value_typed_becomes_a_record_or_is_kept_as_not_valid(old_app: Any) -> None:
    _old_rows()
    upgrade()
    assert _certificates() == [
        (1, "NMPA", "粤械注准20202140317", "粤械注准20202140317", None, None, "declared", None),
        (1, "FDA_EUA", None, "n/a", None, None, "invalid", "placeholder"),
        (2, "NMPA", None, "pending", None, None, "invalid", "placeholder"),
        (2, "FDA_EUA", "EUA200628", "EUA 200628", None, None, "declared", None),
        (3, "CE", "2163-PPE-0420", "2163-PPE-0420", "2163", "CE 2163", "declared", None),
        # ECM (1282) is not designated for respiratory protective equipment
        (4, "CE", None, "ECM-1234", None, "1282", "invalid", "body_not_ppe"),
        # a notified body without its CE number
        (5, "CE", None, "", None, "0123", "invalid", "body_without_ce"),
        (6, "NMPA", None, "无", None, None, "invalid", "placeholder"),
        (6, "FDA_510K", "K201234", "k 201234", None, None, "declared", None),
        # a CE number without its notified body
        (6, "CE", None, "CE 2020", None, None, "invalid", "ce_without_body"),
        (6, "NIOSH", "TC-84A-4329", "tc 84a 4329", None, None, "declared", None),
    ]
    makers = list(db.session.execute(text(
        "SELECT d.id, d.manufacturer, m.name, m.name_local FROM donation d "
        "LEFT JOIN manufacturer m ON m.id = d.manufacturer_id ORDER BY d.id")))
    horb = "Shenzhen Horb Technology Corp., Ltd"
    assert [tuple(r) for r in makers] == [
        (1, horb, horb, None),
        (2, "SHENZHEN HORB TECHNOLOGY CORP. LTD.", horb, None),  # the same maker, text kept
        (3, "杭州医用纺织品有限公司 Hangzhou Medical Textiles", "Hangzhou Medical Textiles",
         "杭州医用纺织品有限公司"),
        (4, "Wenzhou Goggles Co.", "Wenzhou Goggles Co.", None),
        (5, None, None, None),
        (6, "  ", None, None),
    ]
    holders = {tuple(r) for r in db.session.execute(text(
        "SELECT DISTINCT c.donation_id, c.holder_id = d.manufacturer_id FROM certificate c "
        "JOIN donation d ON d.id = c.donation_id WHERE d.manufacturer_id IS NOT NULL"))}
    assert holders == {(1, True), (2, True), (3, True), (4, True)}


def test_downgrade_writes_the_texts_back(old_app: Any) -> None:
    _old_rows()
    upgrade()
    downgrade(revision=BEFORE)
    rows = [tuple(r) for r in db.session.execute(text(
        "SELECT manufacturer, cert_nmpa, cert_fda_eua, cert_fda_510k, cert_ce, "
        "cert_ce_notified_body, cert_niosh FROM donation ORDER BY id"))]
    assert rows == [(maker, *certs) for maker, _standard, *certs in TYPED]
