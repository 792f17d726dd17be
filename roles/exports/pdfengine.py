"""The PDF engine: HTML to PDF with WeasyPrint, safely, for the job descriptions and the handbook.

Everything WeasyPrint reads from outside the HTML string goes through `SafeURLFetcher`: the
project's own static files and data: URLs, nothing else. Role text is user text; even if some
of it ever reached the HTML unescaped, the server would fetch nothing and attach nothing.
render_pdf() checks the fonts first and turns every failure into a PdfError the reader can act on.
"""

import logging
import mimetypes
import re
import threading
from contextlib import contextmanager, nullcontext
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from . import weasyprint_subset

logger = logging.getLogger(__name__)

# Relative URLs in the PDF templates resolve against this origin. ".invalid" never resolves
# (RFC 2606), and the fetcher maps the static prefix under it to files: nothing goes on the wire.
PDF_BASE_URL = "https://roleatlas.invalid/"
PDF_FONTS = ("Noto Sans CJK SC",)  # static/css/jd_pdf.css; Debian package fonts-noto-cjk
PDF_CONTENT_TYPE = "application/pdf"
UNSAFE_FILENAME_CHARACTERS = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


class PdfError(Exception):
    """A PDF could not be made; the message is written for the person who asked for it."""


# ----------------------------------------------------------------------------- fetching


def static_file_for(url):
    """The file behind a URL under the project's STATIC_URL, or None for any other URL."""
    prefix = urlsplit(urljoin(PDF_BASE_URL, settings.STATIC_URL))
    parts = urlsplit(url)
    if (parts.scheme, parts.netloc) != (prefix.scheme, prefix.netloc) or not parts.path.startswith(prefix.path):
        return None
    relative = unquote(parts.path[len(prefix.path) :])
    segments = relative.split("/")
    if not relative or "\\" in relative or "\x00" in relative or any(s in ("", ".", "..") for s in segments):
        return None
    found = finders.find(relative)
    if not found:
        try:  # after collectstatic, in production (hashed names live only in STATIC_ROOT)
            found = staticfiles_storage.path(relative) if staticfiles_storage.exists(relative) else None
        except NotImplementedError:  # remote storage: not a local file, so not served
            found = None
    return Path(found) if found and Path(found).is_file() else None


try:
    from weasyprint.urls import URLFetcher, URLFetcherResponse
except OSError:  # pragma: no cover - Pango missing: the views report it (see render_pdf)
    URLFetcher, URLFetcherResponse = object, None


class SafeURLFetcher(URLFetcher):
    """Serves the project's static files and data: URLs; refuses everything else.

    http(s) to anywhere (169.254.169.254 included), file://, ftp:, redirects: refused before
    any I/O. Refusals are logged and WeasyPrint leaves the image or attachment out.
    """

    def __init__(self):
        # Only data: may reach urllib (its DataHandler decodes in memory); no redirects at all.
        super().__init__(allowed_protocols=("data",), allow_redirects=False)

    def fetch(self, url, headers=None):
        if url[:5].lower() == "data:":
            return super().fetch(url, headers)
        path = static_file_for(url)
        if path is None:
            raise PermissionError(f"RoleAtlas PDFs load only their own static files: refused {url[:200]}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})


# ----------------------------------------------------------------------------- rendering


@lru_cache(maxsize=1)
def missing_fonts():
    """The PDF fonts fontconfig cannot find (checked once per process; fonts are system packages)."""
    from weasyprint.text.ffi import ffi, fontconfig

    missing = []
    for family in PDF_FONTS:
        pattern = fontconfig.FcPatternCreate()
        try:
            fontconfig.FcPatternAddString(pattern, b"family", family.encode())
            fontconfig.FcConfigSubstitute(ffi.NULL, pattern, fontconfig.FcMatchPattern)
            fontconfig.FcDefaultSubstitute(pattern)
            result = ffi.new("FcResult *")
            match = fontconfig.FcFontMatch(ffi.NULL, pattern, result)
            found = ""
            if match != ffi.NULL:
                value = ffi.new("FcChar8 **")
                if fontconfig.FcPatternGetString(match, b"family", 0, value) == fontconfig.FcResultMatch:
                    found = ffi.string(value[0]).decode()
                fontconfig.FcPatternDestroy(match)
            if found != family:
                missing.append(family)
        finally:
            fontconfig.FcPatternDestroy(pattern)
    return missing


class _RenderWatcher(logging.Handler):
    """Listens to WeasyPrint's log records during one render, in this thread only.

    Collects characters no installed font can draw (WeasyPrint would print an empty .notdef
    box) and passes the layout steps on to a progress callback.
    """

    NOTDEF = re.compile(r'\.notdef glyph rendered for Unicode string unsupported by fonts: "(.*)" \(U\+([0-9A-F]+)\)')
    PAGE = re.compile(r"Step 5 - Creating layout - Page (\d+)")

    def __init__(self, progress):
        super().__init__(logging.INFO)
        self.thread = threading.get_ident()
        self.progress = progress
        self.missing = {}

    def emit(self, record):
        if record.thread != self.thread:
            return
        message = record.getMessage()
        notdef = self.NOTDEF.match(message)
        if notdef:
            self.missing[notdef.group(2)] = notdef.group(1)
        elif self.progress is not None and record.name == "weasyprint.progress":
            page = self.PAGE.match(message)
            if page:
                self.progress("layout", int(page.group(1)))
            elif message.startswith("Step 6"):
                self.progress("pdf", None)


@contextmanager
def _watching(progress):
    watcher = _RenderWatcher(progress)
    weasyprint_logger = logging.getLogger("weasyprint")
    steps = logging.getLogger("weasyprint.progress")
    old_level = steps.level
    weasyprint_logger.addHandler(watcher)
    if progress is not None:
        steps.setLevel(logging.INFO)  # the layout steps are INFO records
    try:
        yield watcher
    finally:
        weasyprint_logger.removeHandler(watcher)
        steps.setLevel(old_level)


def _drop_attachments(document):
    """Our PDFs never carry embedded files, whatever <link rel=attachment> or <a rel=attachment> says."""
    document.metadata.attachments = []
    for page in document.pages:
        page.links = [link for link in page.links if link[0] != "attachment"]


def describe(error):
    """An exception in words fit for the reader: no server paths, no internals (the log has those)."""
    if isinstance(error, OSError) and error.strerror:
        return error.strerror  # "No space left on device", without the file name
    return type(error).__name__


class RenderedPdf(NamedTuple):
    content: bytes | None  # None when written to a file
    pages: int


class _ThreadResources(threading.local):
    """What renders in one thread share: WeasyPrint's font configuration, counter styles, parsed stylesheets.

    Building a FontConfiguration loads fontconfig's font list, and its Pango font map caches the
    faces and their metrics, so sharing one saves a tenth of a render; parsing the stylesheet again
    costs another tenth. They are shared per thread, not per process: a Pango font map must not be
    used by two threads at once, and the export worker and gunicorn threads may render at the same
    time. Pooled threads keep theirs from one request to the next.
    """

    def __init__(self):
        self.font_config = None
        self.counter_style = None
        self.stylesheets = {}  # (url, file modification time) or CSS text -> weasyprint.CSS


_resources = _ThreadResources()


def _fresh_resources():
    from weasyprint.css.counters import CounterStyle
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration(), CounterStyle()


def _stylesheets(names, texts, font_config, counter_style, url_fetcher, cache):
    """The static stylesheets `names` (e.g. "css/jd_pdf.css") then the CSS `texts`, parsed, from `cache`
    when it has them (a file's entry is keyed by its modification time, so an edited file is read again)."""
    from weasyprint import CSS

    sources = []
    for name in names:
        url = urljoin(PDF_BASE_URL, staticfiles_storage.url(name))
        path = static_file_for(url)
        sources.append(((url, path.stat().st_mtime_ns if path else None), {"url": url}))
    sources += [(text, {"string": text, "base_url": PDF_BASE_URL}) for text in texts]
    sheets = []
    for key, source in sources:
        if cache is None or key not in cache:
            sheet = CSS(**source, url_fetcher=url_fetcher, font_config=font_config, counter_style=counter_style)
            if cache is None:
                sheets.append(sheet)
                continue
            cache[key] = sheet
        sheets.append(cache[key])
    return sheets


def render_pdf(html, target=None, *, stylesheets=(), css=(), url_fetcher=None, progress=None, optimised=True):
    """Render an HTML string; the PDF comes back as `content`, or is written to the file object `target`.

    `stylesheets`: static files (e.g. "css/jd_pdf.css"), then `css`: CSS texts (e.g. page_css()),
    applied in this order, after the user agent's stylesheet and before the document's own <style>
    (WeasyPrint's user origin); each is parsed once per thread. Raises PdfError with a
    reader-facing message when the fonts are missing, when a character has no glyph in any
    installed font, or when WeasyPrint fails. `progress(step, page)` is called as the layout
    advances (step "layout" with a page number, then "pdf").

    `optimised=False` renders as the engine did before issue 17 (a new font configuration,
    stylesheets parsed again, WeasyPrint's own two-pass font subsetting): only for the benchmark
    and the test that proves both give the same pages.
    """
    with rendering(progress, optimised=optimised) as job:
        document = job.layout(html, stylesheets=stylesheets, css=css, url_fetcher=url_fetcher)
        content = document.write_pdf(target)  # glyphs are looked up here, while drawing
    return RenderedPdf(content, len(document.pages))


@contextmanager
def rendering(progress=None, *, optimised=True):
    """One PDF job in this thread (lay out, then write): every failure inside becomes a PdfError for
    the reader, and characters no installed font has (found while writing) a PdfError naming them."""
    try:
        import weasyprint  # noqa: F401
    except OSError as error:  # Pango or HarfBuzz not installed
        raise PdfError(_("The PDF renderer is not installed on the server: %(error)s") % {"error": error}) from error
    missing = missing_fonts()
    if missing:
        raise PdfError(
            _("The PDF font %(fonts)s is not installed on the server (Debian: apt-get install fonts-noto-cjk).")
            % {"fonts": "、".join(missing)}
        )
    weasyprint_subset.install()
    with _watching(progress) as watcher, nullcontext() if optimised else weasyprint_subset.legacy():
        try:
            yield _Job(optimised)
            if watcher.missing:  # the caller's atomic_write discards a file already written
                characters = " ".join(f"{char} (U+{code})" for code, char in sorted(watcher.missing.items()))
                raise PdfError(
                    _("No installed font can show these characters: %(characters)s. Change the text and try again.")
                    % {"characters": characters}
                )
        except PdfError:
            raise
        except Exception as error:
            logger.exception("PDF rendering failed")
            raise PdfError(_("The PDF could not be created: %(error)s") % {"error": describe(error)}) from error


class _Job:
    """Lays out documents with this thread's shared font configuration and parsed stylesheets."""

    def __init__(self, optimised):
        self.optimised = optimised

    def layout(self, html, *, stylesheets=(), css=(), url_fetcher=None):
        """The laid-out weasyprint.Document of an HTML string (see render_pdf), without attachments."""
        from weasyprint import HTML

        fetcher = url_fetcher if url_fetcher is not None else SafeURLFetcher()
        if self.optimised:
            if _resources.font_config is None:
                _resources.font_config, _resources.counter_style = _fresh_resources()
            font_config, counter_style, cache = _resources.font_config, _resources.counter_style, _resources.stylesheets
        else:
            (font_config, counter_style), cache = _fresh_resources(), None
        sheets = _stylesheets(stylesheets, css, font_config, counter_style, fetcher, cache)
        document = HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=fetcher).render(
            stylesheets=sheets, font_config=font_config, counter_style=counter_style
        )
        _drop_attachments(document)
        return document


# ----------------------------------------------------------------------------- content


def css_string(text):
    """A quoted CSS string that any text is safe in (every non-alphanumeric character escaped)."""
    escaped = "".join(c if c.isalnum() or c == " " else f"\\{ord(c):x} " for c in str(text))
    return f'"{escaped}"'


def css_content(template, **counters):
    """A `content:` value from a translated pattern such as "Page {page} of {pages}".

    Text around the placeholders becomes escaped CSS strings; each {name} becomes counter(name).
    """
    parts = []
    for index, piece in enumerate(re.split(r"\{(\w+)\}", template)):
        if index % 2:
            parts.append(counters[piece])
        elif piece:
            parts.append(css_string(piece))
    return mark_safe(" ".join(parts) or '""')


def page_number(page="counter(page)", pages="counter(pages)"):
    """The page footer's words ("第 N 页 / 共 M 页") as CSS content; `page`, `pages`: CSS values, counters by default."""
    return css_content(_("Page {page} of {pages}"), page=page, pages=pages)


def page_css(pages=None):
    """The translated, language-dependent part of the print stylesheet (page footers), for render_pdf(css=…);
    `pages`: the total to print instead of the document's own (a part of a longer PDF)."""
    total = css_string(pages) if pages is not None else "counter(pages)"
    return f"@page {{ @bottom-center {{ content: {page_number(pages=total)}; }} }}"


def safe_filename(*parts):
    """A download name from user text: no path separators or characters Windows refuses."""
    name = "-".join(UNSAFE_FILENAME_CHARACTERS.sub("_", str(part)).strip(" .") for part in parts if part)
    return f"{name or 'roleatlas'}.pdf"
