"""Per-process memo of values that depend only on the catalogue: rebuilt when the catalogue revision changes."""

from .models import CatalogueRevision

MAX_VALUES = 32
_memo = {"revision": None, "values": {}}


def cached(key, build):
    """build() once per catalogue revision and key in this process; one small query otherwise."""
    revision = CatalogueRevision.current()
    if _memo["revision"] != revision:
        _memo["revision"], _memo["values"] = revision, {}
    values = _memo["values"]
    if key not in values:
        if len(values) >= MAX_VALUES:  # keys hold the host name, which the client chooses
            values.clear()
        values[key] = build()
    return values[key]


def read_once_per_request(get_response):
    """Middleware: a GET or HEAD request reads the catalogue revision once, however many kept values it uses
    (each `cached` call would read it again: three small queries for the manager's chart data)."""

    def middleware(request):
        if request.method not in ("GET", "HEAD"):
            return get_response(request)
        with CatalogueRevision.read_once():
            return get_response(request)

    return middleware
