"""Certificates' schemes, states and problems in the reader's language (labels once)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from aidregistry.domain.evidence.problems import MESSAGES, Problem
from aidregistry.models import Certificate, CertificateScheme, CertificateState
from aidregistry.web.evidence.blueprint import bp

SCHEME_LABELS = {
    CertificateScheme.NMPA: _l("NMPA registration"),
    CertificateScheme.FDA_EUA: _l("FDA EUA"),
    CertificateScheme.FDA_510K: _l("FDA 510(k)"),
    CertificateScheme.CE: _l("CE certificate"),
    CertificateScheme.NIOSH: _l("NIOSH approval"),
    CertificateScheme.TEST_REPORT: _l("Test report"),
}
STATE_LABELS = {
    CertificateState.INVALID: _l("declared, not valid"),
    CertificateState.DECLARED: _l("declared, unverified"),
    CertificateState.LISTED: _l("listed"),
    CertificateState.NOT_LISTED: _l("not on the lists held"),
    CertificateState.REMOVED: _l("removed from its list"),
    CertificateState.VERIFIED: _l("verified"),
    CertificateState.DOUBTFUL: _l("doubtful"),
    CertificateState.COUNTERFEIT: _l("counterfeit"),
}
# Bootstrap badge colours: good, unknown, bad.
STATE_BADGES = {
    CertificateState.INVALID: "danger",
    CertificateState.DECLARED: "secondary",
    CertificateState.LISTED: "success",
    CertificateState.NOT_LISTED: "warning",
    CertificateState.REMOVED: "danger",
    CertificateState.VERIFIED: "success",
    CertificateState.DOUBTFUL: "warning",
    CertificateState.COUNTERFEIT: "danger",
}


@bp.app_template_global()
def certificate_scheme_label(scheme: Any) -> str:
    """A scheme's name in the reader's language."""
    return str(SCHEME_LABELS[CertificateScheme(scheme)])


@bp.app_template_global()
def certificate_state_label(state: Any) -> str:
    """A verification state in the reader's language."""
    return str(STATE_LABELS[CertificateState(state)])


@bp.app_template_global()
def certificate_state_badge(state: Any) -> str:
    """The badge colour of a verification state."""
    return STATE_BADGES[CertificateState(state)]


@bp.app_template_global()
def certificate_problem(certificate: Certificate) -> str:
    """Why a certificate kept as declared is not valid, in the reader's language."""
    if not certificate.problem:
        return ""
    return str(gettext(MESSAGES[Problem(certificate.problem)]))
