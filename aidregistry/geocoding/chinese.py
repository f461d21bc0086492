"""Reading a Chinese address the way people type it: divisions run together, street after.

"浙江省杭州市余杭区文一西路969号" is a province, a prefecture and a district with their kind
suffixes (省, 市, 区) and no separators, then a street and a number. People also leave out
suffixes ("浙江杭州余杭"), levels ("浙江省义乌市" skips 金华市), or start lower down
("余杭区..."). `read_divisions` walks the text from the left, at each step taking the longest
division name that lies under what it has read so far; what follows the last division (a street,
a number, a town's 镇 or 街道) is returned as the rest, for the caller to use or ignore.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# What may stand before the divisions: the country's name, a postcode, spaces.
_LEADING = re.compile(r"^(?:中华人民共和国|中国|\d{6}|\s)+")
_NOT_TEXT = re.compile(r"[\s,.;:()\-]+")
# The first piece of the rest that names a town or a subdistrict: 乌镇镇, 仓前街道, 九龙.
_TOWN = re.compile(r"^(.{2,6}?)(?:镇|乡|街道|社区|村|$)")
AIRPORT_SUFFIX = re.compile(r"(?:国际机场|國際機場|机场|機場|空港)$")
_LONGEST_NAME = 12


@dataclass(frozen=True, slots=True)
class Division:
    """One province (level 1), prefecture (2) or county-level unit (3)."""

    code: int
    parent: int | None
    level: int
    cc: str
    admin1_code: str
    lat: float | None
    lon: float | None
    name: str


@dataclass
class Divisions:
    """All divisions, and the codes each written name stands for (full: True if in full)."""

    units: dict[int, Division] = field(default_factory=dict)
    names: dict[str, list[tuple[int, bool]]] = field(default_factory=dict)
    written: dict[int, list[str]] = field(default_factory=dict)  # code -> its names

    def ancestors(self, code: int) -> list[Division]:
        """The unit's parent, grandparent, ... (nearest first)."""
        found, parent = [], self.units[code].parent
        while parent is not None and parent in self.units:
            found.append(self.units[parent])
            parent = self.units[parent].parent
        return found

    def point(self, code: int) -> tuple[float, float] | None:
        """The unit's centre, or its nearest ancestor's when the data have none."""
        for unit in [self.units[code], *self.ancestors(code)]:
            if unit.lat is not None and unit.lon is not None:
                return unit.lat, unit.lon
        return None

    def label(self, code: int) -> str:
        """The unit's name after its parent's: 杭州市余杭区, 北京市朝阳区, 浙江省."""
        unit = self.units[code]
        parent = self.units.get(unit.parent) if unit.parent is not None else None
        return unit.name if parent is None else parent.name + unit.name


@dataclass(frozen=True, slots=True)
class Reading:
    """The divisions a text names (more than one when it is ambiguous) and what follows them."""

    codes: tuple[int, ...]
    rest: str


def clean(text: str) -> str:
    """The text without a leading country name or postcode, spaces and punctuation."""
    return _NOT_TEXT.sub("", _LEADING.sub("", text.strip()))


def read_divisions(divisions: Divisions, text: str, *, loose: bool = False) -> Reading | None:
    """The deepest divisions the text names from its start, or None if it starts with none.

    At the start only provinces and prefectures may be written without their suffix (浙江,
    杭州); a county needs its suffix (余杭区), since its bare name (余杭) is often a town's too.
    `loose` lifts that rule, for names inside an airport's ("浦东机场").
    """
    current: tuple[int, ...] = ()
    position = 0
    while True:
        step = _next_step(divisions, text, position, current, loose)
        if step is None:
            break
        length, current = step
        position += length
    return Reading(current, text[position:]) if current else None


def _next_step(divisions: Divisions, text: str, position: int, current: tuple[int, ...],
               loose: bool) -> tuple[int, tuple[int, ...]] | None:  # fmt: skip
    for length in range(min(_LONGEST_NAME, len(text) - position), 1, -1):
        written = divisions.names.get(text[position : position + length], ())
        codes = tuple(
            code
            for code, full in written
            if _may_follow(divisions, code, full, current, loose) and code not in current
        )
        if codes:
            return length, codes
    return None


def _may_follow(divisions: Divisions, code: int, full: bool, current: tuple[int, ...],
                loose: bool) -> bool:  # fmt: skip
    if not current:
        return full or loose or divisions.units[code].level < 3
    above = {unit.code for unit in divisions.ancestors(code)}
    return any(c in above for c in current)


def town_in(rest: str) -> str | None:
    """The town or subdistrict the rest begins with (乌镇镇 -> 乌镇), if it looks like one."""
    match = _TOWN.match(rest)
    return match.group(1) if match else None
