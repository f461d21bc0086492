"""The matcher's JSON formats: a strict reader for instances and a writer for results.

The reader rejects anything it does not understand with an :class:`InstanceError` whose
message names the offending field (``offers[3].lat: …``): unknown or missing keys, wrong
types, booleans where integers are due, NaN and Infinity, coordinates out of range, bad ISO
dates, unknown modes or certificate kinds, duplicate ids and priorities without a weight.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from aidregistry.domain.certification import CERTIFICATE_KINDS, Equivalence, Standard
from aidregistry.domain.matching.model import (
    MatchResult,
    Mode,
    ModePolicy,
    Need,
    Offer,
    Policy,
    default_modes,
    default_weights,
)

T = TypeVar("T")
Instance = tuple[list[Offer], list[Need], dict[str, Standard], list[Equivalence], Policy]


class InstanceError(ValueError):
    """A malformed matching instance."""


def _reject_constant(name: str) -> float:
    raise InstanceError(f"{name} is not a number in this format")


def _get(obj: Any, key: str, where: str, kind: type | tuple[type, ...], default: Any = ...) -> Any:
    if not isinstance(obj, dict):
        raise InstanceError(f"{where}: expected an object")
    if key not in obj:
        if default is ...:
            raise InstanceError(f"{where}.{key}: missing")
        return default
    value = obj[key]
    if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
        raise InstanceError(f"{where}.{key}: expected {_name(kind)}, got a boolean")
    if not isinstance(value, kind):
        raise InstanceError(f"{where}.{key}: expected {_name(kind)}")
    return value


def _name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(k.__name__ for k in kinds)


def _keys(obj: dict[str, Any], allowed: set[str], where: str) -> None:
    extra = sorted(set(obj) - allowed)
    if extra:
        raise InstanceError(f"{where}: unknown field(s) {', '.join(extra)}")


def _date(obj: Any, key: str, where: str, optional: bool = False) -> date | None:
    raw = _get(obj, key, where, (str, type(None)) if optional else str, None if optional else ...)
    if raw is None:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InstanceError(f"{where}.{key}: not an ISO date (YYYY-MM-DD)") from None


def _int(obj: Any, key: str, where: str, low: int = 0) -> int:
    value: int = _get(obj, key, where, int)
    if value < low:
        raise InstanceError(f"{where}.{key}: must be at least {low}")
    return value


def _coord(obj: Any, key: str, where: str, limit: float) -> float:
    value = float(_get(obj, key, where, (int, float)))
    if not math.isfinite(value) or abs(value) > limit:
        raise InstanceError(f"{where}.{key}: must be a finite number within ±{limit:g}")
    return value


def _strings(
    obj: Any, key: str, where: str, allowed: frozenset[str] | None = None
) -> frozenset[str]:
    values = _get(obj, key, where, list, [])
    if not all(isinstance(v, str) and v for v in values):
        raise InstanceError(f"{where}.{key}: expected a list of non-empty strings")
    if allowed is not None and not set(values) <= allowed:
        bad = sorted(set(values) - allowed)
        raise InstanceError(f"{where}.{key}: unknown value(s) {', '.join(bad)}")
    return frozenset(values)


def _list(doc: Any, key: str, parse: Callable[[Any, str], T]) -> list[T]:
    items = _get(doc, key, "instance", list, [])
    return [parse(item, f"{key}[{k}]") for k, item in enumerate(items)]


def _modes(obj: Any, where: str) -> frozenset[Mode]:
    names = _strings(obj, "modes", where, frozenset(m.value for m in Mode))
    if not names:
        raise InstanceError(f"{where}.modes: at least one mode is required")
    return frozenset(Mode(n) for n in names)


def _offer(obj: Any, where: str) -> Offer:
    _keys(
        obj,
        {
            "id",
            "item",
            "quantity",
            "standard",
            "certificates",
            "lat",
            "lon",
            "available_from",
            "modes",
            "expires_on",
        },
        where,
    )
    available = _date(obj, "available_from", where)
    assert available is not None  # noqa: S101 - required field, _date raised otherwise
    return Offer(
        id=_get(obj, "id", where, str),
        item=_get(obj, "item", where, str),
        quantity=_int(obj, "quantity", where),
        standard=_get(obj, "standard", where, str),
        certificates=_strings(obj, "certificates", where, CERTIFICATE_KINDS),
        lat=_coord(obj, "lat", where, 90),
        lon=_coord(obj, "lon", where, 180),
        available_from=available,
        modes=_modes(obj, where),
        expires_on=_date(obj, "expires_on", where, optional=True),
    )


def _need(obj: Any, where: str) -> Need:
    _keys(
        obj,
        {
            "id",
            "item",
            "quantity",
            "accepted_standards",
            "jurisdiction",
            "priority",
            "needed_by",
            "lat",
            "lon",
        },
        where,
    )
    jurisdiction = _get(obj, "jurisdiction", where, str)
    if len(jurisdiction) != 2 or not jurisdiction.isascii() or not jurisdiction.isupper():
        raise InstanceError(f"{where}.jurisdiction: expected an ISO 3166-1 alpha-2 code")
    needed_by = _date(obj, "needed_by", where)
    assert needed_by is not None  # noqa: S101 - required field, _date raised otherwise
    return Need(
        id=_get(obj, "id", where, str),
        item=_get(obj, "item", where, str),
        quantity=_int(obj, "quantity", where),
        accepted_standards=_strings(obj, "accepted_standards", where),
        jurisdiction=jurisdiction,
        priority=_int(obj, "priority", where, 1),
        needed_by=needed_by,
        lat=_coord(obj, "lat", where, 90),
        lon=_coord(obj, "lon", where, 180),
    )


def _standard(obj: Any, where: str) -> Standard:
    _keys(obj, {"code", "item", "required_certificates"}, where)
    return Standard(
        _get(obj, "code", where, str),
        _get(obj, "item", where, str),
        _strings(obj, "required_certificates", where, CERTIFICATE_KINDS),
    )


def _equivalence(obj: Any, where: str) -> Equivalence:
    _keys(
        obj,
        {
            "requested",
            "offered",
            "jurisdiction",
            "valid_from",
            "valid_to",
            "required_certificates",
            "note",
        },
        where,
    )
    valid_from = _date(obj, "valid_from", where)
    assert valid_from is not None  # noqa: S101 - required field, _date raised otherwise
    return Equivalence(
        requested=_get(obj, "requested", where, str),
        offered=_get(obj, "offered", where, str),
        jurisdiction=_get(obj, "jurisdiction", where, str),
        valid_from=valid_from,
        valid_to=_date(obj, "valid_to", where, optional=True),
        required_certificates=_strings(obj, "required_certificates", where, CERTIFICATE_KINDS),
        note=_get(obj, "note", where, str, ""),
    )


def _policy(obj: Any) -> Policy:
    where = "policy"
    _keys(obj, {"run_date", "priority_weights", "modes"}, where)
    run = _date(obj, "run_date", where)
    assert run is not None  # noqa: S101 - required field, _date raised otherwise
    raw_weights = _get(obj, "priority_weights", where, dict, None)
    weights = default_weights()
    if raw_weights is not None:
        weights = {}
        for key in raw_weights:
            if not key.isdigit():
                raise InstanceError(f"{where}.priority_weights: keys are priorities (digits)")
            weights[int(key)] = _int(raw_weights, key, f"{where}.priority_weights", 1)
    modes = default_modes()
    for name, rule in _get(obj, "modes", where, dict, {}).items():
        if name not in {m.value for m in Mode}:
            raise InstanceError(f"{where}.modes: unknown mode {name}")
        at = f"{where}.modes.{name}"
        _keys(rule, {"handling_days", "speed_km_per_day", "cost_weight"}, at)
        modes[Mode(name)] = ModePolicy(
            _int(rule, "handling_days", at),
            _int(rule, "speed_km_per_day", at, 1),
            _int(rule, "cost_weight", at, 1),
        )
    return Policy(run_date=run, priority_weights=weights, modes=modes)


def _unique(ids: list[str], what: str) -> None:
    seen: set[str] = set()
    for value in ids:
        if value in seen:
            raise InstanceError(f"{what}: duplicate id {value!r}")
        seen.add(value)


def parse_instance(text: str) -> Instance:
    """Parse and validate a JSON instance; raise :class:`InstanceError` when malformed."""
    try:
        doc = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise InstanceError(f"not valid JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise InstanceError("instance: expected a JSON object")
    _keys(doc, {"offers", "needs", "standards", "equivalences", "policy"}, "instance")
    policy = _policy(_get(doc, "policy", "instance", dict))
    standards = {s.code: s for s in _list(doc, "standards", _standard)}
    offers, needs = _list(doc, "offers", _offer), _list(doc, "needs", _need)
    _unique([o.id for o in offers], "offers")
    _unique([n.id for n in needs], "needs")
    for k, need in enumerate(needs):
        if need.priority not in policy.priority_weights:
            raise InstanceError(f"needs[{k}].priority: no weight for priority {need.priority}")
    return offers, needs, standards, _list(doc, "equivalences", _equivalence), policy


def result_to_json(
    result: MatchResult, needs: list[Need], certificate: bool = True
) -> dict[str, Any]:
    """The JSON document of a result (see docs/matching-formats.md)."""
    doc: dict[str, Any] = {
        "allocations": _allocations(result, needs),
        "totals": _totals(result),
        "uncovered": [
            {
                "need_id": u.need_id,
                "priority": u.priority,
                "quantity": u.quantity,
                "reason": str(u.reason),
            }
            for u in result.uncovered
        ],
    }
    if certificate:
        doc["certificate"] = _certificate(result)
    return doc


def _allocations(result: MatchResult, needs: list[Need]) -> list[dict[str, Any]]:
    priority = {n.id: n.priority for n in needs}
    return [
        {
            "offer_id": a.offer_id,
            "need_id": a.need_id,
            "quantity": a.quantity,
            "priority": priority[a.need_id],
            "mode": str(a.mode),
            "km": a.km,
            "transit_days": a.transit_days,
            "unit_cost": a.unit_cost,
            "substitution": a.substitution,
        }
        for a in result.allocations
    ]


def _totals(result: MatchResult) -> dict[str, Any]:
    t = result.totals
    return {
        "weighted_coverage": t.weighted_coverage,
        "transport_cost": t.transport_cost,
        "unit_km": t.unit_km,
        "covered_by_priority": {str(k): v for k, v in t.covered_by_priority.items()},
        "demand_by_priority": {str(k): v for k, v in t.demand_by_priority.items()},
    }


def _certificate(result: MatchResult) -> dict[str, Any]:
    c = result.certificate
    return {
        "phase1": {"offer": list(c.phase1.offer), "need": list(c.phase1.need)},
        "phase2": {
            "offer": list(c.phase2.offer),
            "need": list(c.phase2.need),
            "level": [[g, w, v] for (g, w), v in sorted(c.phase2.level.items())],
        },
        "uncovered_by_level": [[g, w, v] for (g, w), v in sorted(c.uncovered_by_level.items())],
        "offer_group": list(c.offer_group),
        "need_group": list(c.need_group),
    }
