"""Makers' names compared with care: the same company written twice gives the same key, and
nothing looser.

A donor types "Shenzhen Horb Technology Corp., Ltd", a list prints "SHENZHEN HORB TECHNOLOGY
CORP. LTD" and a Chinese form "深圳市豪博科技有限公司": the first two give one key (case,
punctuation and the legal form do not matter), the third its own key in its script. Keys are
compared for equality only — no fuzzy matching — because a wrong match would put one
company's lots under another's removal or recall.
"""

from __future__ import annotations

import re
import unicodedata

# Legal forms at the end of a name, dropped one after the other ("co ltd", "company limited").
LEGAL_FORMS = frozenset({
    "co", "company", "corp", "corporation", "inc", "incorporated", "ltd", "limited", "llc",
    "lp", "plc", "gmbh", "ag", "kg", "sa", "sas", "sarl", "srl", "spa", "bv", "nv", "oy",
    "ab", "as", "kft", "sp", "zoo", "sro", "pte", "pty",
})  # fmt: skip
HAN_LEGAL_FORMS = ("股份有限公司", "有限责任公司", "集团有限公司", "有限公司", "公司")
HAN = re.compile(r"[\u3400-\u9fff]")


def _latin_key(text: str) -> str:
    words = re.split(r"[^0-9a-z]+", text)
    words = [w for w in words if w]
    while len(words) > 1 and words[-1] in LEGAL_FORMS:
        words.pop()
    return " ".join(words)


def _han_key(text: str) -> str:
    han = "".join(ch for ch in text if HAN.match(ch) or ch.isdigit())
    for form in HAN_LEGAL_FORMS:
        if han.endswith(form) and len(han) > len(form):
            return han[: -len(form)]
    return han


def split_scripts(name: str) -> tuple[str, str]:
    """The Latin and the Chinese part of a name typed in both ("Hangzhou X 杭州某某")."""
    text = unicodedata.normalize("NFKC", name)
    han = "".join(ch for ch in text if HAN.match(ch) or ch in "（）()")
    latin = HAN.sub(" ", text)
    return " ".join(latin.split()).strip(" ()（）"), han.strip("()（）")


def name_key(name: str) -> str:
    """The comparison key of one name in one script ("" when nothing is left)."""
    text = unicodedata.normalize("NFKC", name).casefold()
    if HAN.search(text):
        return _han_key(text)
    return _latin_key(text)


def maker_keys(*names: str | None) -> frozenset[str]:
    """Every key of a maker known by these names (each may mix scripts)."""
    keys: set[str] = set()
    for name in names:
        if not name:
            continue
        for part in split_scripts(name):
            key = name_key(part) if part else ""
            if key:
                keys.add(key)
    return frozenset(keys)
