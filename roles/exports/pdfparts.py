"""A long PDF laid out in parts by parallel processes, then joined as if WeasyPrint had made it in one go.

WeasyPrint lays out one document on one core, and keeps every page of it in memory until it is
written: a 100-role handbook spends ~7 of its ~10 s laying out, and ~350 MiB. Here the parts (for
the handbook: the chart, then a dozen job descriptions each) are laid out and written by child
processes forked from the running process (nothing is imported or parsed again), at most `workers`
at a time, each gone (with its memory) when its part is done. Meanwhile this process lays out the
front matter (cover, contents) with placeholder page numbers, to learn its length. Then:

- the front matter is laid out again with the contents' real page numbers (page_of);
- the parts' pages get their footers ("第 N 页 / 共 M 页") from a document of empty pages with
  just those footers, laid over them: a part cannot know its page numbers while it is laid out;
- pikepdf joins the PDFs: one font subset per face for the whole book (WeasyPrint keeps glyph
  ids, so the parts' glyphs are unioned and the face subset once more, weasyprint_subset), the
  bookmarks nested as in one document (WeasyPrint's own Document.make_bookmark_tree over every
  part's pages), internal links and named destinations across parts.

The pages are the same, pixel for pixel, as one WeasyPrint render of the whole (tests/orgchart/
test_handbook_parts.py). A part that fails reports the PdfError a one-piece render would; a child
that dies ends the render with an error; children die with this process.
"""

import gc
import logging
import multiprocessing
import re
from collections import defaultdict
from io import BytesIO
from multiprocessing.connection import wait
from types import SimpleNamespace
from typing import NamedTuple

from django.utils.translation import gettext as _

from . import weasyprint_subset
from .pdfengine import PdfError, RenderedPdf, css_string, describe, page_css, page_number, rendering

logger = logging.getLogger(__name__)

SCALE = 0.75  # CSS px to PDF points, as WeasyPrint writes them (zoom 1)
PLACEHOLDER_PAGE = "888"  # the contents' page numbers while the front matter is measured: as wide as they get
# Parts print no page numbers; the footers document prints only them, on pages like the parts'.
NO_PAGE_NUMBERS = "@page { @bottom-center { content: none; } }"
PAGE_NUMBERS_ONLY = (
    "@page { @top-left { content: none; } @top-right { content: none; } @bottom-right { content: none; }"
    " @bottom-center { content: string(page-number); } }"
)


class Repaginated(PdfError):
    """The front matter changed length once its page numbers were filled in: render in one piece instead."""


def available(workers):
    """Whether parts can be rendered side by side here: more than one worker, fork, and the subsetting patch."""
    return workers > 1 and "fork" in multiprocessing.get_all_start_methods() and weasyprint_subset.install()


class Part(NamedTuple):
    """A document laid out on its own: its HTML, and the @page name its pages use ("" for the default)."""

    html: str
    page: str = ""


def render_in_parts(front, parts, target, *, lang, workers, stylesheets=(), url_fetcher=None, progress=None):
    """Write one PDF to the file object `target` (None: into RenderedPdf.content), the front matter, then
    each part's pages; return RenderedPdf.

    `front(page_of)` returns the front matter's HTML, with the page number `page_of(anchor)` of each
    anchor it lists (anchors of any part); `parts` (Part) are whole HTML documents in the language
    `lang`, laid out by up to `workers` processes at a time. Page footers come from pdfengine.page_css.
    Raises Repaginated when the real page numbers change the front matter's length.
    """
    progress = progress or (lambda step, page=None: None)
    options = {"stylesheets": stylesheets, "url_fetcher": url_fetcher}
    pool = _Pool(workers, options, progress)
    try:
        for part in parts:
            pool.add(part.html, NO_PAGE_NUMBERS)
        with rendering() as job:
            trial = job.layout(front(lambda anchor: PLACEHOLDER_PAGE), css=[page_css()], **options)
            front_length, front_anchors = len(trial.pages), _summaries(trial.pages)
            del trial
            done = pool.finish()
            part_pages = [page for pages, _pdf in done for page in pages]
            total = front_length + len(part_pages)
            named = [part.page for part, (pages, _pdf) in zip(parts, done, strict=True) for _page in pages]
            numbers = list(enumerate(named, front_length + 1))
            run = -(-len(numbers) // workers)  # the footers in as many runs as workers
            for start in range(0, len(numbers), run):
                pool.add(_page_numbers(numbers[start : start + run], total, lang), PAGE_NUMBERS_ONLY, counted=False)
            anchors = _first_pages(front_anchors + part_pages, offset=1)
            document = job.layout(front(lambda anchor: str(anchors[anchor])), css=[page_css(total)], **options)
            if len(document.pages) != front_length:
                raise Repaginated
            front_pages = _summaries(document.pages)
            _drop_internal_links(document)
            front_pdf = document.write_pdf()
            del document
            footers = [pdf for _pages, pdf in pool.finish()]
    finally:
        pool.stop()
    progress("pdf")
    out = target if target is not None else BytesIO()
    _join(front_pdf, [pdf for _pages, pdf in done], footers, front_pages + part_pages, out)
    return RenderedPdf(None if target is not None else out.getvalue(), total)


def _page_numbers(pages, total, lang):
    """A document of empty pages whose footers say "第 N 页 / 共 M 页", for `pages`: (N, @page name)."""
    divs = "".join(
        f"<div style='string-set: page-number {page_number(css_string(number), css_string(total))};"
        f"{f' page: {name};' if name else ''}{' break-before: page;' if index else ''}'></div>"
        for index, (number, name) in enumerate(pages)
    )
    return f'<!DOCTYPE html><html lang="{lang}"><body>{divs}</body></html>'


# ----------------------------------------------------------------------------- the children


class _Pool:
    """Forks a child per document added, at most `workers` at a time; finish() gathers their pages and PDFs."""

    def __init__(self, workers, options, progress):
        self.workers, self.options, self.progress = workers, options, progress
        self.added, self.pending = 0, []
        self.running = {}  # connection -> (index of the document, process)
        self.results = {}  # index -> (page summaries, PDF) of the documents added since the last finish()
        self.pages_laid_out = {}  # index -> pages laid out so far

    def add(self, html, css, *, counted=True):
        """Lay out and write one more document (with this CSS after the stylesheets) as soon as a worker is free;
        `counted`: its pages count in the progress reported."""
        self.pending.append((self.added, html, css, counted))
        self.added += 1
        self._start_more()

    def _start_more(self):
        while self.pending and len(self.running) < self.workers:
            index, html, css, counted = self.pending.pop(0)
            connection, theirs = multiprocessing.Pipe(duplex=False)
            inherited = [*self.running, connection]
            gc.freeze()  # the children's collector leaves this process's objects alone: their pages stay shared
            try:
                process = multiprocessing.get_context("fork").Process(
                    target=_render_part, args=(theirs, inherited, html, css, counted, self.options), daemon=True
                )
                process.start()
            finally:
                gc.unfreeze()
            theirs.close()
            self.running[connection] = (index, process)

    def finish(self):
        """Wait for every document added since the last finish(): [(page summaries, PDF)], in the order added."""
        while self.running:
            for connection in wait(list(self.running)):
                index, process = self.running[connection]
                try:
                    message, *values = connection.recv()
                except EOFError:
                    error = _("a renderer stopped")
                    raise PdfError(_("The PDF could not be created: %(error)s") % {"error": error}) from None
                if message == "error":
                    raise PdfError(values[0])
                if message == "layout":
                    self.pages_laid_out[index] = values[0]
                    self.progress("layout", sum(self.pages_laid_out.values()))
                elif message == "done":
                    self.results[index] = values
                    del self.running[connection]
                    connection.close()
                    process.join()
                    self._start_more()
        done = [self.results[index] for index in sorted(self.results)]
        self.results = {}
        return done

    def stop(self):
        for connection, (_index, process) in self.running.items():
            process.kill()
            process.join()
            connection.close()
        self.running = {}


def _render_part(connection, inherited, html, css, counted, options):
    """In a forked child: lay out and write one part; send its pages' anchors, links and bookmarks, and its PDF.

    `inherited`: this process's copies of the parent's ends of the pipes, closed first, so that
    the parent alone holds them (and sees end-of-file when a child dies)."""
    for end in inherited:
        end.close()
    try:

        def progress(step, page=None):
            if step == "layout":
                connection.send(("layout", page))

        with rendering(progress if counted else None) as job:
            document = job.layout(html, css=[css], **options)
            pages = _summaries(document.pages)
            _drop_internal_links(document)
            content = document.write_pdf()
        connection.send(("done", pages, content))
    except PdfError as error:
        connection.send(("error", str(error)))
    except BrokenPipeError:  # the parent has gone: nothing to tell anyone
        pass
    except BaseException as error:  # noqa: BLE001 - the parent turns it into a PdfError
        logger.exception("PDF part failed")
        connection.send(("error", _("The PDF could not be created: %(error)s") % {"error": describe(error)}))
    finally:
        connection.close()


def _summaries(pages):
    """What the join needs of each laid-out page, as plain data (it crosses processes)."""
    return [
        SimpleNamespace(
            width=page.width,
            height=page.height,
            bookmarks=page.bookmarks,
            anchors={name: point[:2] for name, point in page.anchors.items()},
            links=[(target, rectangle) for kind, target, rectangle, _box in page.links if kind == "internal"],
        )
        for page in pages
    ]


def _drop_internal_links(document):
    """Internal links are written by the join, which knows every part's anchors."""
    for page in document.pages:
        page.links = [link for link in page.links if link[0] != "internal"]


def _first_pages(pages, offset=0):
    """{anchor: index of the first page that has it, plus `offset`}."""
    found = {}
    for index, page in enumerate(pages):
        for name in page.anchors:
            found.setdefault(name, index + offset)
    return found


# ----------------------------------------------------------------------------- the join


def _join(front_pdf, part_pdfs, footer_pdfs, pages, target):
    """The front matter's PDF, then the parts' pages under their footers, with one subset per face,
    bookmarks and links for all."""
    import pikepdf
    from weasyprint import Document

    parts = [pikepdf.open(BytesIO(data)) for data in part_pdfs]
    footers = [pikepdf.open(BytesIO(data)) for data in footer_pdfs]
    try:
        pdf = pikepdf.open(BytesIO(front_pdf))
        for source in parts + footers:  # the footers' pages only for a while, so their glyphs join the subsets
            pdf.pages.extend(source.pages)
        for key in ("/Outlines", "/Names"):
            if key in pdf.Root:
                del pdf.Root[key]
        _one_subset_per_face(pdf)
        total = len(pages)
        front_length = total - sum(len(footer.pages) for footer in footers)
        push, pop = pdf.make_stream(b"q\n"), pdf.make_stream(b"Q\n")
        for index in range(front_length, total):
            _lay_over(pdf.pages[index], pdf.pages[total + index - front_length], push, pop)
        del pdf.pages[total:]
        points = [_to_points(page) for page in pages]
        _add_links(pdf, pages, points)
        tree = Document.make_bookmark_tree(SimpleNamespace(pages=pages), scale=SCALE, transform_pages=True)
        with pdf.open_outline() as outline:
            outline.root.extend(_outline_items(tree))
        pdf.save(target, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    finally:
        for source in parts + footers:
            source.close()


def _lay_over(page, footer, push, pop):
    """Draw `footer`'s content over `page`, after the page's own (whose graphics state push/pop keep),
    with the page's resources: smaller than a form per page (pikepdf's add_overlay), which it falls back to."""
    import pikepdf

    resources = page.obj.Resources
    for kind, entries in footer.obj.Resources.items():
        for key, value in entries.items():
            if key in resources.get(kind, {}) and resources[kind][key].unparse() != value.unparse():
                page.add_overlay(footer)  # the same name for something else
                return
    for kind, entries in footer.obj.Resources.items():
        if kind not in resources:
            resources[kind] = pikepdf.Dictionary()
        for key, value in entries.items():
            resources[kind][key] = value
    contents = page.obj.Contents
    own = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
    theirs = footer.obj.Contents
    page.obj.Contents = pikepdf.Array([push, *own, pop, *(theirs if isinstance(theirs, pikepdf.Array) else [theirs])])


def _to_points(page):
    """CSS px from the page's top left to PDF points from its bottom left, as WeasyPrint does."""
    return lambda x, y: (x * SCALE, (page.height - y) * SCALE)


def _add_links(pdf, pages, points):
    """Every part's internal links as /Link annotations to named destinations, and the names for every anchor."""
    import pikepdf
    from pikepdf import Array, Dictionary, Name, String

    destinations = {}
    for index, page in enumerate(pages):
        for name, (x, y) in page.anchors.items():
            if name not in destinations:
                destinations[name] = Array([pdf.pages[index].obj, Name.XYZ, *points[index](x, y), 0])
    for index, page in enumerate(pages):
        for target, (left, top, right, bottom) in page.links:  # two corners, whatever Page.links's docstring says
            if target not in destinations:
                logger.warning("No anchor #%s for internal URI reference", target)
                continue
            (x1, y1), (x2, y2) = points[index](left, top), points[index](right, bottom)
            annotation = pdf.make_indirect(
                Dictionary(
                    Type=Name.Annot,
                    Subtype=Name.Link,
                    Rect=Array([x1, y1, x2, y2]),
                    BS=Dictionary(W=0),
                    Dest=String(target),
                )
            )
            pdf_page = pdf.pages[index]
            if "/Annots" not in pdf_page.obj:
                pdf_page.obj.Annots = Array()
            pdf_page.obj.Annots.append(annotation)
    names = pikepdf.NameTree.new(pdf)
    for name in sorted(destinations):
        names[name] = destinations[name]
    pdf.Root.Names = Dictionary(Dests=names.obj)


def _outline_items(tree):
    """pikepdf outline items from WeasyPrint's bookmark tree: (label, (page, x, y), children, state)."""
    from pikepdf import OutlineItem, PageLocation

    items = []
    for label, (page, x, y), children, state in tree:
        item = OutlineItem(label, page, PageLocation.XYZ, left=x, top=y, zoom=0)
        item.children.extend(_outline_items(children))
        item.is_closed = state == "closed"
        items.append(item)
    return items


# ----------------------------------------------------------------------------- fonts

BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.DOTALL)
GLYPH_TEXT = re.compile(rb"<([0-9a-fA-F]{4})> <([0-9a-fA-F]*)>")


def _one_subset_per_face(pdf):
    """Point every part's copy of a font at one copy whose subset has the glyphs all of them use."""
    copies = defaultdict(dict)  # PDF font name -> {object id: the Type0 font}
    holders = []  # (font resource dictionary, key, PDF font name)
    for fonts in _font_dictionaries(pdf):
        for key, font in fonts.items():
            if font.get("/Subtype") == "/Type0" and font.get("/Encoding") == "/Identity-H":
                copies[str(font.BaseFont)][font.objgen] = font
                holders.append((fonts, key, str(font.BaseFont)))
    kept = {}
    for name, fonts in copies.items():
        fonts = list(fonts.values())
        face = weasyprint_subset.face_named(name)
        if len(fonts) == 1 or face is None or not _merge_font(fonts, face):
            continue
        kept[name] = fonts[0]
    for fonts, key, name in holders:
        if name in kept:
            fonts[key] = kept[name]


def _font_dictionaries(pdf):
    """Each /Font resource dictionary of the pages and of the forms they draw (e.g. the chart), once."""
    seen, pending = set(), [page.obj.get("/Resources") for page in pdf.pages]
    while pending:
        resources = pending.pop()
        if resources is None or resources.objgen in seen and resources.objgen != (0, 0):
            continue
        seen.add(resources.objgen)
        if "/Font" in resources:
            yield resources.Font
        for xobject in resources.get("/XObject", {}).values():
            if xobject.get("/Subtype") == "/Form" and "/Resources" in xobject:
                pending.append(xobject.Resources)
        for pattern in resources.get("/Pattern", {}).values():
            if "/Resources" in pattern:
                pending.append(pattern.Resources)


def _merge_font(fonts, face):
    """Give fonts[0] the glyphs, widths and text of all `fonts` and a fresh subset of `face`; False if it cannot."""
    widths, texts = {}, {}
    for font in fonts:
        widths.update(_widths(font.DescendantFonts[0].W))
        for block in BFCHAR.findall(font.ToUnicode.read_bytes()):
            texts.update((int(glyph, 16), text) for glyph, text in GLYPH_TEXT.findall(block))
    descriptor = fonts[0].DescendantFonts[0].FontDescriptor
    file_key = "/FontFile3" if "/FontFile3" in descriptor else "/FontFile2"
    subset = weasyprint_subset.subset_face(face, widths)
    if subset is None or file_key not in descriptor:
        return False
    descriptor[file_key].write(subset)
    if file_key == "/FontFile2":
        descriptor[file_key].Length1 = len(subset)
    bbox = descriptor.FontBBox
    descriptor.FontBBox = [bbox[0], bbox[1], max(widths.values(), key=float), bbox[3]]
    fonts[0].DescendantFonts[0].W = _widths_array(widths)
    fonts[0].ToUnicode.write(_to_unicode(texts))
    return True


def _widths(array):
    """{glyph id: width} from a /W array of WeasyPrint's form: first id, [widths…], first id, [widths…]…"""
    widths, items = {}, list(array)
    for first, run in zip(items[::2], items[1::2], strict=True):
        for offset, width in enumerate(run):
            widths[int(first) + offset] = width
    return widths


def _widths_array(widths):
    array, run, previous = [], None, None
    for glyph in sorted(widths):
        if previous is None or glyph != previous + 1:
            run = []
            array += [glyph, run]
        run.append(widths[glyph])
        previous = glyph
    return array


def _to_unicode(texts):
    """A ToUnicode CMap, written as WeasyPrint writes it (bfchar blocks of 100)."""
    lines = [
        b"/CIDInit /ProcSet findresource begin",
        b"12 dict begin",
        b"begincmap",
        b"/CIDSystemInfo",
        b"<< /Registry (Adobe)",
        b"/Ordering (UCS)",
        b"/Supplement 0",
        b">> def",
        b"/CMapName /Adobe-Identity-UCS def",
        b"/CMapType 2 def",
        b"1 begincodespacerange",
        b"<0000> <ffff>",
        b"endcodespacerange",
    ]
    items = sorted(texts.items())
    for start in range(0, len(items), 100):
        batch = items[start : start + 100]
        lines.append(f"{len(batch)} beginbfchar".encode())
        lines += [b"<%04x> <%s>" % (glyph, text) for glyph, text in batch]
        lines.append(b"endbfchar")
    lines += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    return b"\n".join(lines)
