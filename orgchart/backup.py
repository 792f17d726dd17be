"""Backup and restore of the whole catalogue as one JSON file (`export_catalogue` / `import_catalogue`).

Why here: a backup holds the shop profile (shopconfig), the catalogue (roles) and the people in
its seats (orgchart). Dependencies point shopconfig ← roles ← orgchart, so only orgchart may
import all three; its two management commands are thin wrappers around this module.

What a file holds: the shop profile and pay-policy defaults, departments, grades, shifts, pay
schemes with their tiers, roles with their stored tree columns (parent, tree_id, lft, rght, level:
sibling order included), their shifts, dotted-line superiors and career paths (the three many-to-many tables,
as records of their own), requirements, duties, skills, KPIs, job-description versions and each
role's live version, employees, and headcount plans with their lines and the placements saved over
them; with `history`, also django-simple-history's records of roles
and pay schemes. Not in it: users, groups, passwords, sessions, API tokens, handbook exports and
tasks, the catalogue-revision token (a cache key, changed by the import) and uploaded files (the
shop logo's file name is kept; copy the media folder separately).

Format: {"format": "roleatlas-catalogue", "format_version": 3, "history": bool, "records": [...]},
each record as Django's serializers write it ({"model", "pk", "fields"}). Records come model by
model in dependency order (CATALOGUE_MODELS), then by primary key; keys are sorted, indented by
two spaces, UTF-8 without escapes, one trailing newline, no timestamp of the export itself. So
export → import into an empty database → export gives the same bytes. A version 1 file (before
headcount plans) is read too: its employees' `active` flag becomes a last day as migration
orgchart 0006 made it; so is a version 2 file (before job families and pay grades): its grades'
pay bands become pay grades as migration roles 0009 made them (`upgraded`).

Ids are kept: every record is loaded with its primary key, so references need no translation
and a round trip is byte for byte. PostgreSQL's sequences are then moved past the loaded ids.
Users are not part of a backup: the fields that name one (a version's created_by and
approved_by, a history record's history_user) hold the username; the import links the user of
that name when the target database has one, and leaves the field empty otherwise (and says so).

The import is all or nothing, in one transaction: a file that is not JSON, another format or
version, a record of a model that is not part of a backup, a record with missing or unknown
fields or a bad value, a reference to a record that is not in the file, a constraint that fails
half-way, or a role tree whose stored columns disagree with its parent links: each stops the
import, names the record, and leaves the database as it was. Into a database that already holds
a catalogue it refuses, unless asked to replace it (the catalogue and its history are deleted and
the file loaded in the same transaction). The shop profile and pay defaults do not count (they are
made on first use); the file's replace them.

The role tree: every other tree write goes through roles/services.py, which lets django-mptt
compute the nested-set columns. A restore must reproduce them exactly, so it writes the stored
columns verbatim (raw saves: django-mptt recomputes nothing, django-simple-history records nothing) while holding
services.tree_lock(), and proves the result with roles.treecheck.tree_problems before the
transaction may commit.
"""

import datetime
import decimal
import json
import uuid
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.management.color import no_style
from django.core.serializers import base, python
from django.db import DatabaseError, IntegrityError, connection
from django.utils.translation import gettext as _

from roles import dated, services
from roles.models import (
    KPI,
    Department,
    Duty,
    Grade,
    JobFamily,
    PayGrade,
    PayScheme,
    PerformanceTier,
    Requirement,
    Role,
    RoleVersion,
    Shift,
    Skill,
)
from roles.treecheck import tree_problems
from shopconfig.models import CatalogueRevision, PayPolicy, ShopProfile

from .models import Employee, HeadcountLine, HeadcountPlan, OverPlanPlacement

FORMAT = "roleatlas-catalogue"
FORMAT_VERSION = 3
READABLE_VERSIONS = (1, 2, FORMAT_VERSION)
# One row each, created on first use: they may exist in a database that holds no catalogue yet.
SINGLETONS = (ShopProfile, PayPolicy)
CATALOGUE_MODELS = (
    ShopProfile,
    PayPolicy,
    Department,
    JobFamily,
    PayGrade,
    Grade,
    Shift,
    PayScheme,
    PerformanceTier,
    Role,
    Role.shifts.through,
    Role.dotted_line_superiors.through,
    Role.leads_to.through,
    Requirement,
    Duty,
    Skill,
    KPI,
    RoleVersion,
    Employee,
    HeadcountPlan,
    HeadcountLine,
    OverPlanPlacement,
)
HISTORY_MODELS = (PayScheme.history.model, Role.history.model)


class BackupError(Exception):
    """A file that cannot be imported, or a database that may not receive it; the message says why."""


@dataclass
class ImportReport:
    counts: dict = field(default_factory=dict)  # model label → records loaded
    missing_users: list = field(default_factory=list)  # usernames with no user here

    @property
    def total(self):
        return sum(self.counts.values())


def backup_models(history=True):
    """The models a backup holds, in the order they are written and loaded."""
    return CATALOGUE_MODELS + (HISTORY_MODELS if history else ())


# --- pure functions -----------------------------------------------------------------------------


def _json_value(value):
    """JSON for the values Django's serializer leaves as Python objects; exact, unlike
    DjangoJSONEncoder, which cuts datetimes to milliseconds."""
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def encode(document):
    """The file's text: the same document always gives the same bytes."""
    return json.dumps(document, default=_json_value, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def reference_problems(keys, references):
    """References that point at no record.

    `keys` maps a model label to the primary keys present; `references` are tuples
    (label, pk, field name, target label, value). A None value refers to nothing and is fine.
    """
    problems = []
    for label, pk, name, target, value in references:
        if value is not None and value not in keys.get(target, ()):
            problems.append(
                _("%(model)s %(pk)s: %(field)s refers to %(target)s %(value)s, which is not in the file.")
                % {"model": label, "pk": pk, "field": name, "target": target, "value": value}
            )
    return problems


def _listed(problems, limit=20):
    """Problems one per line; a badly broken file shows the first `limit` and how many more."""
    lines = problems[:limit]
    if len(problems) > limit:
        lines.append(_("… and %(count)d more.") % {"count": len(problems) - limit})
    return "\n".join(lines)


def parse(text):
    """The document in `text` (str or UTF-8 bytes), with its header checked."""
    try:
        document = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BackupError(_("The file is not a catalogue backup (not JSON: %(error)s).") % {"error": error}) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BackupError(_("The file is not a catalogue backup (no %(format)s header).") % {"format": FORMAT})
    if document.get("format_version") not in READABLE_VERSIONS:
        raise BackupError(
            _("The file has format version %(found)s; this version of RoleAtlas reads versions %(known)s.")
            % {"found": document.get("format_version"), "known": ", ".join(map(str, READABLE_VERSIONS))}
        )
    if not isinstance(document.get("records"), list):
        raise BackupError(_("The file has no list of records."))
    return upgraded(document)


def upgraded(document, today=None):
    """A document of an earlier format version as the current one.

    Version 1 had an `active` flag on employees where version 2 has a last day and the day the hire
    was recorded: as migration orgchart 0006 did, a person who was not active gets the day before
    today as their last day (and as their start day, if that came later: they never started), and
    everyone is recorded today.
    """
    if document["format_version"] == 1:
        today = today or dated.today()
        last_day = (today - datetime.timedelta(days=1)).isoformat()
        for record in document["records"]:
            fields = record.get("fields") if isinstance(record, dict) else None
            if record.get("model") != "orgchart.employee" or not isinstance(fields, dict) or "active" not in fields:
                continue
            active = fields.pop("active")
            fields.setdefault("recorded_on", today.isoformat())
            fields.setdefault("end_date", None if active else last_day)
            if not active and isinstance(fields.get("start_date"), str) and fields["start_date"] > last_day:
                fields["start_date"] = last_day
    if document["format_version"] in (1, 2):
        document = {**document, "records": document["records"] + _bands_to_pay_grades(document["records"])}
    return {**document, "format_version": FORMAT_VERSION}


CENT = decimal.Decimal("0.01")


def _bands_to_pay_grades(records):
    """Before version 3 a grade (职级) carried the pay band; now pay grades (职等) do. As migration roles
    0009 did: each banded grade, from the lowest level up, becomes pay grade 1, 2, … with its band
    (one end only: that end twice) and the mean as midpoint; the grade's range is that number and its
    roles (and their history records) stand on it. Changes the grade and role records in place and
    returns the new pay grade records."""
    fields_of = [r["fields"] for r in records if isinstance(r, dict) and isinstance(r.get("fields"), dict)]
    grades = [r for r in records if isinstance(r, dict) and r.get("model") == "roles.grade" and "fields" in r]
    banded = sorted(
        (
            g
            for g in grades
            if g["fields"].get("pay_band_min") is not None or g["fields"].get("pay_band_max") is not None
        ),
        key=lambda g: g["fields"].get("level") or 0,
    )
    pay_grades, pay_grade_of = [], {}
    for number, grade in enumerate(banded, start=1):
        low, high = grade["fields"].get("pay_band_min"), grade["fields"].get("pay_band_max")
        low, high = decimal.Decimal(str(low if low is not None else high)), decimal.Decimal(str(high or low))
        if low <= 0:
            raise BackupError(
                _("Grade %(name)s has a pay band minimum of %(low)s; a pay grade's minimum must be above 0.")
                % {"name": grade["fields"].get("name"), "low": low}
            )
        pay_grade_of[grade.get("pk")] = number
        mid = ((low + high) / 2).quantize(CENT, rounding=decimal.ROUND_HALF_UP)
        pay_grades.append(
            {
                "model": "roles.paygrade",
                "pk": number,
                "fields": {
                    "number": number,
                    "name": grade["fields"].get("name"),
                    "band_min": str(low),
                    "band_mid": str(mid),
                    "band_max": str(high),
                    "description": f"由职级“{grade['fields'].get('name')}”原有的薪资带宽迁移而来。",
                },
            }
        )
    for grade in grades:
        grade["fields"].pop("pay_band_min", None)
        grade["fields"].pop("pay_band_max", None)
        number = pay_grade_of.get(grade.get("pk"))
        grade["fields"].setdefault("min_pay_grade", number)
        grade["fields"].setdefault("max_pay_grade", number)
    for fields in fields_of:
        if "job_family" not in fields and "grade" in fields and "headcount" in fields:  # a role or its history
            fields["job_family"] = None
            fields["pay_grade"] = pay_grade_of.get(fields["grade"])
    return pay_grades


# --- export -------------------------------------------------------------------------------------


class _Serializer(python.Serializer):
    def handle_m2m_field(self, obj, field):
        pass  # the auto-created many-to-many tables are written as records of their own


def _user_fields(model):
    user_model = get_user_model()
    return [f for f in model._meta.concrete_fields if f.is_relation and f.related_model is user_model]


def _usernames(ids):
    user_model = get_user_model()
    if not ids:
        return {}
    return dict(user_model._base_manager.filter(pk__in=ids).values_list("pk", user_model.USERNAME_FIELD))


def export_catalogue(history=False):
    """The whole catalogue as the backup file's text; one query per model, plus one for usernames."""
    records = []
    for model in backup_models(history):
        records.extend(_Serializer().serialize(model._base_manager.order_by("pk")))
    user_fields = {model._meta.label_lower: [f.name for f in _user_fields(model)] for model in backup_models()}
    linked = [(r["fields"], name) for r in records for name in user_fields[r["model"]]]
    usernames = _usernames({fields[name] for fields, name in linked} - {None})
    for fields, name in linked:
        fields[name] = usernames.get(fields[name])
    return encode({"format": FORMAT, "format_version": FORMAT_VERSION, "history": history, "records": records})


# --- import -------------------------------------------------------------------------------------


def _describe(index, record):
    model = record.get("model", "?") if isinstance(record, dict) else "?"
    pk = record.get("pk", "?") if isinstance(record, dict) else "?"
    return _("record %(number)d (%(model)s %(pk)s)") % {"number": index + 1, "model": model, "pk": pk}


def _check_shape(index, record, models):
    """A record names a backed-up model, has a primary key and exactly that model's fields."""
    where = _describe(index, record)
    if not isinstance(record, dict) or not isinstance(record.get("fields"), dict) or record.get("pk") is None:
        raise BackupError(_("%(record)s: not a record with model, pk and fields.") % {"record": where})
    model = models.get(record.get("model"))
    if model is None:
        raise BackupError(_("%(record)s: this model is not part of a catalogue backup.") % {"record": where})
    expected = {f.name for f in model._meta.concrete_fields if not f.primary_key}
    given = set(record["fields"])
    if given != expected:
        raise BackupError(
            _("%(record)s: missing fields %(missing)s, unknown fields %(unknown)s.")
            % {
                "record": where,
                "missing": ", ".join(sorted(expected - given)) or "—",
                "unknown": ", ".join(sorted(given - expected)) or "—",
            }
        )
    return model


def _link_users(records, models):
    """Replace usernames with this database's user ids (None where there is no such user)."""
    linked = []
    for index, record in enumerate(records):
        for user_field in _user_fields(models[record["model"]]):
            value = record["fields"][user_field.name]
            if value is not None and not isinstance(value, str):
                raise BackupError(
                    _("%(record)s: %(field)s must be a username or null.")
                    % {"record": _describe(index, record), "field": user_field.name}
                )
            linked.append((record["fields"], user_field.name))
    names = {fields[name] for fields, name in linked} - {None}
    user_model = get_user_model()
    ids = dict(
        user_model._base_manager.filter(**{f"{user_model.USERNAME_FIELD}__in": names}).values_list(
            user_model.USERNAME_FIELD, "pk"
        )
    )
    for fields, name in linked:
        fields[name] = ids.get(fields[name])
    return sorted(names - set(ids))


def _build(index, record):
    """The unsaved instance of one record; conversion errors name the record."""
    try:
        return next(iter(python.Deserializer([record])))
    except (base.DeserializationError, ValidationError, FieldDoesNotExist, ValueError, TypeError) as error:
        raise BackupError(f"{_describe(index, record)}: {error}") from None


def _references(objects, models):
    """(label, pk, field, target label, value) for each database-enforced reference inside the backup."""
    labels = {model: model._meta.label_lower for model in models.values()}
    for obj in objects:
        for f in obj._meta.concrete_fields:
            if f.is_relation and f.db_constraint and f.related_model in labels:
                yield labels[type(obj)], obj.pk, f.name, labels[f.related_model], getattr(obj, f.attname)


def catalogue_counts():
    """Rows already in the catalogue's tables (the shop profile and pay defaults excepted), by model."""
    counts = {}
    for model in backup_models():
        if model not in SINGLETONS:
            n = model._base_manager.count()
            if n:
                counts[model] = n
    return counts


def delete_catalogue():
    """Delete the catalogue and its history (the caller holds the tree lock)."""
    # Self- and cross-references that would block the deletes (PROTECT, and role ↔ live version).
    Role._base_manager.update(parent=None, live_version=None)
    Department._base_manager.update(parent=None)
    RoleVersion._base_manager.update(restored_from=None)
    for model in reversed(CATALOGUE_MODELS):
        model._base_manager.all().delete()
    # Last: deleting roles and pay schemes has just recorded history.
    for model in HISTORY_MODELS:
        model._base_manager.all().delete()


def _save(index, record, obj):
    try:
        obj.save_base(raw=True, force_insert=True)
    except (IntegrityError, DatabaseError) as error:
        raise BackupError(
            _("%(record)s could not be stored: %(error)s") % {"record": _describe(index, record), "error": error}
        ) from None


def import_catalogue(text, replace=False):
    """Load a backup file's text into the database, all or nothing; returns an ImportReport."""
    records = parse(text)["records"]
    models = {model._meta.label_lower: model for model in backup_models()}
    loaded = [(index, record, _check_shape(index, record, models)) for index, record in enumerate(records)]
    order = {model: position for position, model in enumerate(backup_models())}
    loaded.sort(key=lambda item: order[item[2]])
    report = ImportReport()
    with services.tree_lock():
        existing = catalogue_counts()
        if existing and not replace:
            raise BackupError(
                _(
                    "The database already holds a catalogue (%(counts)s). Import into an empty database, "
                    "or use --replace to delete it and load the file instead."
                )
                % {"counts": ", ".join(f"{n} {model._meta.verbose_name_plural}" for model, n in existing.items())}
            )
        report.missing_users = _link_users(records, models)
        objects = [(index, record, _build(index, record).object) for index, record, _model in loaded]
        keys = {}
        for _index, _record, obj in objects:
            keys.setdefault(obj._meta.label_lower, set()).add(obj.pk)
        problems = reference_problems(keys, _references([obj for _i, _r, obj in objects], models))
        if problems:
            raise BackupError(_listed(problems))

        if replace:
            delete_catalogue()
        for model in set(SINGLETONS) & {type(obj) for _i, _r, obj in objects}:
            model._base_manager.all().delete()  # a row made on first use; the file's replaces it
        for index, record, obj in objects:
            _save(index, record, obj)
            label = obj._meta.label_lower
            report.counts[label] = report.counts.get(label, 0) + 1
        try:
            connection.check_constraints(table_names=[model._meta.db_table for model in backup_models()])
        except IntegrityError as error:
            raise BackupError(str(error)) from None
        problems = tree_problems(Role._base_manager.values_list("id", "parent_id", "tree_id", "lft", "rght", "level"))
        if problems:
            raise BackupError(_("The role tree in the file is broken:") + "\n" + _listed(problems))
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), backup_models()):
                cursor.execute(statement)
        CatalogueRevision.bump()
    return report
