"""The columns an import file may have, their aliases, and downloadable templates."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from enum import StrEnum

from aidregistry.services.imports.messages import Message, message


class ImportKind(StrEnum):
    """What a file holds."""

    DONATIONS = "donations"
    NEEDS = "needs"


@dataclass(frozen=True)
class Column:
    """A field of the import, with the header names that map to it."""

    name: str
    required: bool
    help: str
    example: str
    aliases: tuple[str, ...] = ()


COMMON_START = (
    Column("external_ref", False, "your own stable id of the row; re-importing skips known ids",
           "LOT-2020-0001", ("ref", "id", "reference")),
    Column("item_code", True, "catalogue code or item name, e.g. MASK_SURG or surgical mask",
           "MASK_SURG", ("item", "item_name")),
    Column("quantity", True, "a whole number, in the unit below", "20000", ("qty", "amount")),
    Column("unit", False, "units (or the item's base unit, e.g. piece) or packs", "piece"),
    Column("pack_size", False, "base units per pack, when the unit is packs", "",
           ("units_per_pack",)),
    Column("pack_label", False, "what a pack is called, e.g. box", ""),
)
PLACE = (
    Column("place", True, "a city and its country or state", "Shanghai, China",
           ("city", "location")),
    Column("country", False, "ISO 3166-1 alpha-2, helps find the place", "CN"),
    Column("lat", False, "latitude, instead of looking the place up", "", ("latitude",)),
    Column("lon", False, "longitude", "", ("longitude", "lng")),
)
DONATION_COLUMNS = (
    *COMMON_START,
    Column("standard_code", False, "product standard code, e.g. YY0469", "YY0469",
           ("standard",)),
    *PLACE,
    Column("available_from", True, "YYYY-MM-DD", "2020-03-15", ("date", "available")),
    Column("expires_on", False, "YYYY-MM-DD", "", ("expiry", "expires")),
    Column("modes", False, "air, sea, road, rail; several separated by ;", "air",
           ("transport_mode", "mode")),
    Column("cert_nmpa", False, "NMPA registration number", ""),
    Column("cert_fda_eua", False, "FDA EUA reference", ""),
    Column("cert_fda_510k", False, "FDA 510(k) number", ""),
    Column("cert_ce", False, "CE certificate number", ""),
    Column("cert_ce_notified_body", False, "CE notified body number", ""),
    Column("cert_niosh", False, "NIOSH approval number", ""),
    Column("report_number", False, "test report number", ""),
    Column("report_standard", False, "standard the report tests against", ""),
    Column("report_lab", False, "laboratory that issued the report", ""),
    Column("manufacturer", False, "", ""),
    Column("lot", False, "", ""),
    Column("notes", False, "", "", ("description",)),
    Column("organisation_id", False, "only when importing for several organisations", ""),
)
NEED_COLUMNS = (
    *COMMON_START,
    Column("accepted_standards", True, "standard codes separated by ;", "YY0469;EN14683",
           ("standards",)),
    Column("priority", True, "1 (most urgent) to 4", "1"),
    Column("needed_by", True, "YYYY-MM-DD", "2020-04-01", ("date",)),
    Column("expires_on", False, "YYYY-MM-DD; default 30 days from today", ""),
    *PLACE,
    Column("notes", False, "", "", ("description",)),
)


# What each field is called on the record forms (the web shows them translated).
LABELS = {
    "external_ref": "Your own reference", "item_code": "Item", "quantity": "Quantity",
    "unit": "Counted in", "pack_size": "Units per pack", "pack_label": "Pack name (box, carton…)",
    "standard_code": "Standard the goods meet", "place": "Place", "country": "Country",
    "lat": "Latitude", "lon": "Longitude", "available_from": "Available from",
    "expires_on": "Expiry date", "modes": "Can travel by",
    "cert_nmpa": "NMPA registration number", "cert_fda_eua": "FDA emergency use authorisation",
    "cert_fda_510k": "FDA 510(k) number", "cert_ce": "CE certificate",
    "cert_ce_notified_body": "CE notified body number",
    "cert_niosh": "NIOSH approval (TC-84A-…)", "report_number": "Test report number",
    "report_standard": "Standard tested against", "report_lab": "Testing laboratory",
    "manufacturer": "Manufacturer",
    "lot": "Lot or batch", "notes": "Notes", "organisation_id": "Organisation",
    "accepted_standards": "Standards you accept", "priority": "Priority",
    "needed_by": "Needed by",
}
NEED_LABELS = {**LABELS, "expires_on": "Lapses on unless reconfirmed (default: in 30 days)"}


def labels_of(kind: ImportKind) -> dict[str, str]:
    """Each column's name → what the record forms call the field."""
    return LABELS if kind is ImportKind.DONATIONS else NEED_LABELS


def columns_of(kind: ImportKind) -> tuple[Column, ...]:
    """The columns of a kind of import."""
    return DONATION_COLUMNS if kind is ImportKind.DONATIONS else NEED_COLUMNS


def normalise_header(text: str) -> str:
    """Header text compared loosely: case, spaces, dashes and a stray BOM do not matter."""
    return text.replace("\ufeff", "").strip().lower().replace(" ", "_").replace("-", "_")


# Headers of Chinese spreadsheets (the form labels of the Chinese pages first, then words in
# common use), so that a file exported from a Chinese form needs no choosing of columns.
CHINESE_HEADERS = {
    "external_ref": ("您自己的编号", "编号", "参考编号"),
    "item_code": ("物资", "物资名称", "品名", "物品"),
    "quantity": ("数量",),
    "unit": ("计数单位", "单位"),
    "pack_size": ("每包装数量", "每箱数量"),
    "pack_label": ("包装名称", "包装"),
    "standard_code": ("物资符合的标准", "标准", "执行标准"),
    "place": ("地点", "城市", "所在地"),
    "country": ("国家/地区", "国家"),
    "lat": ("纬度",),
    "lon": ("经度",),
    "available_from": ("可提供日期",),
    "expires_on": ("有效期至", "失效日期"),
    "modes": ("可用运输方式", "运输方式"),
    "cert_nmpa": ("国家药监局注册证编号", "注册证编号", "注册证号"),
    "report_number": ("检测报告编号", "检验报告编号", "报告编号"),
    "report_standard": ("检测依据标准", "检验依据"),
    "report_lab": ("检测机构", "检验机构"),
    "manufacturer": ("生产厂家", "生产企业", "制造商"),
    "lot": ("批号",),
    "notes": ("备注", "说明"),
    "accepted_standards": ("可接受的标准", "接受的标准"),
    "priority": ("优先级",),
    "needed_by": ("需用日期", "需要日期"),
}


def header_map(kind: ImportKind) -> dict[str, str]:
    """Every accepted header name → the column it means.

    A column's name, its aliases, the English label of its form field and its Chinese headers.
    """
    mapping: dict[str, str] = {}
    labels = labels_of(kind)
    for column in columns_of(kind):
        for name in (labels.get(column.name, ""), *CHINESE_HEADERS.get(column.name, ())):
            if name:
                mapping[normalise_header(name)] = column.name
    for column in columns_of(kind):  # names and aliases win over labels
        for name in (column.name, *column.aliases):
            mapping[normalise_header(name)] = column.name
    return mapping


Label = str | Message  # a header or field name as written, or a position in words
HeaderProblem = tuple[Label, Message]
Choice = dict[str, int]  # field name → position of the file's column that holds it (from 0)


def assign_by_header(header: list[str], kind: ImportKind, renames: dict[str, str]
                     ) -> tuple[list[str | None], list[HeaderProblem]]:
    """Each column's field, from its header: ``renames`` (header → field) first, then the
    template's names and aliases. The first of two columns meaning one field wins."""
    known, fields = header_map(kind), {c.name for c in columns_of(kind)}
    renamed = {normalise_header(text): name for text, name in renames.items()}
    seen: dict[str, int] = {}
    names: list[str | None] = []
    problems: list[HeaderProblem] = []
    for position, text in enumerate(header, start=1):
        key = normalise_header(text)
        name = renames.get(text) or renamed.get(key) or known.get(key)
        if not key:
            problems.append((message("column %(number)s", number=position),
                             message("This column has no header; name it or delete it.")))
        elif name is None:
            problems.append((text, message("Unknown column; rename it to one of the "
                                           "template's columns.")))
        elif name not in fields:
            problems.append((text, message("%(field)s is not a column of this import.",
                                           field=repr(name))))
        elif name in seen:
            problems.append((text, message("Duplicate column: %(field)s is already column "
                                           "%(number)s.", field=repr(name), number=seen[name])))
        else:
            seen[name] = position
        names.append(name if name is not None and seen.get(name) == position else None)
    problems += [(c.name, message("This required column is missing."))
                 for c in columns_of(kind) if c.required and c.name not in seen]
    return names, problems


def guess_choice(header: list[str], kind: ImportKind) -> Choice:
    """The columns whose header is a field's name or alias (what a mapping screen proposes)."""
    names, _problems = assign_by_header(header, kind, {})
    return {name: position for position, name in enumerate(names) if name is not None}


def choice_problems(header: list[str], kind: ImportKind, choice: Choice
                    ) -> list[tuple[str, Message]]:
    """What is wrong with a person's choice of columns, by field name."""
    fields = {c.name for c in columns_of(kind)}
    problems = [(name, message("%(field)s is not a column of this import.", field=repr(name)))
                for name in choice if name not in fields]
    problems += [(name, message("The file has no column %(number)s.", number=position + 1))
                 for name, position in choice.items()
                 if name in fields and not 0 <= position < len(header)]
    for name, position in choice.items():
        others = sorted(other for other, at in choice.items() if at == position and other != name)
        if others and name in fields:
            problems.append((name, message(
                "Your column %(column)s is also chosen for %(fields)s; choose each column of "
                "your file once.", column=_column_name(header, position),
                fields=", ".join(others))))
    problems += [(c.name, message("This field is required: choose the column of your file "
                                  "that holds it."))
                 for c in columns_of(kind) if c.required and c.name not in choice]
    return problems


def assign_by_choice(header: list[str], kind: ImportKind, choice: Choice
                     ) -> tuple[list[str | None], list[HeaderProblem]]:
    """Each column's field as a person chose it; the columns not chosen are left out."""
    problems = choice_problems(header, kind, choice)
    names: list[str | None] = [None] * len(header)
    if not problems:
        for name, position in choice.items():
            names[position] = name
    return names, [(name, problem) for name, problem in problems]


def column_letter(position: int) -> str:
    """A spreadsheet's name of the column at ``position`` (from 0): A, B, … Z, AA, AB …"""
    letters = ""
    position += 1
    while position > 0:
        position, rest = divmod(position - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _column_name(header: list[str], position: int) -> str:
    text = header[position].strip() if 0 <= position < len(header) else ""
    return f"{column_letter(position)} ({text!r})" if text else column_letter(position)


def template_csv(kind: ImportKind) -> str:
    """A CSV template: the header and one example row."""
    cols = columns_of(kind)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.name for c in cols])
    writer.writerow([c.example for c in cols])
    return out.getvalue()


def template_xlsx(kind: ImportKind) -> bytes:
    """An XLSX template: the header, an example row, and a second sheet explaining columns."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has one sheet  # noqa: S101
    sheet.title = kind.value
    cols = columns_of(kind)
    sheet.append([c.name for c in cols])
    sheet.append([c.example for c in cols])
    help_sheet = book.create_sheet("columns")
    help_sheet.append(["column", "required", "meaning"])
    for c in cols:
        help_sheet.append([c.name, "yes" if c.required else "no", c.help])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
