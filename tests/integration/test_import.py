"""Bulk import: broken files are reported row by row, good files arrive whole and once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from aidregistry.models import AuditEvent, Donation, Need, OrgRole
from aidregistry.services.imports import ImportKind, ImportReport, commit, preview
from aidregistry.services.imports.columns import template_csv, template_xlsx
from aidregistry.web.geocoder import get_geocoder
from tests.factories import OrganisationFactory

HEADER = "external_ref,item_code,quantity,unit,pack_size,standard_code,place,available_from,modes"
GOOD = [
    "A1,MASK_SURG,20000,piece,,YY0469,Shanghai,2020-03-15,air",
    "A2,MASK_SURG,100,packs,50,YY0469,Hangzhou,2020-03-16,air;sea",
    "A3,GLOVE_EXAM,5000,units,,,Shanghai,2020-03-17,air",
]


@pytest.fixture
def donor(db_session: Any) -> Any:
    org = OrganisationFactory(role=OrgRole.DONOR)
    db_session.commit()
    return org


def write(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "in.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def run(app: Flask, db_session: Any, path: Path, org: Any, write_rows: bool = True,
        kind: ImportKind = ImportKind.DONATIONS) -> ImportReport:
    action = commit if write_rows else preview
    if write_rows:
        report = commit(db_session, None, get_geocoder(), path, kind, org)
    else:
        report = action(db_session, get_geocoder(), path, kind, org)  # type: ignore[call-arg]
    if report.ok and write_rows:
        db_session.commit()
    else:
        db_session.rollback()
    return report


def messages(report: ImportReport) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.message) for e in report.errors]


def test_a_good_file_imports_every_row(app: Flask, db_session: Any, donor: Any,
                                       tmp_path: Path) -> None:
    report = run(app, db_session, write(tmp_path, "\n".join([HEADER, *GOOD]) + "\n"), donor)
    assert report.ok, messages(report)
    assert report.written == 3
    packs = db_session.query(Donation).filter_by(pack_size=50).one()
    assert packs.quantity == 5000
    assert packs.mode_set == {"air", "sea"}
    assert db_session.query(AuditEvent).filter_by(action="donation.import").count() == 1


def test_reimporting_does_not_duplicate(app: Flask, db_session: Any, donor: Any,
                                        tmp_path: Path) -> None:
    path = write(tmp_path, "\n".join([HEADER, *GOOD]) + "\n")
    run(app, db_session, path, donor)
    again = run(app, db_session, path, donor)
    assert (again.written, again.skipped) == (0, 3)
    assert db_session.query(Donation).count() == 3


def test_rows_without_a_reference_are_deduplicated_by_content(app: Flask, db_session: Any,
                                                              donor: Any, tmp_path: Path) -> None:
    rows = [line.split(",", 1)[1] for line in GOOD]
    text = "\n".join([HEADER.split(",", 1)[1], *rows, rows[0]]) + "\n"
    path = write(tmp_path, text)
    assert run(app, db_session, path, donor).written == 4  # two identical lots both arrive
    assert run(app, db_session, path, donor).written == 0
    assert db_session.query(Donation).count() == 4


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_encodings(app: Flask, db_session: Any, donor: Any, tmp_path: Path, encoding: str) -> None:
    text = "\n".join([HEADER + ",notes", GOOD[0] + ",口罩 已到达"]) + "\n"
    report = run(app, db_session, write(tmp_path, text, encoding), donor)
    assert report.ok, messages(report)
    assert db_session.query(Donation).one().notes == "口罩 已到达"


def test_item_names_in_chinese_are_understood(app: Flask, db_session: Any, donor: Any,
                                               tmp_path: Path) -> None:
    from aidregistry.models import ItemType

    name = db_session.get(ItemType, "MASK_SURG").name_zh
    text = "\n".join([HEADER, GOOD[0].replace("MASK_SURG", name)]) + "\n"
    assert run(app, db_session, write(tmp_path, text, "gb18030"), donor).written == 1


@pytest.mark.parametrize("header", [
    "您自己的编号,物资,数量,计数单位,每包装数量,物资符合的标准,城市,可提供日期,运输方式",
    "Your own reference,Item,Quantity,Counted in,Units per pack,Standard the goods meet,Place,"
    "Available from,Can travel by",
])
def test_the_forms_labels_are_understood_as_headers(app: Flask, db_session: Any, donor: Any,
                                                    tmp_path: Path, header: str) -> None:
    """A sheet headed as the Chinese or English donation form needs no choosing of columns."""
    text = "\n".join([header, *GOOD]) + "\n"
    report = run(app, db_session, write(tmp_path, text, "gb18030"), donor)
    assert report.written == 3, messages(report)
    refs = {d.external_ref.rsplit(":", 1)[-1] for d in db_session.query(Donation)}
    assert refs == {"A1", "A2", "A3"}


def test_xlsx(app: Flask, db_session: Any, donor: Any, tmp_path: Path) -> None:
    from datetime import datetime

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    sheet.append(["X1", "MASK_SURG", 300, "piece", None, "YY0469", "Shanghai",
                  datetime(2020, 3, 15), "air"])  # noqa: DTZ001 - a spreadsheet's date
    sheet.append(["X2", "MASK_SURG", 10, "piece", None, "YY0469", "Shanghai", "15/03/2020",
                  "air"])
    sheet.append(["X3", "=1+1", 10, "piece", None, "YY0469", "Shanghai", "2020-03-15", "air"])
    path = tmp_path / "in.xlsx"
    book.save(path)
    report = run(app, db_session, path, donor)
    assert {(e.row, e.column) for e in report.errors} == {(3, "available_from"), (4, "item_code")}
    assert db_session.query(Donation).count() == 0
    sheet.delete_rows(3, 2)
    book.save(path)
    assert run(app, db_session, path, donor).written == 1
    assert db_session.query(Donation).one().available_from.isoformat() == "2020-03-15"


BROKEN = {
    "unterminated quote": (f'{HEADER}\n{GOOD[0]}\nA2,MASK_SURG,"100,piece,,YY0469,Shanghai,'
                           f'2020-03-16,air\n{GOOD[2]}\n', (3, "")),
    "duplicate header": (f"{HEADER},quantity\n{GOOD[0]},5\n", (1, "quantity")),
    "blank line": (f"{HEADER}\n{GOOD[0]}\n\n{GOOD[2]}\n", (3, "")),
    "blank row of commas": (f"{HEADER}\n{GOOD[0]}\n,,,,,,,,\n", (3, "")),
    "extra column": (f"{HEADER}\n{GOOD[0]},surplus\n", (2, "column 10")),
    "missing cells": (f"{HEADER}\nA1,MASK_SURG,20000\n", (2, "")),
    "formula": (f"{HEADER}\n{GOOD[0].replace('Shanghai', '=HYPERLINK(1)')}\n", (2, "place")),
    "at formula": (f"{HEADER}\n{GOOD[0].replace('A1', '@SUM(A1)')}\n", (2, "external_ref")),
    "unknown column": (f"{HEADER},colour\n{GOOD[0]},red\n", (1, "colour")),
    "missing required column": ("item_code,quantity\nMASK_SURG,5\n", (1, "place")),
    "wrong unit": (f"{HEADER}\n{GOOD[0].replace('piece', 'tonne')}\n", (2, "quantity")),
    "bad date": (f"{HEADER}\n{GOOD[0].replace('2020-03-15', '2020-02-30')}\n",
                 (2, "available_from")),
    "packs without size": (f"{HEADER}\n{GOOD[1].replace(',50,', ',,')}\n", (2, "quantity")),
    "unknown item": (f"{HEADER}\n{GOOD[0].replace('MASK_SURG', 'UNICORN')}\n", (2, "item_code")),
    "standard of another item": (f"{HEADER}\n{GOOD[2].replace(',,,', ',,YY0469,')}\n",
                                 (2, "standard_code")),
    "unknown place": (f"{HEADER}\n{GOOD[0].replace('Shanghai', 'Xqzzyville')}\n", (2, "place")),
    "negative quantity": (f"{HEADER}\n{GOOD[0].replace('20000', '-5')}\n", (2, "quantity")),
    "repeated reference": (f"{HEADER}\n{GOOD[0]}\n{GOOD[0]}\n", (3, "external_ref")),
    "nul byte": (HEADER + "\n" + GOOD[0].replace("air", "a\0ir") + "\n", (2, "modes")),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_files_are_reported_and_nothing_is_written(
        app: Flask, db_session: Any, donor: Any, tmp_path: Path, case: str) -> None:
    text, expected = BROKEN[case]
    report = run(app, db_session, write(tmp_path, text), donor)
    assert not report.ok
    assert expected in [(e.row, e.column) for e in report.errors], messages(report)
    assert db_session.query(Donation).count() == 0


def test_errors_of_every_row_are_listed(app: Flask, db_session: Any, donor: Any,
                                        tmp_path: Path) -> None:
    bad = [line.replace("2020-03-1", "2020-13-1") for line in GOOD]
    report = run(app, db_session, write(tmp_path, "\n".join([HEADER, *bad]) + "\n"), donor,
                 write_rows=False)
    assert [e.row for e in report.errors] == [2, 3, 4]


def test_reading_goes_on_past_a_malformed_row(app: Flask, db_session: Any, donor: Any,
                                              tmp_path: Path) -> None:
    """A stray quote spoils one row; the rows after it are still read and reported."""
    stray = GOOD[1].replace("Hangzhou", '"Hang"zhou')
    late = GOOD[2].replace("2020-03-1", "2020-13-1")
    report = run(app, db_session, write(tmp_path, "\n".join([HEADER, GOOD[0], stray, late]) + "\n"),
                 donor)
    assert [(e.row, e.column) for e in report.errors] == [(3, ""), (4, "available_from")]
    assert "double each quote inside it" in str(report.errors[0].message)
    assert db_session.query(Donation).count() == 0


def test_needs(app: Flask, db_session: Any, tmp_path: Path) -> None:
    org = OrganisationFactory(role=OrgRole.RECIPIENT, country="US", city="Newark")
    db_session.commit()
    text = ("item_code,quantity,accepted_standards,priority,needed_by,place,country\n"
            "MASK_SURG,500,YY0469;ASTM-F2100,1,2099-01-01,Newark,US\n")
    report = run(app, db_session, write(tmp_path, text), org, kind=ImportKind.NEEDS)
    assert report.ok, messages(report)
    need = db_session.query(Need).one()
    assert sorted(s.code for s in need.accepted_standards) == ["ASTM-F2100", "YY0469"]


def test_templates_import_as_they_are(app: Flask, db_session: Any, donor: Any,
                                      tmp_path: Path) -> None:
    csv_path = write(tmp_path, template_csv(ImportKind.DONATIONS))
    assert run(app, db_session, csv_path, donor, write_rows=False).ok
    xlsx_path = tmp_path / "t.xlsx"
    xlsx_path.write_bytes(template_xlsx(ImportKind.DONATIONS))
    assert run(app, db_session, xlsx_path, donor, write_rows=False).ok


CHILD = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from aidregistry.app import create_app
    from aidregistry.extensions import db
    from aidregistry.models import Organisation
    from aidregistry.services.imports import run as import_run
    from aidregistry.services.imports import commit, ImportKind
    from aidregistry.web.geocoder import get_geocoder

    original = import_run._write
    def write_then_die(*args, **kwargs):
        original(*args, **kwargs)
        db.session.flush()
        os.kill(os.getpid(), signal.SIGKILL)  # killed after the first batch reached the database
    import_run._write = write_then_die
    import_run.BATCH = 2
    app = create_app({"AIDREGISTRY_ENV": "testing", "SECRET_KEY": "x" * 40,
                      "SQLALCHEMY_DATABASE_URI": sys.argv[1],
                      "AIDREGISTRY_GAZETTEER_PATH": sys.argv[2]})
    with app.app_context():
        org = db.session.get(Organisation, int(sys.argv[3]))
        commit(db.session, None, get_geocoder(), Path(sys.argv[4]), ImportKind.DONATIONS, org)
        db.session.commit()
""")


def test_a_killed_import_leaves_the_database_unchanged(
        app: Flask, db_session: Any, donor: Any, tmp_path: Path, database_url: str,
        gazetteer_path: Path) -> None:
    path = write(tmp_path, "\n".join([HEADER, *GOOD]) + "\n")
    org_id = donor.id
    db_session.rollback()  # end this test's transaction: on SQLite it would hold the write lock
    env = {**os.environ, "AIDREGISTRY_INSTANCE_PATH": str(tmp_path / "child")}
    child = subprocess.run([sys.executable  # noqa: S603 - this interpreter, our own script
                            , "-c", CHILD, database_url, str(gazetteer_path),
                            str(org_id), str(path)], env=env, capture_output=True, timeout=120,
                           check=False)
    assert child.returncode == -signal.SIGKILL, child.stderr.decode()[-2000:]
    db_session.expire_all()
    assert db_session.query(Donation).count() == 0
    assert run(app, db_session, path, donor).written == 3


OWN = ("Item name,Menge,Qty,City,Ready on\n"
       "MASK_SURG,20000,5,Hangzhou,2020-03-15\n")


def test_command_line_maps_headers_and_speaks_english(app: Flask, db_session: Any, donor: Any,
                                                      tmp_path: Path) -> None:
    """--map goes through the same column code as the upload page; a given map beats an alias."""
    path = write(tmp_path, OWN)
    runner = app.test_cli_runner()
    args = ["import", "donations", str(path), "--organisation", str(donor.id)]
    unmapped = runner.invoke(args=args)
    assert unmapped.exit_code == 1
    assert "row 1, Menge: Unknown column; rename it to one of the template's columns." \
        in unmapped.output
    assert "row 1, available_from: This required column is missing." in unmapped.output
    bad_date = write(tmp_path, OWN.replace("2020-03-15", "15.3.2020"), name="date.csv")
    wrong = runner.invoke(args=[*args[:2], str(bad_date), *args[3:], "--map", "Menge=quantity",
                                "--map", "Qty=pack_size", "--map", "ready on=available_from"])
    assert "row 2, available_from: Write the date as YYYY-MM-DD, e.g. 2020-03-15 " \
           "(not '15.3.2020')." in wrong.output
    typo = runner.invoke(args=[*args, "--map", "Menge=quantityy"])
    assert "row 1, Menge: 'quantityy' is not a column of this import." in typo.output
    assert db_session.query(Donation).count() == 0
    done = runner.invoke(args=[*args, "--map", "Menge=quantity", "--map", "Qty=pack_size",
                               "--map", "ready on=available_from"])
    assert done.exit_code == 0, done.output
    donation = db_session.query(Donation).one()
    assert (donation.quantity, donation.pack_size) == (20000, 5)
