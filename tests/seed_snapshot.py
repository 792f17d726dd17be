"""The seed catalogue for tests, loaded once per test process and written again as rows.

Why: `roles.seed.load_seed()` goes through the services (versions, history, dated changes,
periods), some 800 queries; about half the suite starts from the seed. The first load in a
process runs the real seed and keeps the rows it wrote; later tests get the same rows with one
INSERT per table, then a fresh catalogue revision (as the seed's own writes give). The real
seed runs instead whenever the copy could differ from it or could not be written: the clock is moved
(time-machine), the day has changed, a table the seed fills already holds rows, or the test commits
as it goes (transactional tests and the live server). ROLEATLAS_TEST_SEED_COPY=0 turns
the copy off.
"""

import copy
import json
import os

import time_machine
from django.apps import apps
from django.core.management.color import no_style
from django.db import connection

from roles import dated
from roles.seed import load_seed
from shopconfig.models import CatalogueRevision

_snapshot = {}  # "day", "report", "tables": [(table, columns, rows)]


def _tables():
    """Every table of the project's models (many-to-many and history tables included), once each."""
    found = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy:
            found.setdefault(model._meta.db_table, (model, [f.column for f in model._meta.local_concrete_fields]))
    return found


def _counts(tables):
    """Rows per table, in one query."""
    quote = connection.ops.quote_name
    sql = " UNION ALL ".join(f"SELECT '{name}', COUNT(*) FROM {quote(name)}" for name in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(cursor.fetchall())


def _read(table, columns):
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(map(quote, columns))} FROM {quote(table)}")
        return cursor.fetchall()


def _write(table, columns, rows):
    quote = connection.ops.quote_name
    marks = ", ".join(["%s"] * len(columns))
    # PostgreSQL hands JSON columns back parsed; as text they go back in unchanged.
    rows = [[json.dumps(v) if isinstance(v, dict | list) else v for v in row] for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {quote(table)} ({', '.join(map(quote, columns))}) VALUES ({marks})", rows)


def _copy_allowed():
    """Inside a test's transaction only: the foreign keys are checked at its end, so the tables may be written in any
    order (a transactional test commits each INSERT, and a role and its live version refer to each other)."""
    return (
        os.environ.get("ROLEATLAS_TEST_SEED_COPY", "1") != "0"
        and connection.in_atomic_block
        and not time_machine.escape_hatch.is_travelling()
    )


def seed():
    """The seed catalogue (its SeedReport), as load_seed() leaves it."""
    if not _copy_allowed():
        return load_seed()
    tables = _tables()
    counts = _counts(tables)
    if _snapshot.get("day") == dated.today() and not any(counts[table] for table, _c, _r in _snapshot["tables"]):
        for table, columns, rows in _snapshot["tables"]:
            _write(table, columns, rows)
        # PostgreSQL's sequences are not rolled back, and a transactional test (a restore) may have set them lower.
        models = [tables[table][0] for table, _columns, _rows in _snapshot["tables"]]
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)
        CatalogueRevision.bump()
        return copy.deepcopy(_snapshot["report"])
    report = load_seed()
    after = _counts(tables)
    if not any(
        counts[table] and after[table] != counts[table] for table in tables
    ):  # the seed wrote into empty tables only
        filled = [table for table in tables if after[table] and not counts[table]]
        _snapshot.update(
            day=dated.today(),
            report=copy.deepcopy(report),
            tables=[(table, tables[table][1], _read(table, tables[table][1])) for table in filled],
        )
    return report
