"""Compatibility of standards, certificates and dated substitutions."""

from __future__ import annotations

import random
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aidregistry.domain.certification import (
    compatibility,
    need_route_keys,
    offer_route_keys,
)
from tests.unit.matching.matching_instances import (
    EQUIVALENCES,
    STANDARDS,
    random_instance,
)

KN95_CERTS = frozenset({"NMPA", "FDA_EUA"})
N95 = frozenset({"NIOSH-N95"})


def decide(std: str, certs: frozenset[str], accepted: frozenset[str], where: str, on: date):
    return compatibility(std, certs, accepted, where, on, STANDARDS, EQUIVALENCES)


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2020, 4, 2), False),
        (date(2020, 4, 3), True),
        (date(2020, 7, 1), True),
        (date(2020, 10, 15), True),
        (date(2020, 10, 16), False),
    ],
)
def test_kn95_for_n95_in_the_us_only_while_the_eua_is_valid(on: date, expected: bool) -> None:
    decision = decide("GB2626-KN95", KN95_CERTS, N95, "US", on)
    assert (decision is not None) is expected
    if decision is not None:
        assert decision.substitution is not None
        assert "FDA EUA" in decision.note


def test_kn95_for_n95_needs_the_eua_certificate() -> None:
    assert decide("GB2626-KN95", frozenset({"NMPA"}), N95, "US", date(2020, 5, 1)) is None


def test_kn95_for_n95_not_outside_the_us() -> None:
    assert decide("GB2626-KN95", KN95_CERTS, N95, "IT", date(2020, 5, 1)) is None


def test_ffp2_is_never_a_substitute_for_ffp3() -> None:
    for on in (date(2020, 3, 1), date(2020, 5, 1), date(2021, 1, 1)):
        for where in ("US", "IT", "ES"):
            ffp3 = frozenset({"EN149-FFP3"})
            assert decide("EN149-FFP2", frozenset({"CE"}), ffp3, where, on) is None


def test_direct_acceptance_needs_the_standards_own_certificates() -> None:
    ffp2 = frozenset({"EN149-FFP2"})
    assert decide("EN149-FFP2", frozenset({"CE"}), ffp2, "IT", date(2020, 5, 1)) is not None
    assert decide("EN149-FFP2", frozenset(), ffp2, "IT", date(2020, 5, 1)) is None


def test_direct_acceptance_is_preferred_and_has_no_note() -> None:
    accepted = frozenset({"NIOSH-N95", "GB2626-KN95"})
    decision = decide("GB2626-KN95", KN95_CERTS, accepted, "US", date(2020, 5, 1))
    assert decision is not None
    assert decision.substitution is None
    assert decision.note == ""


def test_unknown_standard_is_never_compatible() -> None:
    assert decide("MYSTERY", frozenset(), frozenset({"MYSTERY"}), "US", date(2020, 5, 1)) is None


@settings(deadline=None, max_examples=150)
@given(st.integers(0, 2**32))
def test_route_keys_intersect_exactly_when_compatible(seed: int) -> None:
    rng = random.Random(seed)
    offers, needs, policy = random_instance(rng, 6, 6, 3)
    on = policy.run_date
    for o in offers:
        provided = offer_route_keys(o.standard, o.certificates, on, STANDARDS, EQUIVALENCES)
        for n in needs:
            wanted = need_route_keys(n.accepted_standards, n.jurisdiction, on, EQUIVALENCES)
            decision = decide(o.standard, o.certificates, n.accepted_standards, n.jurisdiction, on)
            assert bool(provided & wanted) == (decision is not None)
