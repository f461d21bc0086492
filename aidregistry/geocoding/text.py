"""Normalising place names and splitting a typed query into a name and its qualifiers.

The same `normalise` is applied when the gazetteer index is built and when it is queried,
so "Liège", "LIEGE" and "liege" meet on one key, as do "Huai'an" and "Huaian".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Letters that NFKD does not decompose into a base letter plus accents.
_FOLD = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "æ": "ae",
                       "œ": "oe", "ı": "i", "ħ": "h", "ŀ": "l"})  # fmt: skip
# Accents on Latin, Greek and Cyrillic letters. Only this block is dropped: the combining
# marks of other scripts (Japanese dakuten, Indic vowel signs) change the word, not its accent.
_ACCENTS = re.compile("[\u0300-\u036f]")
_APOSTROPHES = re.compile(r"['’ʼ‘`´]")
_NON_WORD = re.compile(r"[\W_]+")
_PARENTHESES = re.compile(r"[(\[（][^)\]）]*[)\]）]")
_CITY_PREFIX = re.compile(r"^(city|town|village|municipality) of ")
# "N.J.", "D.C.", "U.S.A.": initials with full stops, which would otherwise split into letters.
_INITIALS = re.compile(r"\b(?:[A-Za-z]\.){2,}")
# CJK punctuation that NFKC leaves alone: the enumeration comma, full stops and brackets.
_CJK_PUNCTUATION = str.maketrans(
    {"、": ",", "。": " ", "【": "(", "】": ")", "《": " ", "》": " ", "「": " ", "」": " ",
     "〔": "(", "〕": ")", "·": " ", "・": " "}
)  # fmt: skip
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_ADMIN_SUFFIX = re.compile(r" (county|city|municipality|township|prefecture)$")


def normalise(text: str) -> str:
    """Fold case, accents, apostrophes and punctuation: "  Liège (BE)" -> "liege be"."""
    if text.isascii():  # most names; the index build normalises about a million of them
        folded = text.lower()
    else:
        folded = _ACCENTS.sub("", unicodedata.normalize("NFKD", text.casefold())).translate(_FOLD)
    # An apostrophe joins ("Huai'an" is also spelled "Huaian"); other punctuation separates.
    folded = _APOSTROPHES.sub("", folded)
    return _NON_WORD.sub(" ", folded).strip()


def prepare(query: str) -> str:
    """The query as typed, with full-width forms and CJK punctuation made ASCII, initials joined.

    "Ｎｅｗａｒｋ，Ｎ.Ｊ." -> "Newark,NJ"; "杭州市（余杭区）" -> "杭州市(余杭区)";
    "Washington, D.C." -> "Washington, DC". Case is kept: an upper-case IATA code ("BRA") reads
    differently from a word ("Bra").
    """
    text = unicodedata.normalize("NFKC", query).translate(_CJK_PUNCTUATION)
    return _INITIALS.sub(lambda m: m.group(0).replace(".", ""), text)


def has_cjk(text: str) -> bool:
    """True when the text holds Chinese characters (a Chinese address or place name)."""
    return _CJK.search(text) is not None


@dataclass(frozen=True, slots=True)
class QueryReading:
    """One way to read a query: a normalised place name and the qualifiers that follow it."""

    name: str
    qualifiers: tuple[str, ...] = ()
    # A reading guessed by splitting words off the end ("Hartford CT") only counts if every
    # qualifier is recognised; qualifiers written after commas are trusted, or else ignored.
    strict: bool = False


def readings(query: str) -> list[QueryReading]:
    """The readings of a query, most literal first.

    "Newark, NJ" -> name "newark" qualified by "nj"; "Hartford CT" -> first "hartford ct",
    then "hartford" + "ct"; "Temple City / Alhambra" -> each alternative in turn;
    parenthesised remarks such as "(border)" are dropped.
    """
    found: list[QueryReading] = []
    for alternative in _PARENTHESES.sub(" ", query).split("/"):
        parts = [normalise(p) for p in alternative.replace("，", ",").split(",")]
        parts = [p for p in parts if p]
        if not parts:
            continue
        found.append(QueryReading(parts[0], tuple(parts[1:])))
        if len(parts) == 1:
            found.extend(_trailing_qualifier_readings(parts[0]))
    return found


def _trailing_qualifier_readings(name: str) -> list[QueryReading]:
    words = name.split()
    # Up to three trailing words: "CT", "New Jersey", "United Arab Emirates".
    return [
        QueryReading(" ".join(words[:-n]), (" ".join(words[-n:]),), strict=True)
        for n in range(1, min(3, len(words) - 1) + 1)
    ]


def name_variants(name: str) -> list[str]:
    """The name, then looser spellings to try only when it finds nothing.

    "city of los angeles" -> "los angeles"; "los angeles county" -> "los angeles";
    "宁波市" -> "宁波" (a trailing 市/县/区 names the kind of place, not the place).
    """
    variants = [name]
    for pattern in (_CITY_PREFIX, _ADMIN_SUFFIX):
        shorter = pattern.sub("", name)
        if shorter and shorter not in variants:
            variants.append(shorter)
    if len(name) > 1 and name[-1] in "市县区镇":
        variants.append(name[:-1])
    return variants
