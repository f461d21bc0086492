"""Why a certificate as typed is refused, or kept as "declared, not valid": one code per
reason and the English sentence a person reads.

The sentences are the msgids the site translates (aidregistry/web/vocabulary.py lists them);
they carry no placeholders, so that the same text serves a form field, an import cell and
an API error.
"""

from __future__ import annotations

from enum import StrEnum


class Problem(StrEnum):
    """A reason a certificate is not valid as given."""

    PLACEHOLDER = "placeholder"
    NMPA_FORMAT = "nmpa_format"
    NMPA_CLASS = "nmpa_class"
    NIOSH_FORMAT = "niosh_format"
    K510_FORMAT = "k510_format"
    EUA_FORMAT = "eua_format"
    CE_FORMAT = "ce_format"
    CE_WITHOUT_BODY = "ce_without_body"
    BODY_FORMAT = "body_format"
    BODY_WITHOUT_CE = "body_without_ce"
    BODY_NOT_PPE = "body_not_ppe"
    BODY_NOT_MEDICAL = "body_not_medical"
    BODY_NOT_IVD = "body_not_ivd"
    REPORT_FORMAT = "report_format"
    REPORT_STANDARD = "report_standard"
    REPORT_LAB = "report_lab"
    VALIDITY_ORDER = "validity_order"


MESSAGES: dict[Problem, str] = {
    Problem.PLACEHOLDER: (
        "This is a placeholder, not a certificate number (n/a, pending, none, 无, 待定 …): "
        "leave the field empty if the goods have no such certificate."
    ),
    Problem.NMPA_FORMAT: (
        "Enter the NMPA number as printed on the certificate, e.g. 国械注准20203140000 "
        "(class III), 浙械注准20202140001 (class II), 国械注进20183460123 (imported) or "
        "苏宁械备20200123 (class I filing)."
    ),
    Problem.NMPA_CLASS: (
        "This NMPA number's class does not fit its issuer: the NMPA registers class III "
        "devices made in China (国械注准), a province class II (e.g. 浙械注准), and class I "
        "devices are filed (械备), not registered."
    ),
    Problem.NIOSH_FORMAT: (
        "Enter the NIOSH approval number as printed on the respirator, e.g. TC-84A-4329."
    ),
    Problem.K510_FORMAT: "Enter the 510(k) number as K and six digits, e.g. K201234.",
    Problem.EUA_FORMAT: "Enter the FDA EUA number as EUA and six digits, e.g. EUA200628.",
    Problem.CE_FORMAT: "Enter the CE certificate number as printed on the certificate.",
    Problem.CE_WITHOUT_BODY: (
        "Give the notified body's four-digit number, printed after the CE mark: a CE "
        "certificate is only checked with it."
    ),
    Problem.BODY_FORMAT: (
        "A notified body number has four digits, printed after the CE mark (e.g. CE 2797)."
    ),
    Problem.BODY_WITHOUT_CE: "Give the CE certificate number this notified body issued.",
    Problem.BODY_NOT_PPE: (
        "This notified body is not designated for protective equipment of this kind under "
        "Regulation (EU) 2016/425, so its number after a CE mark does not certify these goods."
    ),
    Problem.BODY_NOT_MEDICAL: (
        "This notified body is not designated for medical devices (Directive 93/42/EEC or "
        "Regulation (EU) 2017/745), so its number after a CE mark does not certify these goods."
    ),
    Problem.BODY_NOT_IVD: (
        "This notified body is not designated for in-vitro diagnostics (Directive 98/79/EC), "
        "so its number after a CE mark does not certify these goods."
    ),
    Problem.REPORT_FORMAT: "Enter the test report's number as printed on the report.",
    Problem.REPORT_STANDARD: (
        "Say which standard the report tests against, e.g. GB 2626-2019, EN 149 or ASTM F2100."
    ),
    Problem.REPORT_LAB: "Name the laboratory that issued the test report.",
    Problem.VALIDITY_ORDER: "The certificate's end of validity is before its start.",
}


class EvidenceError(ValueError):
    """A certificate refused as given: ``problem`` says why, ``part`` which of its fields
    (``number``, ``notified_body``, ``tested_standard``, ``issuer`` or ``valid_until``)."""

    def __init__(self, problem: Problem, part: str = "number") -> None:
        super().__init__(MESSAGES[problem])
        self.problem = problem
        self.part = part

    @property
    def message(self) -> str:
        """The English sentence (a msgid of the site's catalogue)."""
        return MESSAGES[self.problem]
