"""Reading an import's Excel sheet (.xlsx): what every table import shares (the roster, the pay bands).

A file is refused unread when its name is not .xlsx or it is over the import size limit
(sources.check_size, the limit of every import), and refused before it is opened when it is no
zip or unpacks to too much (sources.check_zip). The workbook is opened read-only with
data_only=True: a formula cell reads as the value Excel saved with it and is never evaluated (a
formula nobody calculated reads as empty).

Columns are found by their headers, in any order (header_key compares them): the header row is
the first of the first HEADER_SEARCH_ROWS rows that names two known columns, on the first sheet
that has one. A column given twice or a required one missing refuses the file.
"""

import datetime
import re
import unicodedata
import zipfile
from collections import defaultdict
from contextlib import contextmanager
from io import BytesIO
from pathlib import Path
from xml.etree.ElementTree import ParseError

from django.utils.translation import gettext as _
from lxml.etree import XMLSyntaxError
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from . import sources
from .errors import UnreadableFile

XLSX_SUFFIX = ".xlsx"
HEADER_SEARCH_ROWS = 20  # a title or a note may stand above the header row
# What openpyxl raises for a damaged workbook, when it opens it or while it reads its rows.
DAMAGED_ERRORS = (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError, ParseError, XMLSyntaxError)


def check_name(name):
    """Refuse a file by its name alone: only .xlsx is read."""
    suffix = Path(name).suffix.lower()
    if suffix == XLSX_SUFFIX:
        return
    if suffix == ".xls":
        raise UnreadableFile(_("Old Excel (.xls) files cannot be read: save the sheet as .xlsx and try again."))
    raise UnreadableFile(_("Only Excel .xlsx files can be imported."))


def upload_bytes(upload):
    """The bytes of an uploaded .xlsx (a Django UploadedFile): name and size are checked before it is read."""
    check_name(upload.name)
    sources.check_size(upload.size)
    return upload.read()


def path_bytes(path):
    """The bytes of an .xlsx file on disk: name and size are checked before it is read."""
    path = Path(path)
    check_name(path.name)
    try:
        size = path.stat().st_size
    except OSError as error:
        raise UnreadableFile(_("Cannot read the file: %(reason)s") % {"reason": error.strerror}) from None
    sources.check_size(size)
    return path.read_bytes()


def damaged_message():
    return _("This file is damaged or is not an Excel workbook (.xlsx).")


@contextmanager
def open_workbook(data):
    """The read-only workbook (formulas as their saved values) of an .xlsx file's bytes, closed after the
    block; UnreadableFile for a damaged file, whether it shows when opening or while reading rows."""
    sources.check_size(len(data))
    damaged = damaged_message()
    sources.check_zip(data, damaged=damaged, too_large=_("This .xlsx file unpacks to %(size)s, too much to import."))
    try:
        workbook = load_workbook(BytesIO(data), read_only=True, data_only=True)
    except DAMAGED_ERRORS:
        raise UnreadableFile(damaged) from None
    try:
        yield workbook
    except DAMAGED_ERRORS:
        raise UnreadableFile(damaged) from None
    finally:
        workbook.close()


def read_table(data, field_by_key, build, required_headers):
    """build(sheet title, header values, positions, rows after the header) of the first sheet of an .xlsx
    file's bytes that has a header row (find_header); UnreadableFile naming `required_headers` when none has."""
    with open_workbook(data) as workbook:
        for sheet in workbook.worksheets:
            found = find_header(sheet, field_by_key)
            if found is not None:
                return build(sheet.title, *found)
    raise UnreadableFile(
        _("No header row found: one of the first rows must name the columns %(columns)s.")
        % {"columns": "、".join(map(str, required_headers))}
    )


def header_key(text):
    """A header as compared: full-width forms folded, case, spaces, underscores, a required-field star and a
    bracketed hint ("入职日期(YYYY-MM-DD)", "带宽（只读）") ignored."""
    text = unicodedata.normalize("NFKC", str(text)).lower()
    text = re.sub(r"\(.*?\)|\[.*?\]", "", text)
    return re.sub(r"[\s_*:]", "", text)


def find_header(sheet, field_by_key):
    """(header values, {field: [positions]}, the rows after the header as (line, values)) of a sheet, or None
    when none of its first rows names two known columns. `field_by_key` maps header_key(header) to a field."""
    lines = enumerate(sheet.iter_rows(values_only=True), 1)
    for line, values in lines:
        if line > HEADER_SEARCH_ROWS:
            return None
        positions = {}
        for position, value in enumerate(values):
            if value is not None and header_key(value) in field_by_key:
                positions.setdefault(field_by_key[header_key(value)], []).append(position)
        if len(positions) >= 2:
            return values, positions, lines
    return None


def table_columns(positions, required, header_of):
    """[(position, field)] in the sheet's order from find_header's positions; UnreadableFile naming the
    columns (by `header_of(field)`) that appear twice or, of `required`, are missing."""
    twice = [header_of(name) for name, found in positions.items() if len(found) > 1]
    if twice:
        raise UnreadableFile(
            _("These columns appear more than once: %(columns)s. Keep one of each.") % {"columns": "、".join(twice)}
        )
    missing = [header_of(name) for name in required if name not in positions]
    if missing:
        raise UnreadableFile(_("The file has no column %(columns)s.") % {"columns": "、".join(missing)})
    return sorted((found[0], name) for name, found in positions.items())


def row_cells(values, columns):
    """{field: cell value} of one row for table_columns' columns (None past the row's end)."""
    return {name: values[position] if position < len(values) else None for position, name in columns}


def cell_text(value):
    """A cell as text: a whole number without ".0" (a 工号 typed as a number), surrounding spaces removed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        value = value.date()
    return str(value).strip()


def repeated(rows, key):
    """[(row, the lines of every row with its key)] for the rows (with a .line) whose key(row) another row has
    too; rows whose key is None or "" are not compared."""
    lines = defaultdict(list)
    for row in rows:
        if key(row) not in (None, ""):
            lines[key(row)].append(row.line)
    return [(row, lines[key(row)]) for row in rows if len(lines.get(key(row), ())) > 1]
