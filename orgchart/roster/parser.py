"""Read a roster (花名册) from an .xlsx file into rows: pure, no database.

The file is refused unread when its name is not .xlsx or it is over the import size limit, and
refused before it is opened when it is no zip or unpacks to too much; a formula cell reads as
the value Excel saved with it (roles.importer.sheets, shared with the pay-band import).

Columns are found by their headers, in any order, in Chinese or English (COLUMNS); the header
row is the first of the first rows that names two of them, on the first sheet that has one.
Columns the roster does not know are ignored and listed. Each row keeps what is wrong with it;
a file-wide problem (no header row, a required column missing or given twice) refuses the file.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from roles.importer import sheets

NAME_MAX = 50  # Employee.name
NUMBER_MAX = 30  # Employee.employee_number
TEXT_MAX = 100  # a role's title or code, a shift's name


@dataclass(frozen=True)
class Column:
    field: str
    label: object  # the column's name in messages, translated
    header: str  # its header in the template file
    aliases: tuple  # headers that name it (compared by header_key)


COLUMNS = (
    Column(
        "name", pgettext_lazy("roster column", "name"), "姓名", ("姓名", "员工姓名", "名字", "name", "employee name")
    ),
    Column(
        "employee_number",
        pgettext_lazy("roster column", "employee number"),
        "工号",
        ("工号", "员工工号", "员工编号", "employee number", "employee no.", "employee id", "staff number"),
    ),
    Column(
        "role",
        pgettext_lazy("roster column", "role"),
        "岗位",
        ("岗位", "岗位名称", "岗位编号", "职位", "role", "position", "job title", "role number"),
    ),
    Column("shift", pgettext_lazy("roster column", "shift"), "班次", ("班次", "班别", "shift")),
    Column(
        "start_date",
        pgettext_lazy("roster column", "start date"),
        "入职日期",
        ("入职日期", "入职时间", "到岗日期", "start date", "hire date", "date joined"),
    ),
    Column(
        "end_date",
        pgettext_lazy("roster column", "end date"),
        "离职日期",
        ("离职日期", "离职时间", "end date", "leaving date", "date left"),
    ),
)
BY_FIELD = {column.field: column for column in COLUMNS}
REQUIRED = ("name", "employee_number", "role")
DATE_FIELDS = ("start_date", "end_date")


header_key = sheets.header_key
cell_text = sheets.cell_text
FIELD_BY_KEY = {header_key(alias): column.field for column in COLUMNS for alias in column.aliases}


@dataclass
class RosterRow:
    """One person as the file gives them; `problems` says what is wrong with the row, if anything."""

    line: int  # the row's number in the sheet, as Excel shows it
    name: str = ""
    employee_number: str = ""
    role: str = ""  # a role's title or its role number
    shift: str = ""
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    problems: list = field(default_factory=list)

    def values(self):
        return {column.field: getattr(self, column.field) for column in COLUMNS}


@dataclass(frozen=True)
class Roster:
    sheet: str  # the worksheet read
    fields: tuple  # the columns the file has, in the file's order (field names)
    ignored: tuple  # the headers of the columns not read
    rows: tuple  # RosterRow, in the file's order

    def has(self, name):
        """Whether the file has this column; a missing optional column leaves that value as it is."""
        return name in self.fields

    def as_data(self):
        """The roster as JSON-ready data (dates as ISO text), to carry from the preview to the import."""
        rows = [[row.line, *(_iso(value) for value in row.values().values()), row.problems] for row in self.rows]
        return {"sheet": self.sheet, "fields": list(self.fields), "ignored": list(self.ignored), "rows": rows}

    @classmethod
    def from_data(cls, data):
        """The roster as_data() gave (ValueError or KeyError for anything else)."""
        rows = []
        for line, name, number, role, shift, start, end, problems in data["rows"]:
            dates = [None if day is None else datetime.date.fromisoformat(day) for day in (start, end)]
            rows.append(RosterRow(int(line), str(name), str(number), str(role), str(shift), *dates, list(problems)))
        return cls(
            sheet=str(data["sheet"]),
            fields=tuple(name for name in data["fields"] if name in BY_FIELD),
            ignored=tuple(map(str, data["ignored"])),
            rows=tuple(rows),
        )


def _iso(value):
    return value.isoformat() if isinstance(value, datetime.date) else value


# ----------------------------------------------------------------------------- the file


def read_upload(upload):
    """The roster in an uploaded file (a Django UploadedFile): name and size are checked before it is read."""
    return parse_xlsx(sheets.upload_bytes(upload))


def read_path(path):
    """The roster in a file on disk: name and size are checked before it is read."""
    return parse_xlsx(sheets.path_bytes(path))


def parse_xlsx(data):
    """The roster in the bytes of an .xlsx file (UnreadableFile when there is none)."""
    return sheets.read_table(data, FIELD_BY_KEY, _roster, [BY_FIELD[name].header for name in REQUIRED])


def _roster(title, header, positions, lines):
    columns = sheets.table_columns(positions, REQUIRED, lambda name: BY_FIELD[name].header)
    read = {position for position, _name in columns}
    ignored = tuple(
        cell_text(value) for position, value in enumerate(header) if position not in read and cell_text(value)
    )
    rows = []
    for line, values in lines:
        cells = sheets.row_cells(values, columns)
        if all(cell_text(value) == "" for value in cells.values()):
            continue  # an empty row, or one with notes outside the roster's columns
        rows.append(read_row(line, cells))
    mark_duplicate_numbers(rows)
    return Roster(sheet=title, fields=tuple(name for _position, name in columns), ignored=ignored, rows=tuple(rows))


# ----------------------------------------------------------------------------- one row


def read_row(line, cells):
    """One row from its cells by field name (a missing column is absent or None)."""
    row = RosterRow(line=line)
    for name, limit in (("name", NAME_MAX), ("employee_number", NUMBER_MAX), ("role", TEXT_MAX), ("shift", TEXT_MAX)):
        text = cell_text(cells.get(name))
        label = capfirst(BY_FIELD[name].label)
        if not text and name in REQUIRED:
            row.problems.append(_("%(column)s is empty.") % {"column": label})
        elif len(text) > limit:
            row.problems.append(_("%(column)s is longer than %(max)d characters.") % {"column": label, "max": limit})
        setattr(row, name, text)
    for name in DATE_FIELDS:
        value = cells.get(name)
        try:
            setattr(row, name, read_date(value))
        except ValueError:
            row.problems.append(
                _("%(column)s: “%(value)s” is not a date; write it as YYYY-MM-DD.")
                % {"column": capfirst(BY_FIELD[name].label), "value": cell_text(value)}
            )
    if row.start_date and row.end_date and row.end_date < row.start_date:
        row.problems.append(_("The end date is before the start date."))
    return row


_DATE_PATTERNS = (
    # 2024-03-01, 2024/3/1, 2024.3.1, with a time of day after it as some programs export it
    re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?"),
    re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?"),
)


def read_date(value):
    """A date cell's day, or a day written as text (YYYY-MM-DD, YYYY/M/D, YYYY.M.D, YYYY年M月D日); None
    for an empty cell. ValueError for anything else, a number included (Excel shows a day only in a date
    cell)."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if not isinstance(value, str):
        raise ValueError(value)
    text = unicodedata.normalize("NFKC", value).strip()
    if not text:
        return None
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            numbers = [int(part) for part in match.groups() if part.isdigit()]
            return datetime.date(*numbers)  # ValueError for a day that does not exist
    raise ValueError(value)


def mark_duplicate_numbers(rows):
    """Every row whose 工号 another row of the file has too is wrong: which of them is right cannot be told."""
    for row, lines in sheets.repeated(rows, lambda row: row.employee_number):
        row.problems.append(
            _("Employee number %(number)s is on more than one row of the file (rows %(lines)s).")
            % {"number": row.employee_number, "lines": "、".join(map(str, lines))}
        )
