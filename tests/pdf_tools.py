"""Reading PDFs in tests with poppler-utils (pdftotext, pdffonts, pdfinfo, pdfdetach, pdftohtml)."""

import re
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest


def _tool(name):
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: install poppler-utils (make install-test does)")
    return path


def _run(name, content, *args):
    with tempfile.TemporaryDirectory() as folder:
        pdf = Path(folder) / "doc.pdf"
        pdf.write_bytes(content)
        to_stdout = ["-"] if name == "pdftotext" else []
        result = subprocess.run([_tool(name), *args, str(pdf), *to_stdout], capture_output=True, text=True, check=True)
        return result.stdout


def pdf_text(content, first=None, last=None):
    """The text of the PDF (or of pages first..last), in reading order."""
    args = []
    if first is not None:
        args += ["-f", str(first), "-l", str(last or first)]
    return _run("pdftotext", content, *args)


def squeezed(text):
    """Text without any white space: Chinese lines wrap anywhere, and pdftotext breaks them there."""
    return re.sub(r"\s+", "", text)


def pdf_fonts(content):
    """One dict per font pdffonts lists: name, type, emb, sub, uni."""
    lines = _run("pdffonts", content).splitlines()[2:]
    fonts = []
    for line in lines:
        # The type column may contain spaces ("CID Type 0C (OT)"); the flags are the last five columns.
        match = re.match(r"(\S+)\s+(.+?)\s+(\S+)\s+(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+$", line)
        assert match, line
        name, kind, encoding, emb, sub, uni = match.groups()
        fonts.append({"name": name, "type": kind, "emb": emb == "yes", "sub": sub == "yes", "uni": uni == "yes"})
    return fonts


def pdf_info(content):
    info = {}
    for line in _run("pdfinfo", content).splitlines():
        key, _sep, value = line.partition(":")
        info[key.strip()] = value.strip()
    return info


def page_count(content):
    return int(pdf_info(content)["Pages"])


def embedded_files(content):
    """Names pdfdetach lists (embedded files and file-attachment annotations)."""
    lines = _run("pdfdetach", content, "-list").splitlines()
    assert lines and lines[0].endswith("embedded files"), lines
    return lines[1:]


def outline(content):
    """The PDF bookmarks as (depth, title, page) in document order, read with pdftohtml -xml."""
    with tempfile.TemporaryDirectory() as folder:
        pdf = Path(folder) / "doc.pdf"
        pdf.write_bytes(content)
        subprocess.run([_tool("pdftohtml"), "-xml", "-i", "-q", "-nodrm", str(pdf), str(Path(folder) / "out")],
                       check=True, capture_output=True)  # fmt: skip
        root = ET.parse(Path(folder) / "out.xml").getroot()
    found = []

    def walk(node, depth):
        for item in node:
            if item.tag == "item":
                found.append((depth, "".join(item.itertext()).strip(), int(item.get("page", 0))))
            elif item.tag == "outline":
                walk(item, depth + 1)

    top = root.find("outline")
    if top is not None:
        walk(top, 0)
    return found


def page_pixels(content, dpi=80):
    """Each page drawn by pdftoppm as raw RGB pixels (PPM bytes), for comparing how two PDFs look."""
    with tempfile.TemporaryDirectory() as folder:
        pdf = Path(folder) / "doc.pdf"
        pdf.write_bytes(content)
        subprocess.run([_tool("pdftoppm"), "-r", str(dpi), str(pdf), str(Path(folder) / "page")], check=True)
        return [page.read_bytes() for page in sorted(Path(folder).glob("page-*.ppm"))]


def embedded_font_tables(content):
    """The table tags of each embedded OpenType font program, in file order (read with fontTools)."""
    import io
    import zlib

    from fontTools.ttLib import TTFont

    tables = []
    for match in re.finditer(rb"/Subtype /OpenType[^>]*>>\s*stream\r?\n", content):
        raw = content[match.end() : content.index(b"endstream", match.end())]
        font = TTFont(io.BytesIO(zlib.decompress(raw)))
        tables.append(sorted(tag for tag in font.keys() if tag != "GlyphOrder"))
    return tables


def render_as_before(html, stylesheets, css):
    """The PDF engine before issue 17, for tests that the faster engine changes nothing: the page's head
    as the templates wrote it (the first static stylesheet linked, the `css` texts in <style>, the other
    stylesheets linked), WeasyPrint's own font configuration and its two-pass font subsetting."""
    from weasyprint import HTML

    from roles.exports import pdfengine, weasyprint_subset

    first, *others = (f'<link rel="stylesheet" href="/static/{name}">' for name in stylesheets)
    head = first + "".join(f"<style>{text}</style>" for text in css) + "".join(others)
    assert html.count("<head>") == 1
    weasyprint_subset.install()
    with weasyprint_subset.legacy():
        return HTML(
            string=html.replace("<head>", f"<head>{head}"),
            base_url=pdfengine.PDF_BASE_URL,
            url_fetcher=pdfengine.SafeURLFetcher(),
        ).write_pdf()
