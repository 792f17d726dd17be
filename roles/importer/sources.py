"""Read a job-description file into text for the parser: .txt (UTF-8 or GB18030) and .docx.

Sizes are checked before anything is read: the upload's or the file's size against
settings.ROLE_IMPORT_MAX_BYTES, and a .docx's unzipped size against a multiple of it (a small
zip can unpack into gigabytes). Other imports (the roster) use the same limits.
"""

import codecs
import io
import zipfile
from pathlib import Path

import docx
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from lxml.etree import XMLSyntaxError

from .errors import FileTooLarge, UnreadableFile

TEXT_SUFFIXES = (".txt", ".text")
DOCX_SUFFIX = ".docx"
UNZIPPED_FACTOR = 20  # a .docx may unpack to at most this many times the size limit
DEFAULT_MAX_BYTES = 2 * 1024 * 1024


def max_bytes():
    return getattr(settings, "ROLE_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)


def check_size(size):
    """Refuse anything over the limit, before it is read."""
    if size > max_bytes():
        raise FileTooLarge(
            _("The file is %(size)s; the import takes at most %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(max_bytes())}
        )


def check_text(text):
    """Pasted text obeys the same limit as a file."""
    check_size(len(text.encode("utf-8")))
    return text


def read_upload(upload):
    """The text of an uploaded file (a Django UploadedFile); its size is checked first."""
    check_size(upload.size)
    return text_from_bytes(upload.name, upload.read())


def read_path(path):
    """The text of a file on disk; its size is checked first."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as error:
        raise UnreadableFile(_("Cannot read the file: %(reason)s") % {"reason": error.strerror}) from None
    check_size(size)
    return text_from_bytes(path.name, path.read_bytes())


def text_from_bytes(name, data):
    check_size(len(data))
    suffix = Path(name).suffix.lower()
    if suffix == DOCX_SUFFIX:
        return docx_text(data)
    if suffix in TEXT_SUFFIXES:
        return decode_text(data)
    if suffix == ".doc":
        raise UnreadableFile(_("Old Word (.doc) files cannot be read: save the document as .docx and try again."))
    raise UnreadableFile(_("Only .txt and .docx files can be imported."))


def decode_text(data):
    """UTF-8 (with or without a BOM), UTF-16 with a BOM (Windows Notepad's "Unicode"), else GB18030."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8-sig", "gb18030"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    raise UnreadableFile(_("This is not a text file in UTF-8 or GB18030 (GBK): save it as UTF-8 text and try again."))


def check_zip(data, *, damaged, too_large):
    """Refuse an Office file (a zip: .docx, .xlsx) that is no zip or unpacks to too much, before opening it.

    `damaged` is the message for a file that is no zip; `too_large` has a %(size)s for the unpacked size.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise UnreadableFile(damaged) from None
    if unzipped > max_bytes() * UNZIPPED_FACTOR:
        raise FileTooLarge(too_large % {"size": filesizeformat(unzipped)})


def docx_text(data):
    """Paragraphs and tables in document order; a table cell's text on lines of its own."""
    damaged = _("This .docx file is damaged or is not a Word document.")
    check_zip(data, damaged=damaged, too_large=_("This .docx file unpacks to %(size)s, too much to import."))
    try:
        document = docx.Document(io.BytesIO(data))
        return "\n".join(_lines(document))
    except (PackageNotFoundError, KeyError, ValueError, XMLSyntaxError, zipfile.BadZipFile):
        raise UnreadableFile(damaged) from None


def _lines(container):
    for block in container.iter_inner_content():
        if isinstance(block, Table):
            yield from _table_lines(block)
        else:
            yield block.text


def _table_lines(table):
    """Each cell once (python-docx repeats a merged cell in every row and column it spans), row by row."""
    seen = []  # the cells' XML elements, kept alive so that `is` compares them reliably
    for row in table.rows:
        for cell in row.cells:
            if any(cell._tc is done for done in seen):
                continue
            seen.append(cell._tc)
            yield from _lines(cell)
