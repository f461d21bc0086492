"""The authorisation lists: the shipped, sourced subset, and an authority's full file loaded
with 'aidregistry lists import' (all rows or none), after which certificates are checked
again."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from aidregistry.models import AuthorisationList, CertificateState, ListingEntry
from aidregistry.services.listings import load_lists
from tests.factories import DonationFactory

HEADER = "Approval Number,Approval Holder,Model,Date Rescinded\n"


def entries(db_session: Any, code: str) -> int:
    return int(db_session.scalar(
        select(func.count()).select_from(ListingEntry).where(ListingEntry.list_code == code)))


def test_every_shipped_row_cites_its_source(db_session: Any) -> None:
    rows = list(db_session.scalars(select(ListingEntry)))
    assert len(rows) == 29
    for row in rows:
        assert row.source_document
        assert row.source_date
        assert row.source_url.startswith("http")
        assert row.maker_keys or row.number
    removed = {r.maker for r in rows if r.list_code == "FDA-EUA-CN-APPX-A"
               and r.removed_on == date(2020, 5, 7)}
    assert len(removed) == 7
    appendix = db_session.get(AuthorisationList, "FDA-EUA-CN-APPX-A")
    assert (appendix.in_force_from, appendix.in_force_until) == (date(2020, 4, 3),
                                                                 date(2021, 7, 6))


def test_loading_the_shipped_lists_again_changes_nothing(db_session: Any) -> None:
    before = entries(db_session, "NIOSH-CEL")
    assert load_lists(db_session) == {"lists": 0, "entries": 29}
    assert entries(db_session, "NIOSH-CEL") == before


@pytest.fixture
def shipped_lists_afterwards(db_session: Any) -> Iterator[None]:
    """The lists are loaded once per database (PostgreSQL keeps them between tests): put the
    shipped subset back after a test that imports a file."""
    yield
    db_session.rollback()
    for row in db_session.scalars(select(AuthorisationList)):
        row.loaded_at, row.complete = None, False
    load_lists(db_session)
    db_session.commit()


def _import(app: Flask, tmp_path: Path, text: str, *extra: str) -> Any:
    path = tmp_path / "cel.csv"
    path.write_text(text, encoding="utf-8")
    return app.test_cli_runner().invoke(args=[
        "lists", "import", "NIOSH-CEL", str(path), "--source-name", "NIOSH CEL export",
        "--source-date", "2020-05-01", "--source-url", "https://wwwn.cdc.gov/NIOSH-CEL/",
        *extra])


def test_a_full_file_replaces_the_subset_and_certificates_are_checked_again(
    app: Flask, db_session: Any, tmp_path: Path, shipped_lists_afterwards: None
) -> None:
    lot = DonationFactory(item_code="RESP_N95", standard_code="NIOSH-N95",
                          certificates=[("NIOSH", "TC-84A-4335"), ("NIOSH", "TC-84A-7000")])
    db_session.commit()
    result = _import(app, tmp_path, HEADER
                     + "TC-84A-4335,Shanghai Dasheng Health Products Manufacture Co.,DTC3W,\n"
                     + "84A-7000,Another Maker,M1,05/06/2020\n")
    assert result.exit_code == 0, result.output
    assert "2 entries loaded; 2 certificates checked again" in result.output
    assert entries(db_session, "NIOSH-CEL") == 2
    target = db_session.get(AuthorisationList, "NIOSH-CEL")
    db_session.refresh(target)
    assert target.complete
    for certificate in lot.certificates:
        db_session.refresh(certificate)
    states = {c.number: (c.verification, c.listed_until) for c in lot.certificates}
    assert states == {"TC-84A-4335": (CertificateState.LISTED, None),
                      "TC-84A-7000": (CertificateState.REMOVED, date(2020, 5, 6))}
    assert load_lists(db_session)["entries"] == 19  # the imported list is kept as loaded
    assert entries(db_session, "NIOSH-CEL") == 2
    shown_result = app.test_cli_runner().invoke(args=["lists", "show"])
    assert shown_result.exit_code == 0, shown_result.exception
    shown = shown_result.output
    assert "NIOSH-CEL: 2 entries, full file, loaded" in shown


def test_a_file_with_bad_rows_loads_nothing(
    app: Flask, db_session: Any, tmp_path: Path, shipped_lists_afterwards: None
) -> None:
    result = _import(app, tmp_path, HEADER + "TC-84A-4335,Maker,M,\nN95,Maker,M,\n"
                     + ",,,\nTC-84A-4336,Maker,M,31/31/2020\n")
    assert result.exit_code == 1
    for row in ("row 3", "row 4", "row 5"):
        assert row in result.output
    assert "Nothing loaded" in result.output
    assert entries(db_session, "NIOSH-CEL") == 10  # the shipped subset stays
