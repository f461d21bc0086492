"""Why a certificate or a file is refused, listed for extraction.

The domain raises these sentences (aidregistry/domain/evidence/problems.py ``MESSAGES``,
aidregistry/domain/documents.py ``FILE_MESSAGES``) without Flask; forms, imports and the API
show them as ``_(message)``. tests/functional/test_evidence_i18n.py checks that this list
holds every one of them and that each is translated.
"""

from __future__ import annotations

from flask_babel import lazy_gettext

EVIDENCE_MESSAGES = (
    lazy_gettext(
        "This is a placeholder, not a certificate number (n/a, pending, none, 无, 待定 …): "
        "leave the field empty if the goods have no such certificate."
    ),
    lazy_gettext(
        "Enter the NMPA number as printed on the certificate, e.g. 国械注准20203140000 (class"
        " III), 浙械注准20202140001 (class II), 国械注进20183460123 (imported) or 苏宁械备20200123 "
        "(class I filing)."
    ),
    lazy_gettext(
        "This NMPA number's class does not fit its issuer: the NMPA registers class III "
        "devices made in China (国械注准), a province class II (e.g. 浙械注准), and class I "
        "devices are filed (械备), not registered."
    ),
    lazy_gettext("Enter the NIOSH approval number as printed on the respirator, e.g. TC-84A-4329."),
    lazy_gettext("Enter the 510(k) number as K and six digits, e.g. K201234."),
    lazy_gettext("Enter the FDA EUA number as EUA and six digits, e.g. EUA200628."),
    lazy_gettext("Enter the CE certificate number as printed on the certificate."),
    lazy_gettext(
        "Give the notified body's four-digit number, printed after the CE mark: a CE "
        "certificate is only checked with it."
    ),
    lazy_gettext(
        "A notified body number has four digits, printed after the CE mark (e.g. CE "
        "2797)."
    ),
    lazy_gettext("Give the CE certificate number this notified body issued."),
    lazy_gettext(
        "This notified body is not designated for protective equipment of this kind under"
        " Regulation (EU) 2016/425, so its number after a CE mark does not certify these "
        "goods."
    ),
    lazy_gettext(
        "This notified body is not designated for medical devices (Directive 93/42/EEC or"
        " Regulation (EU) 2017/745), so its number after a CE mark does not certify these"
        " goods."
    ),
    lazy_gettext(
        "This notified body is not designated for in-vitro diagnostics (Directive "
        "98/79/EC), so its number after a CE mark does not certify these goods."
    ),
    lazy_gettext("Enter the test report's number as printed on the report."),
    lazy_gettext(
        "Say which standard the report tests against, e.g. GB 2626-2019, EN 149 or ASTM "
        "F2100."
    ),
    lazy_gettext("Name the laboratory that issued the test report."),
    lazy_gettext("The certificate's end of validity is before its start."),
    lazy_gettext("The file is empty."),
    lazy_gettext("The file is larger than the registry accepts."),
    lazy_gettext(
        "This file is a web page (HTML), whatever its name says: send a PDF, PNG, JPEG or"
        " WebP file."
    ),
    lazy_gettext(
        "SVG images can carry scripts and are not accepted: send the image as PNG, JPEG "
        "or WebP."
    ),
    lazy_gettext(
        "Archives (ZIP and the like) are not accepted: send each document as a PDF, PNG, "
        "JPEG or WebP file."
    ),
    lazy_gettext("Only PDF, PNG, JPEG and WebP files are accepted."),
    lazy_gettext(
        "This PDF contains scripts, actions run on opening, embedded files or forms, "
        "which the registry does not keep: print it to a new PDF and send that."
    ),
    lazy_gettext(
        "This PDF is encrypted or protected, so it cannot be checked: save it without a "
        "password or restrictions and send it again."
    ),
)
