"""Certificate numbers: each scheme's printed form, canonical spellings, placeholders."""

from __future__ import annotations

from datetime import date

import pytest

from aidregistry.domain.evidence.declared import Declared, problems_of
from aidregistry.domain.evidence.listings import ListingEntry
from aidregistry.domain.evidence.numbers import (
    Scheme,
    is_placeholder,
    parse_notified_body,
    parse_number,
)
from aidregistry.domain.evidence.problems import MESSAGES, EvidenceError, Problem

PLACEHOLDERS = ["n/a", "N/A", "N.A.", "na", "-", "—", "/", "?", "none", "None", "nil", "pending",
                "Pending approval", "TBD", "not applicable", "applying", "0", "000000", "xxx",
                "无", "暂无", "待定", "申请中", "不适用", "见附件", " ", "待定 pending"]


@pytest.mark.parametrize("text", PLACEHOLDERS)
@pytest.mark.parametrize("scheme", list(Scheme))
def test_placeholders_are_refused_as_such_in_every_scheme(scheme: Scheme, text: str) -> None:
    with pytest.raises(EvidenceError) as caught:
        parse_number(scheme, text)
    assert caught.value.problem is Problem.PLACEHOLDER
    assert "placeholder" in caught.value.message


@pytest.mark.parametrize("text", ["国械注准", "CE certified", "see the box", "TC-84A", "K20123"])
def test_text_that_is_not_a_placeholder_is_not_called_one(text: str) -> None:
    assert not is_placeholder(text)


@pytest.mark.parametrize(
    ("text", "number", "issuer", "device_class"),
    [
        ("国械注准20203140000", "国械注准20203140000", "National Medical Products "
         "Administration (NMPA)", 3),
        ("浙械注准20202140001", "浙械注准20202140001", "Zhejiang Medical Products "
         "Administration", 2),
        ("粤械注准 2020 2 14 0317 号", "粤械注准20202140317", "Guangdong Medical Products "
         "Administration", 2),
        ("国械注进20183460123", "国械注进20183460123", "National Medical Products "
         "Administration (NMPA)", 3),
        ("国械注许20162640021", "国械注许20162640021", "National Medical Products "
         "Administration (NMPA)", 2),
        ("苏宁械备20200123号", "苏宁械备20200123", "Jiangsu (municipal filing)", 1),
        ("国械备20190012", "国械备20190012", "National Medical Products Administration (NMPA)", 1),
        ("浙械注准２０２０２１４０００１", "浙械注准20202140001", "Zhejiang Medical Products "
         "Administration", 2),
    ],
)
def test_nmpa_numbers_in_their_printed_forms(
    text: str, number: str, issuer: str, device_class: int
) -> None:
    parsed = parse_number(Scheme.NMPA, text)
    assert (parsed.number, parsed.issuer, parsed.device_class) == (number, issuer, device_class)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("国械注准2020314000", Problem.NMPA_FORMAT),  # one digit short
        ("EUA-2020-0412", Problem.NMPA_FORMAT),
        ("NMPA 12345", Problem.NMPA_FORMAT),
        ("美械注准20203140000", Problem.NMPA_FORMAT),  # no such issuer
        ("国械注准20202140000", Problem.NMPA_CLASS),  # class II is registered by a province
        ("浙械注准20203140001", Problem.NMPA_CLASS),  # class III by the NMPA
        ("国械注准20201140000", Problem.NMPA_CLASS),  # class I is filed
        ("国械注进20201460123", Problem.NMPA_CLASS),
        ("浙械注进20183460123", Problem.NMPA_CLASS),  # imports are the NMPA's
    ],
)
def test_malformed_nmpa_numbers_say_what_to_type(text: str, problem: Problem) -> None:
    with pytest.raises(EvidenceError) as caught:
        parse_number(Scheme.NMPA, text)
    assert caught.value.problem is problem


@pytest.mark.parametrize(
    ("scheme", "text", "number"),
    [
        (Scheme.NIOSH, "TC-84A-4329", "TC-84A-4329"),
        (Scheme.NIOSH, "tc 84a 4329", "TC-84A-4329"),
        (Scheme.NIOSH, "84A-4335", "TC-84A-4335"),
        (Scheme.NIOSH, "TC-84A-PH01", "TC-84A-PH01"),
        (Scheme.FDA_510K, "K201234", "K201234"),
        (Scheme.FDA_510K, "k 201234", "K201234"),
        (Scheme.FDA_EUA, "EUA200628", "EUA200628"),
        (Scheme.FDA_EUA, "eua200628/A001", "EUA200628/A001"),
        (Scheme.CE, "  2163-PPE-1234 ", "2163-PPE-1234"),
        (Scheme.TEST_REPORT, "4Q200328R.JGM0066", "4Q200328R.JGM0066"),
    ],
)
def test_other_schemes_canonical_spelling(scheme: Scheme, text: str, number: str) -> None:
    assert parse_number(scheme, text).number == number


@pytest.mark.parametrize(
    ("scheme", "text", "problem"),
    [
        (Scheme.NIOSH, "TC-21C-0001", Problem.NIOSH_FORMAT),
        (Scheme.NIOSH, "N95", Problem.NIOSH_FORMAT),
        (Scheme.FDA_510K, "K20123", Problem.K510_FORMAT),
        (Scheme.FDA_510K, "DEN200012", Problem.K510_FORMAT),
        (Scheme.FDA_EUA, "EUA-2020-0412", Problem.EUA_FORMAT),
        (Scheme.FDA_EUA, "Appendix A", Problem.EUA_FORMAT),
        (Scheme.CE, "CE certified", Problem.CE_FORMAT),
    ],
)
def test_malformed_numbers_of_other_schemes(scheme: Scheme, text: str, problem: Problem) -> None:
    with pytest.raises(EvidenceError) as caught:
        parse_number(scheme, text)
    assert caught.value.problem is problem


@pytest.mark.parametrize(("text", "body"), [("2797", "2797"), ("CE 2797", "2797"),
                                            ("NB-0086", "0086"), ("ce２１６３", "2163")])
def test_notified_body_numbers(text: str, body: str) -> None:
    assert parse_notified_body(text) == body


@pytest.mark.parametrize("text", ["279", "27970", "TÜV", "CE"])
def test_malformed_notified_bodies(text: str) -> None:
    with pytest.raises(EvidenceError) as caught:
        parse_notified_body(text)
    assert (caught.value.problem, caught.value.part) == (Problem.BODY_FORMAT, "notified_body")


NOT_FOR_RESPIRATORS = ListingEntry(1, "EU-NB", number="1282", scope="PPE-RESP", designated=False)
FOR_RESPIRATORS = ListingEntry(2, "EU-NB", number="2797", scope="PPE-RESP")


def test_a_ce_certificate_is_checked_whole_with_a_message_per_part() -> None:
    bodies = [NOT_FOR_RESPIRATORS, FOR_RESPIRATORS]
    ok, problems = problems_of(Declared(Scheme.CE, "BSI-PPE-1234", "CE 2797"), "PPE-RESP", bodies)
    assert problems == []
    assert ok is not None
    assert (ok.number, ok.notified_body) == ("BSI-PPE-1234", "2797")

    def parts(declared: Declared) -> list[tuple[str, Problem]]:
        _, found = problems_of(declared, "PPE-RESP", bodies)
        return [(p.part, p.problem) for p in found]

    assert parts(Declared(Scheme.CE, "", "2797")) == [("number", Problem.BODY_WITHOUT_CE)]
    assert parts(Declared(Scheme.CE, "CE-1234", "")) == [("notified_body",
                                                          Problem.CE_WITHOUT_BODY)]
    assert parts(Declared(Scheme.CE, "n/a", "27")) == [("number", Problem.PLACEHOLDER),
                                                       ("notified_body", Problem.BODY_FORMAT)]
    assert parts(Declared(Scheme.CE, "ECM-1234", "1282")) == [("notified_body",
                                                               Problem.BODY_NOT_PPE)]
    # The same body is not refused for goods whose scope no source speaks of.
    assert problems_of(Declared(Scheme.CE, "ECM-1234", "1282"), "MD", bodies)[1] == []


def test_a_test_report_needs_its_standard_and_laboratory() -> None:
    _, found = problems_of(Declared(Scheme.TEST_REPORT, "R-2020-001"))
    assert [(p.part, p.problem) for p in found] == [("tested_standard", Problem.REPORT_STANDARD),
                                                    ("issuer", Problem.REPORT_LAB)]
    ok, _ = problems_of(Declared(Scheme.TEST_REPORT, "R-2020-001", issuer="CEPREI (Sichuan)",
                                 tested_standard="EN 149:2001+A1:2009"))
    assert ok is not None
    assert ok.issuer == "CEPREI (Sichuan)"


def test_validity_dates_in_order() -> None:
    _, found = problems_of(Declared(Scheme.NIOSH, "TC-84A-4329", valid_from=date(2020, 5, 1),
                                    valid_until=date(2020, 4, 1)))
    assert [p.problem for p in found] == [Problem.VALIDITY_ORDER]


def test_every_problem_has_its_message() -> None:
    assert set(MESSAGES) == set(Problem)
