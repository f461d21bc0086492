"""Imported donations carry certificate records and name their makers; a placeholder or a
malformed number is reported at its row and column, and nothing is written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from aidregistry.models import Certificate, CertificateState, Donation, Manufacturer
from tests.integration.test_import import donor, messages, run, write  # noqa: F401 - fixture

HEADER = ("external_ref,item_code,quantity,standard_code,place,available_from,manufacturer,"
          "cert_nmpa,cert_fda_eua,cert_ce,cert_ce_notified_body,cert_niosh")


def count(db_session: Any, model: Any) -> int:
    return int(db_session.scalar(select(func.count()).select_from(model)))


def test_certificates_and_makers_arrive_with_their_rows(
    app: Flask, db_session: Any, donor: Any, tmp_path: Path  # noqa: F811 - fixture
) -> None:
    rows = [
        "K1,RESP_KN95,20000,GB2626-KN95,Shenzhen,2020-04-06,Lanshan Shendun Technology Co.,"
        "粤械注准20202140317,EUA200412,,,",
        "K2,RESP_KN95,10000,GB2626-KN95,Shenzhen,2020-04-07,LANSHAN SHENDUN TECHNOLOGY CO LTD,"
        ",,,,",
        "F1,RESP_FFP2,5000,EN149-FFP2,Shenzhen,2020-04-07,3M,,,BSI-PPE-1234,2797,",
        "N1,RESP_N95,800,NIOSH-N95,Shanghai,2020-04-08,\"Shanghai Dasheng Health Products "
        "Manufacture Co., Ltd.\",,,,,TC-84A-4329",
    ]
    report = run(app, db_session, write(tmp_path, "\n".join([HEADER, *rows]) + "\n"), donor)
    assert report.ok, messages(report)
    assert report.written == 4
    found = db_session.execute(
        select(Donation.external_ref, Certificate.scheme, Certificate.number,
               Certificate.verification, Manufacturer.name)
        .join(Certificate, Certificate.donation_id == Donation.id)
        .join(Manufacturer, Manufacturer.id == Certificate.holder_id)
        .order_by(Donation.id, Certificate.id)).all()
    ref = f"import:{donor.id}:"
    assert [tuple(r) for r in found] == [
        (ref + "K1", "NMPA", "粤械注准20202140317", CertificateState.DECLARED,
         "Lanshan Shendun Technology Co."),
        (ref + "K1", "FDA_EUA", "EUA200412", CertificateState.REMOVED,
         "Lanshan Shendun Technology Co."),
        (ref + "F1", "CE", "BSI-PPE-1234", CertificateState.LISTED, "3M"),
        (ref + "N1", "NIOSH", "TC-84A-4329", CertificateState.LISTED,
         "Shanghai Dasheng Health Products Manufacture Co., Ltd."),
    ]
    assert count(db_session, Manufacturer) == 3  # both spellings of Lanshan Shendun: one maker
    k2 = db_session.scalar(select(Donation).where(Donation.external_ref == ref + "K2"))
    assert k2.manufacturer == "LANSHAN SHENDUN TECHNOLOGY CO LTD"
    assert k2.maker.name == "Lanshan Shendun Technology Co."


def test_bad_certificates_are_reported_where_they_are_and_nothing_is_written(
    app: Flask, db_session: Any, donor: Any, tmp_path: Path  # noqa: F811 - fixture
) -> None:
    rows = [
        "B1,RESP_KN95,20000,GB2626-KN95,Shenzhen,2020-04-06,Maker,n/a,,,,",
        "B2,RESP_KN95,20000,GB2626-KN95,Shenzhen,2020-04-06,Maker,,EUA-2020-0412,,,",
        "B3,RESP_FFP2,5000,EN149-FFP2,Shenzhen,2020-04-07,Maker,,,ECM-1,1282,",
        "B4,RESP_FFP2,5000,EN149-FFP2,Shenzhen,2020-04-07,Maker,,,,0123,",
        "B5,RESP_N95,800,NIOSH-N95,Shanghai,2020-04-08,Maker,待定,,,,N95",
    ]
    report = run(app, db_session, write(tmp_path, "\n".join([HEADER, *rows]) + "\n"), donor)
    assert not report.ok
    assert [(row, column) for row, column, _ in messages(report)] == [
        (2, "cert_nmpa"), (3, "cert_fda_eua"), (4, "cert_ce_notified_body"), (5, "cert_ce"),
        (6, "cert_nmpa"), (6, "cert_niosh")]
    assert "placeholder" in messages(report)[0][2]
    assert count(db_session, Donation) == count(db_session, Certificate) == 0
    assert count(db_session, Manufacturer) == 0
