"""Route rules: where legs meet, and which leg may be removed."""

from __future__ import annotations

import pytest

from aidregistry.domain.routes import Hop, Refusal, Stop, gaps, meets, removal_refusal

HANGZHOU = Stop("Hangzhou, China", 30.2937, 120.1614)
LIEGE = Stop("Liège, Belgium", 50.6337, 5.5675)
LIEGE_AIRPORT = Stop("Liège Airport", 50.6374, 5.4432)
BRUSSELS = Stop("Brussels", 50.8467, 4.3525)
MILAN = Stop("Milan", 45.4643, 9.1895)
ROME = Stop("Rome", 41.8919, 12.5113)


@pytest.mark.parametrize(("end", "start", "expected"), [
    (LIEGE, LIEGE_AIRPORT, True),  # 9 km: one stop
    (LIEGE, BRUSSELS, False),  # 90 km
    (Stop("Liège, Belgium"), Stop(" liège "), True),  # no coordinates: by name
    (Stop("Liège"), LIEGE_AIRPORT, False),  # one side without coordinates: by name
    (Stop("Springfield", 39.8, -89.6), Stop("Springfield", 42.1, -72.6), False),
])
def test_meets(end: Stop, start: Stop, expected: bool) -> None:
    assert meets(end, start) is expected


def test_gaps_name_the_legs_that_start_elsewhere() -> None:
    hops = [Hop(HANGZHOU, LIEGE), Hop(LIEGE_AIRPORT, MILAN), Hop(ROME, ROME)]
    assert gaps(hops) == [2]


def route() -> list[Hop]:
    return [Hop(HANGZHOU, LIEGE), Hop(LIEGE, MILAN), Hop(MILAN, ROME)]


@pytest.mark.parametrize(("index", "closed", "under_way", "expected"), [
    (2, False, True, None),  # the last leg
    (0, False, False, None),  # the first leg, before departure
    (1, False, True, Refusal.GAP),  # Liège … Milan would not meet
    (2, True, True, Refusal.CLOSED),
])
def test_removal_refusal(index: int, closed: bool, under_way: bool,
                         expected: Refusal | None) -> None:
    assert removal_refusal(route(), index, closed=closed, under_way=under_way) is expected


def test_a_middle_leg_goes_when_its_neighbours_meet() -> None:
    hops = [Hop(HANGZHOU, LIEGE), Hop(LIEGE, LIEGE_AIRPORT), Hop(LIEGE_AIRPORT, ROME)]
    assert removal_refusal(hops, 1, closed=False, under_way=True) is None


def test_a_travelled_leg_and_the_only_leg_under_way_stay() -> None:
    travelled = [Hop(HANGZHOU, LIEGE, travelled=True), Hop(LIEGE, ROME)]
    assert removal_refusal(travelled, 0, closed=False, under_way=True) is Refusal.TRAVELLED
    only = [Hop(HANGZHOU, LIEGE)]
    assert removal_refusal(only, 0, closed=False, under_way=True) is Refusal.ONLY_LEG
    assert removal_refusal(only, 0, closed=False, under_way=False) is None
