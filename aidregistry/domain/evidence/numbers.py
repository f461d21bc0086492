"""Certificate schemes and the shape of their numbers.

Each scheme's number is checked against the form its authority prints, and given back in one
canonical spelling (so that the same certificate typed twice compares equal):

- NMPA (China) registration, since 2014: ``×械注×YYYYCPPNNNN`` — issuer (国 for the NMPA,
  a province's abbreviation), 准 made in China / 进 imported / 许 Hong Kong, Macao, Taiwan,
  year, class C, product category PP, serial. Class I devices are *filed* instead:
  ``×(×)械备YYYYNNNN``. The class must fit the issuer (the NMPA registers class III made in
  China, a province class II).
- NIOSH approval of a particulate respirator: ``TC-84A-NNNN`` (``TC-84A-PHNN`` for the 2020
  public-health-emergency approvals).
- FDA 510(k): ``K`` and six digits. FDA emergency use authorisation: ``EUA`` and six digits,
  optionally ``/A`` and three (a letter adding a product to an EUA's appendix).
- CE: the certificate number as the notified body prints it, with the body's four digits.
- A test report against a standard: the report's number, the standard and the laboratory.

Placeholders typed instead of a number (n/a, pending, 无, 待定 …) are refused as such.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from aidregistry.domain.evidence.problems import EvidenceError, Problem


class Scheme(StrEnum):
    """A kind of certificate (the codes the standards table requires)."""

    NMPA = "NMPA"
    FDA_EUA = "FDA_EUA"
    FDA_510K = "FDA_510K"
    CE = "CE"
    NIOSH = "NIOSH"
    TEST_REPORT = "TEST_REPORT"


# Province-level issuers of NMPA numbers (the abbreviation that starts the number).
PROVINCES = {
    "京": "Beijing", "津": "Tianjin", "冀": "Hebei", "晋": "Shanxi", "蒙": "Inner Mongolia",
    "辽": "Liaoning", "吉": "Jilin", "黑": "Heilongjiang", "沪": "Shanghai", "苏": "Jiangsu",
    "浙": "Zhejiang", "皖": "Anhui", "闽": "Fujian", "赣": "Jiangxi", "鲁": "Shandong",
    "豫": "Henan", "鄂": "Hubei", "湘": "Hunan", "粤": "Guangdong", "桂": "Guangxi",
    "琼": "Hainan", "渝": "Chongqing", "川": "Sichuan", "贵": "Guizhou", "云": "Yunnan",
    "藏": "Tibet", "陕": "Shaanxi", "甘": "Gansu", "青": "Qinghai", "宁": "Ningxia",
    "新": "Xinjiang",
}  # fmt: skip
NMPA_NAME = "National Medical Products Administration (NMPA)"
_ISSUERS = "国" + "".join(PROVINCES)
NMPA_REGISTRATION = re.compile(
    rf"^(?P<issuer>[{_ISSUERS}])械注(?P<origin>[准进许])"
    r"(?P<year>20[1-9]\d)(?P<cls>\d)(?P<category>\d{2})(?P<serial>\d{4})$"
)
NMPA_FILING = re.compile(
    rf"^(?P<issuer>国|[{''.join(PROVINCES)}][\u4e00-\u9fff]{{0,2}})械备"
    r"(?P<year>20[1-9]\d)(?P<serial>\d{4,5})$"
)
NIOSH = re.compile(r"^(?:TC-?)?84A-?(?P<serial>\d{4}|PH\d{2})$")
K510 = re.compile(r"^K-?(?P<digits>\d{6})$")
EUA = re.compile(r"^EUA-?(?P<digits>\d{6})(?:/?A(?P<amendment>\d{3}))?$")
NOTIFIED_BODY = re.compile(r"^(?:CE|NB)?-?(?P<digits>\d{4})$")

# Words people type where they have no number. Only text without a single digit is judged
# by them: every scheme's number has digits.
PLACEHOLDER_WORDS = frozenset({
    "na", "n", "a", "none", "nil", "null", "no", "not", "applicable", "available", "pending",
    "tbd", "tba", "tbc", "unknown", "applying", "applied", "apply", "for", "in", "progress",
    "awaiting", "waiting", "to", "be", "confirmed", "provided", "later", "x", "xx", "xxx",
    "nothing", "missing", "under", "review", "process", "processing", "yes", "see", "attached",
    "approval", "certificate", "certification", "number", "soon", "requested",
})  # fmt: skip
# Chinese: a whole cell of one of these, or text containing one of the longer ones.
PLACEHOLDER_HAN = frozenset({
    "无", "有", "否", "暂无", "没有", "未知", "待定", "待补", "待申请", "待提供",
    "申请中", "办理中", "审核中", "不适用", "见附件",
})  # fmt: skip


def clean(text: str) -> str:
    """Full-width forms folded (NFKC), ends trimmed, inner runs of space made one."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def is_placeholder(text: str) -> bool:
    """Whether ``text`` stands where a number should be without being one (n/a, -, 待定 …)."""
    folded = clean(text).casefold()
    if any(ch.isdigit() for ch in folded):
        # "0", "000000": a run of one character is no number either.
        compact = re.sub(r"\W", "", folded)
        return len(set(compact)) <= 1
    han = re.sub(r"[^\u4e00-\u9fff]", "", folded)
    words = [w for w in re.split(r"[^a-z]+", folded) if w]
    han_says_none = (
        not han
        or han in PLACEHOLDER_HAN
        or any(len(word) > 1 and word in han for word in PLACEHOLDER_HAN)
    )
    return han_says_none and all(word in PLACEHOLDER_WORDS for word in words)


@dataclass(frozen=True, slots=True)
class Number:
    """A certificate number in its canonical spelling, with what the number itself tells."""

    scheme: Scheme
    number: str
    issuer: str | None = None
    device_class: int | None = None


def _compact(text: str) -> str:
    """For matching a pattern: no spaces, upper case, no trailing 号, brackets dropped."""
    return re.sub(r"[\s()（）\[\]]", "", clean(text)).upper().removesuffix("号")


def parse_number(scheme: Scheme, text: str) -> Number:
    """The canonical number of ``text`` in ``scheme``, or :class:`EvidenceError`.

    CE and test-report numbers have no fixed form: they are kept as typed (spaces folded),
    provided they hold a digit and are no placeholder.
    """
    if is_placeholder(text):
        raise EvidenceError(Problem.PLACEHOLDER)
    if scheme is Scheme.CE:
        return _free(Scheme.CE, text, Problem.CE_FORMAT)
    if scheme is Scheme.TEST_REPORT:
        return _free(Scheme.TEST_REPORT, text, Problem.REPORT_FORMAT)
    parsers = {Scheme.NMPA: _nmpa, Scheme.NIOSH: _niosh, Scheme.FDA_510K: _k510,
               Scheme.FDA_EUA: _eua}  # fmt: skip
    return parsers[scheme](text)


def _nmpa(text: str) -> Number:
    compact = _compact(text)
    found = NMPA_REGISTRATION.match(compact)
    if found is not None:
        return _nmpa_registration(compact, found)
    filed = NMPA_FILING.match(compact)
    if filed is None:
        raise EvidenceError(Problem.NMPA_FORMAT)
    issuer = filed["issuer"]
    if issuer == "国":
        return Number(Scheme.NMPA, compact, NMPA_NAME, 1)
    return Number(Scheme.NMPA, compact, f"{PROVINCES[issuer[0]]} (municipal filing)", 1)


def _nmpa_registration(compact: str, found: re.Match[str]) -> Number:
    issuer, origin, device_class = found["issuer"], found["origin"], int(found["cls"])
    national = issuer == "国"
    if origin == "准":
        fits = device_class == (3 if national else 2)
    else:  # 进 and 许 are registered by the NMPA itself, class II or III
        fits = national and device_class in (2, 3)
    if not fits:
        raise EvidenceError(Problem.NMPA_CLASS)
    name = NMPA_NAME if national else f"{PROVINCES[issuer]} Medical Products Administration"
    return Number(Scheme.NMPA, compact, name, device_class)


def _niosh(text: str) -> Number:
    found = NIOSH.match(_compact(text))
    if found is None:
        raise EvidenceError(Problem.NIOSH_FORMAT)
    return Number(Scheme.NIOSH, f"TC-84A-{found['serial']}", "NIOSH")


def _k510(text: str) -> Number:
    found = K510.match(_compact(text).replace("-", ""))
    if found is None:
        raise EvidenceError(Problem.K510_FORMAT)
    return Number(Scheme.FDA_510K, f"K{found['digits']}", "U.S. FDA")


def _eua(text: str) -> Number:
    found = EUA.match(_compact(text))
    if found is None:
        raise EvidenceError(Problem.EUA_FORMAT)
    suffix = f"/A{found['amendment']}" if found["amendment"] else ""
    return Number(Scheme.FDA_EUA, f"EUA{found['digits']}{suffix}", "U.S. FDA")


def _free(scheme: Scheme, text: str, problem: Problem) -> Number:
    number = clean(text)
    if not any(ch.isdigit() for ch in number) or not 3 <= len(number) <= 100:
        raise EvidenceError(problem)
    return Number(scheme, number)


def parse_notified_body(text: str) -> str:
    """A notified body's four digits ("CE 2797", "NB-2797", "2797" → "2797")."""
    if is_placeholder(text):
        raise EvidenceError(Problem.PLACEHOLDER, "notified_body")
    found = NOTIFIED_BODY.match(_compact(text))
    if found is None:
        raise EvidenceError(Problem.BODY_FORMAT, "notified_body")
    return found["digits"]
