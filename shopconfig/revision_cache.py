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
