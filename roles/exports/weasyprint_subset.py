"""One HarfBuzz subsetting pass per font face, without the vertical metrics (a patch of WeasyPrint 70).

Why a patch: WeasyPrint 70's `Font._harfbuzz_subset` subsets every face twice (a pass that keeps
the used glyphs at their ids, then a pass that keeps every id up to the last used one, to drop the
hinting) and keeps `vhea`/`vmtx`/`VORG`. Because glyph ids are kept, a Noto Sans CJK subset still
carries a table row for every id up to the highest used (~250 KB of vmtx for a Chinese page), and
both passes walk the whole font: 82 ms of a 200 ms job description. One pass with the same
flags plus NO_HINTING gives the same glyph ids, outlines and horizontal metrics; our documents
are never set vertically, so the vertical tables are never read. WeasyPrint has no option for
either, so the method is replaced here, and only here.

Pinned to WeasyPrint 70.0 and the exact source of the replaced method
(tests/roles/test_pdf_subset.py fails loudly when either changes). To drop this module once
WeasyPrint subsets in one pass and can drop tables on request: delete it, its `install()` call in
pdfengine and its pin test, and check `make bench` and the visual-identity test.

`legacy()` switches the original method back on for the current thread (contextvars), so the
benchmark and the identity test can render the old way in the same process.
"""

import contextvars
import hashlib
import inspect
import logging
import threading
from contextlib import contextmanager

logger = logging.getLogger(__name__)

WEASYPRINT_VERSION = "70.0"
# sha256 of inspect.getsource(weasyprint.pdf.fonts.Font._harfbuzz_subset) in WeasyPrint 70.0
PATCHED_SOURCE_SHA256 = "f80805663ede8080a3e1ffff831e20c74bd25fa3b8e4410334ba807158dc685f"

# Tables a horizontal document never reads, on top of the ones WeasyPrint already drops.
DROPPED_TABLES = (
    b"BASE",
    b"DSIG",
    b"EBDT",
    b"EBLC",
    b"EBSC",
    b"GPOS",
    b"GSUB",
    b"JSTF",
    b"LTSH",
    b"PCLT",
    b"SVG ",
    b"VORG",
    b"vhea",
    b"vmtx",
)

_use_original = contextvars.ContextVar("weasyprint_subset_use_original", default=False)
_original = None
_refused = False
_installing = threading.Lock()  # two first renders in two threads must not both install


def source_sha256(function):
    return hashlib.sha256(inspect.getsource(function).encode()).hexdigest()


def subset_face(hb_face, glyph_ids, *, hinting=False, notdef_outline=False):
    """The face's font file with only `glyph_ids`, at their ids, without the vertical metrics; None if HarfBuzz fails."""
    from weasyprint.text.ffi import ffi, harfbuzz, harfbuzz_subset
    from weasyprint.text.fonts import get_hb_object_data

    hb_subset = ffi.gc(harfbuzz_subset.hb_subset_input_create_or_fail(), harfbuzz_subset.hb_subset_input_destroy)
    gid_set = harfbuzz_subset.hb_subset_input_glyph_set(hb_subset)
    gid_array = ffi.new(f"hb_codepoint_t[{len(glyph_ids)}]", sorted(glyph_ids))
    harfbuzz.hb_set_add_sorted_array(gid_set, gid_array, len(glyph_ids))

    flags = (
        harfbuzz_subset.HB_SUBSET_FLAGS_RETAIN_GIDS
        | harfbuzz_subset.HB_SUBSET_FLAGS_PASSTHROUGH_UNRECOGNIZED
        | harfbuzz_subset.HB_SUBSET_FLAGS_DESUBROUTINIZE
    )
    if not hinting:
        flags |= harfbuzz_subset.HB_SUBSET_FLAGS_NO_HINTING
    if notdef_outline:
        flags |= harfbuzz_subset.HB_SUBSET_FLAGS_NOTDEF_OUTLINE
    harfbuzz_subset.hb_subset_input_set_flags(hb_subset, flags)

    drop_set = harfbuzz_subset.hb_subset_input_set(hb_subset, harfbuzz_subset.HB_SUBSET_SETS_DROP_TABLE_TAG)
    tags = sorted(harfbuzz.hb_tag_from_string(name, -1) for name in DROPPED_TABLES)
    harfbuzz.hb_set_add_sorted_array(drop_set, ffi.new(f"hb_codepoint_t[{len(tags)}]", tags), len(tags))

    hb_face = ffi.gc(harfbuzz_subset.hb_subset_or_fail(hb_face, hb_subset), harfbuzz.hb_face_destroy)
    return (get_hb_object_data(hb_face) or None) if hb_face else None


def _subset_once(self, to_unicode, hinting):
    """Font._harfbuzz_subset in one pass: the used glyphs at their ids, no vertical metrics."""
    if _use_original.get():
        return _original(self, to_unicode, hinting)
    from weasyprint.logger import LOGGER

    _remember(self)
    file_content = subset_face(self.hb_face, to_unicode, hinting=hinting, notdef_outline=bool(self.missing))
    if file_content:
        self.file_content = file_content
        return
    LOGGER.warning('Unable to subset "%s" with HarfBuzz', self.family)


_faces = {}  # PDF font name (e.g. "/TSPJMR+Noto-Sans-CJK-SC") -> HarfBuzz face, in this process


def _remember(font):
    """Keep the face behind a font subset in this process, so parts rendered apart can share one subset."""
    name = font.name.decode()
    if name not in _faces:
        from weasyprint.text.ffi import ffi, harfbuzz

        _faces[name] = ffi.gc(harfbuzz.hb_face_reference(font.hb_face), harfbuzz.hb_face_destroy)


def face_named(name):
    """The HarfBuzz face of a font this process has subset, by its PDF name; None if it has not met it."""
    return _faces.get(name)


def install():
    """Replace Font._harfbuzz_subset (once per process), only in the WeasyPrint it was written for;
    whether it is in place."""
    global _original, _refused
    import weasyprint
    from weasyprint.pdf.fonts import Font

    with _installing:
        if Font._harfbuzz_subset is _subset_once or _refused:
            return not _refused
        if (
            weasyprint.__version__ != WEASYPRINT_VERSION
            or source_sha256(Font._harfbuzz_subset) != PATCHED_SOURCE_SHA256
        ):
            # PDFs stay correct with WeasyPrint's own subsetting, only slower; the pin test fails.
            logger.warning(
                "Font subsetting patch not installed: written for WeasyPrint 70.0 and its Font._harfbuzz_subset, found %s",
                weasyprint.__version__,
            )
            _refused = True
            return False
        _original = Font._harfbuzz_subset
        Font._harfbuzz_subset = _subset_once
        return True


@contextmanager
def legacy():
    """WeasyPrint's own two-pass subsetting, in this thread, for the duration of the block."""
    token = _use_original.set(True)
    try:
        yield
    finally:
        _use_original.reset(token)
