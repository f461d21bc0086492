"""Organisation names: which characters a name may hold, and which names look alike.

A name is read by coordinators who decide whether to trust an organisation, so it must show
what it is. Control characters, bidirectional overrides and isolates ("Acme \u202egnp.exe"
shows as "Acme exe.png") and invisible characters (zero-width spaces and joiners, the
byte-order mark) are refused. Two names look alike when they are the same after Unicode
compatibility folding, case folding and dropping punctuation and spaces, or similar enough
by sequence matching.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher

# Unicode categories that never belong in a name: controls (Cc), format characters (Cf:
# bidi embeddings, overrides and isolates, zero-width spaces and joiners, the BOM, soft
# hyphen), surrogates, private use and unassigned code points.
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
# Separators other than the plain space (line and paragraph separators, odd widths).
ALLOWED_SPACES = frozenset({" ", "\u3000"})  # the ideographic space is ordinary CJK text
SIMILAR_RATIO = 0.88
SHORTEST_SIMILAR = 4  # below this, every short name would look like every other


def refused_characters(name: str) -> list[str]:
    """The characters of ``name`` that a name may not hold, as ``U+XXXX`` codes, in order."""
    found: list[str] = []
    for char in name:
        category = unicodedata.category(char)
        bad_space = category.startswith("Z") and char not in ALLOWED_SPACES
        code = f"U+{ord(char):04X}"
        if (category in REFUSED_CATEGORIES or bad_space) and code not in found:
            found.append(code)
    return found


def name_key(name: str) -> str:
    """What two names are compared by: folded, lower case, letters and digits only."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    return "".join(char for char in folded if char.isalnum())


@dataclass(frozen=True)
class NamedOrganisation:
    """An organisation's names and country, as the look-alike check needs them."""

    id: int
    names: tuple[str, ...]
    country: str


@dataclass(frozen=True)
class LookAlike:
    """An organisation whose name is the same as or similar to another's."""

    id: int
    same_name: bool
    same_country: bool


def _keys(names: Iterable[str]) -> set[str]:
    return {key for key in (name_key(name) for name in names if name) if key}


def _similar(ours: set[str], theirs: set[str]) -> bool:
    for a in ours:
        for b in theirs:
            if min(len(a), len(b)) < SHORTEST_SIMILAR:
                continue
            matcher = SequenceMatcher(None, a, b, autojunk=False)
            if matcher.real_quick_ratio() >= SIMILAR_RATIO and matcher.ratio() >= SIMILAR_RATIO:
                return True
    return False


def look_alikes(subject: NamedOrganisation, others: Iterable[NamedOrganisation]) -> list[LookAlike]:
    """Organisations among ``others`` that could be ``subject`` under another record.

    The same name in either script (English against English or Chinese, and so on) counts
    anywhere; a similar name counts in the same country. Same-name matches come first.
    """
    ours = _keys(subject.names)
    found: list[LookAlike] = []
    for other in others:
        if other.id == subject.id:
            continue
        theirs = _keys(other.names)
        same_country = other.country == subject.country
        if ours & theirs:
            found.append(LookAlike(other.id, True, same_country))
        elif same_country and _similar(ours, theirs):
            found.append(LookAlike(other.id, False, True))
    return sorted(found, key=lambda match: (not match.same_name, not match.same_country))
