"""Top-k suggestions are exactly the k best feasible candidates."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from aidregistry.domain.certification import compatibility
from aidregistry.domain.matching import solve
from aidregistry.domain.matching.costs import pair_route
from aidregistry.domain.matching.suggest import SuggestionIndex
from tests.unit.matching.matching_instances import EQUIVALENCES, STANDARDS, random_instance


def compatible(o, n, policy) -> bool:
    return (
        compatibility(
            o.standard,
            o.certificates,
            n.accepted_standards,
            n.jurisdiction,
            policy.run_date,
            STANDARDS,
            EQUIVALENCES,
        )
        is not None
    )


@settings(deadline=None, max_examples=40)
@given(seed=st.integers(0, 2**32), shared=st.booleans(), k=st.integers(1, 6))
def test_best_offers_and_needs_match_exhaustive_ranking(seed: int, shared: bool, k: int) -> None:
    offers, needs, policy = random_instance(random.Random(seed), 40, 40, 5, shared)
    index = SuggestionIndex(offers, needs, STANDARDS, EQUIVALENCES, policy)
    for n in needs[:8]:
        expected = sorted(
            (r.unit_cost, o.id)
            for o in offers
            if o.quantity > 0 and compatible(o, n, policy) and (r := pair_route(o, n, policy))
        )[:k]
        assert [(s.score, s.id) for s in index.best_offers(n, k)] == expected
    for o in offers[:8]:
        expected = sorted(
            (r.unit_cost, n.id)
            for n in needs
            if n.quantity > 0 and compatible(o, n, policy) and (r := pair_route(o, n, policy))
        )[:k]
        assert [(s.score, s.id) for s in index.best_needs(o, k)] == expected


def test_reduced_costs_rank_by_cost_plus_offer_price() -> None:
    offers, needs, policy = random_instance(random.Random(5), 60, 60, 20, True)
    result = solve(offers, needs, STANDARDS, EQUIVALENCES, policy, workers=1)
    index = SuggestionIndex(offers, needs, STANDARDS, EQUIVALENCES, policy, result.certificate)
    alpha = dict(zip([o.id for o in offers], result.certificate.phase2.offer, strict=True))
    for n in needs[:10]:
        expected = sorted(
            (r.unit_cost + alpha[o.id], o.id)
            for o in offers
            if o.quantity > 0 and compatible(o, n, policy) and (r := pair_route(o, n, policy))
        )[:5]
        assert [(s.score, s.id) for s in index.best_offers(n, 5)] == expected


def test_an_index_of_offers_only_still_answers_both_ways() -> None:
    offers, needs, policy = random_instance(random.Random(3), 30, 30, 5, True)
    index = SuggestionIndex(offers, [], STANDARDS, EQUIVALENCES, policy)
    assert index.best_needs(offers[0]) == []
    expected = sorted(
        (r.unit_cost, o.id)
        for o in offers
        if o.quantity > 0
        and compatible(o, needs[0], policy)
        and (r := pair_route(o, needs[0], policy))
    )[:10]
    assert [(s.score, s.id) for s in index.best_offers(needs[0], 10)] == expected
