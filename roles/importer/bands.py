"""Read the pay band table (职等 and their bands) from an .xlsx file into rows: pure, no database.

The layout is the one /roles/bands.xlsx exports (roles.bands_excel): one row per pay grade with
its number, name, band minimum, midpoint and maximum and description. The figures columns (带宽,
级差, 重叠度) are marked read-only there: they are worked out from the bands, so they are
recognised and never read. Columns are found by their headers in Chinese or English, in any order
(roles.importer.sheets, like the roster); a formula cell reads as the value Excel saved with it.

Each row keeps what is wrong with it, each problem naming its column; a file-wide problem (no
header row, a required column missing or given twice) refuses the file. The rules are the
model's: the field limits are PayGrade's fields' own, the band rules roles.bands.band_problems.
An empty midpoint is the mean of minimum and maximum (bands.default_midpoint), as in the admin.
"""

import math
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from .. import bands
from ..exports.excel import FORMULA_GUARD, FORMULA_TRIGGERS
from ..models import PayGrade
from . import sheets

FIELDS = ("number", "name", "band_min", "band_mid", "band_max", "description")
REQUIRED = ("number", "name", "band_min", "band_max")
AMOUNTS = ("band_min", "band_mid", "band_max")
# The figures' columns: recognised so that they are not listed as unknown, never read.
READ_ONLY = ("range_spread", "midpoint_differential", "overlap")
ALIASES = {
    "number": ("职等", "职等编号", "number", "pay grade", "pay grade number"),
    "name": ("名称", "职等名称", "name"),
    "band_min": ("带宽最小值", "最小值", "最低值", "下限", "band minimum", "minimum"),
    "band_mid": ("带宽中点值", "中点值", "中位值", "band midpoint", "midpoint"),
    "band_max": ("带宽最大值", "最大值", "最高值", "上限", "band maximum", "maximum"),
    "description": ("说明", "描述", "备注", "description"),
    "range_spread": ("带宽", "range spread"),
    "midpoint_differential": ("级差", "midpoint differential"),
    "overlap": ("重叠度", "overlap"),
}
FIELD_BY_KEY = {sheets.header_key(alias): name for name, aliases in ALIASES.items() for alias in aliases}


def label(name):
    """A column's name as the export heads it and messages name it: PayGrade's field's own (职等, 名称…)."""
    return str(capfirst(PayGrade._meta.get_field(name).verbose_name))


@dataclass
class BandRow:
    """One pay grade as the file gives it; `problems` are (field, message), the field None for the row."""

    line: int  # the row's number in the sheet, as Excel shows it
    number: int | None = None
    name: str = ""
    band_min: Decimal | None = None
    band_mid: Decimal | None = None
    band_max: Decimal | None = None
    description: str = ""
    mid_defaulted: bool = False  # the file left the midpoint empty: it is the mean
    problems: list = field(default_factory=list)

    def values(self):
        """The pay grade's values as PayGrade's fields."""
        return {name: getattr(self, name) for name in FIELDS}


@dataclass(frozen=True)
class BandSheet:
    sheet: str  # the worksheet read
    columns: dict  # {field: column letter} of the columns read
    ignored: tuple  # the headers of the columns not read (the read-only ones are not listed)
    rows: tuple  # BandRow, in the file's order

    @property
    def has_problems(self):
        return any(row.problems for row in self.rows)

    def problem_texts(self, row):
        """A row's problems as people read them, each naming the row and the column (letter and header)."""
        return [self.problem_text(row.line, name, message) for name, message in row.problems]

    def problem_text(self, line, name, message):
        values = {"line": line, "message": message}
        if name is None:
            return _("Row %(line)d: %(message)s") % values
        values["header"] = label(name)
        if name not in self.columns:
            return _("Row %(line)d, %(header)s: %(message)s") % values
        values["letter"] = self.columns[name]
        return _("Row %(line)d, column %(letter)s (%(header)s): %(message)s") % values

    def problems(self):
        """Every problem of the file as text, in the file's order."""
        return [text for row in self.rows for text in self.problem_texts(row)]

    def as_data(self):
        """JSON-ready data to carry from the preview to the import (amounts as text)."""
        rows = [
            [row.line, *(_text_or_none(getattr(row, name)) for name in FIELDS), row.mid_defaulted, row.problems]
            for row in self.rows
        ]
        return {"sheet": self.sheet, "columns": self.columns, "ignored": list(self.ignored), "rows": rows}

    @classmethod
    def from_data(cls, data):
        """The sheet as_data() gave (ValueError, KeyError or TypeError for anything else)."""
        rows = []
        for line, number, name, low, mid, high, description, defaulted, problems in data["rows"]:
            amounts = [None if value is None else Decimal(value) for value in (low, mid, high)]
            rows.append(
                BandRow(
                    int(line),
                    None if number is None else int(number),
                    str(name),
                    *amounts,
                    str(description),
                    bool(defaulted),
                    [(name, str(message)) for name, message in problems],
                )
            )
        return cls(
            sheet=str(data["sheet"]),
            columns={str(k): str(v) for k, v in data["columns"].items()},
            ignored=tuple(map(str, data["ignored"])),
            rows=tuple(rows),
        )


def _text_or_none(value):
    return value if value is None or isinstance(value, int | str) else str(value)


# ----------------------------------------------------------------------------- the file


def read_upload(upload):
    """The band table in an uploaded file: name and size are checked before it is read."""
    return parse_xlsx(sheets.upload_bytes(upload))


def read_path(path):
    """The band table in a file on disk: name and size are checked before it is read."""
    return parse_xlsx(sheets.path_bytes(path))


def parse_xlsx(data):
    """The band table in the bytes of an .xlsx file (UnreadableFile when there is none)."""
    return sheets.read_table(data, FIELD_BY_KEY, _table, [label(name) for name in REQUIRED])


def _table(title, header, positions, lines):
    columns = sheets.table_columns(positions, REQUIRED, _header_of)
    letters = {name: get_column_letter(position + 1) for position, name in columns if name in FIELDS}
    known = {position for position, _name in columns}
    ignored = tuple(
        sheets.cell_text(value)
        for position, value in enumerate(header)
        if position not in known and sheets.cell_text(value)
    )
    read = [(position, name) for position, name in columns if name in FIELDS]
    rows = []
    for line, values in lines:
        cells = sheets.row_cells(values, read)
        if all(sheets.cell_text(value) == "" for value in cells.values()):
            continue  # an empty row, or one with notes outside the table's columns
        rows.append(read_row(line, cells))
    mark_duplicate_numbers(rows)
    return BandSheet(sheet=title, columns=letters, ignored=ignored, rows=tuple(rows))


def _header_of(name):
    if name in FIELDS:
        return label(name)
    return str(dict(zip(READ_ONLY, (figure for figure, _formula in bands.FORMULAS), strict=True))[name])


# ----------------------------------------------------------------------------- one row


def read_row(line, cells):
    """One row from its cells by field name (a missing optional column is absent)."""
    row = BandRow(line=line)
    row.number = _read(row, "number", cells.get("number"), read_number)
    row.name = _read(row, "name", cells.get("name"), read_text) or ""
    for name in AMOUNTS:
        setattr(row, name, _read(row, name, cells.get(name), read_amount))
    row.description = _read(row, "description", cells.get("description"), read_text) or ""
    for name in REQUIRED:
        if getattr(row, name) in (None, "") and not any(problem[0] == name for problem in row.problems):
            row.problems.append((name, _("Empty: a value is required.")))
    if row.band_mid is None and row.band_min is not None and row.band_max is not None:
        if not any(problem[0] == "band_mid" for problem in row.problems):
            row.band_mid, row.mid_defaulted = bands.default_midpoint(row.band_min, row.band_max), True
    for name, message in bands.band_problems(row.band_min, row.band_mid, row.band_max).items():
        row.problems.append((name, str(message)))
    return row


def _read(row, name, value, reader):
    """The value of one cell read by `reader` and checked against PayGrade's field (its length, digits and
    bounds); None and a problem naming the column when it is not what the field takes."""
    try:
        value = reader(value)
        if value not in (None, ""):
            PayGrade._meta.get_field(name).run_validators(value)
    except ValidationError as error:
        row.problems.append((name, " ".join(error.messages)))
        return None
    return value


def read_number(value):
    """A pay grade's number: a whole number, typed as a number or as text; None for an empty cell."""
    text = _number_text(value)
    if text is None:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or number != number.to_integral_value():
        raise ValidationError(_("“%(value)s” is not a whole number.") % {"value": sheets.cell_text(value)})
    return int(number)


def read_amount(value):
    """An amount in yuan: a number cell, or text such as "3,500" or "3500元"; None for an empty cell. A
    number cell is read to Excel's 15 significant digits (a formula's 3850.0000000000005 is 3850)."""
    text = _number_text(value)
    if text is None:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        raise ValidationError(_("“%(value)s” is not an amount in yuan.") % {"value": sheets.cell_text(value)})
    # trailing zeros are not decimal places ("3500.000" is 3500), nor is a whole number's exponent
    return amount.quantize(Decimal(1)) if amount == amount.to_integral_value() else amount.normalize()


def _number_text(value):
    """A number cell's value or a typed number as text Decimal reads; None when the cell is empty."""
    if value is None or isinstance(value, bool):
        return None if value is None else str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return "NaN" if not math.isfinite(value) else format(value, ".15g")
    text = unicodedata.normalize("NFKC", str(value)).strip()
    text = text.replace(",", "").replace(" ", "").removesuffix("元")
    return text or None


def read_text(value):
    """Text as the export writes it: the guard (') it puts before a formula-like start is taken off again."""
    text = sheets.cell_text(value)
    if text.startswith(FORMULA_GUARD) and text[1:].startswith(FORMULA_TRIGGERS):
        text = text[1:]
    return text


def mark_duplicate_numbers(rows):
    """Every row whose number another row has too is wrong: which of them is meant cannot be told."""
    for row, lines in sheets.repeated(rows, lambda row: row.number):
        message = _("Pay grade %(number)s is on more than one row of the file (rows %(lines)s).")
        row.problems.append(("number", message % {"number": row.number, "lines": "、".join(map(str, lines))}))
