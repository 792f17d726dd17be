"""Downloads: Chinese file names that every browser reads, and files that are never half-written."""

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header


def download(content, filename, content_type):
    """An attachment response; the header carries filename*=UTF-8'' (RFC 5987) for Chinese names."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def file_download(path, filename, content_type):
    """Stream a finished export file as an attachment."""
    return FileResponse(open(path, "rb"), as_attachment=True, filename=filename, content_type=content_type)


@contextmanager
def atomic_write(path):
    """Yield a temporary file beside `path`; it replaces `path` only if the block finishes.

    A failure half-way (disk full, a crash in the renderer) leaves no partial file behind.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
