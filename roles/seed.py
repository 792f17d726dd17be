"""Load the seed catalogue (fixtures/seed.json) into the database, idempotently."""

import datetime
import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from . import services, workflow
from .models import (
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
    Shift,
    Skill,
)

SEED_FILE = Path(settings.BASE_DIR) / "fixtures" / "seed.json"
ROLE_FIELDS = (
    "title", "code", "summary", "headcount", "benefits", "status", "source",
)  # fmt: skip


@dataclass
class SeedReport:
    created: dict = field(default_factory=dict)
    updated: dict = field(default_factory=dict)

    def count(self, kind, created):
        bucket = self.created if created else self.updated
        bucket[kind] = bucket.get(kind, 0) + 1


def _decimal(value):
    return None if value is None else Decimal(value)


def _upsert(model, key, values, update, report):
    """Create the row named by key, or overwrite it when update is set."""
    obj = model.objects.filter(**key).first()
    if obj is None:
        obj = model.objects.create(**key, **values)
        report.count(model._meta.model_name, True)
    elif update:
        for name, value in values.items():
            setattr(obj, name, value)
        obj.save()
        report.count(model._meta.model_name, False)
    return obj


def load_seed(path=SEED_FILE, update=False):
    """Create what is missing; with update=True also overwrite existing rows to match the file."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    report = SeedReport()
    with services.tree_lock():
        departments = {}
        for d in data["departments"]:
            values = {"name": d["name"], "order": d.get("order", 0), "color": d.get("color", "")}
            values["parent"] = departments.get(d["parent"]) if d.get("parent") else None
            departments[d["code"]] = _upsert(Department, {"code": d["code"]}, values, update, report)
        families = {}
        for f in data["job_families"]:
            values = {"name": f["name"], "order": f["order"], "color": f["color"]}
            families[f["code"]] = _upsert(JobFamily, {"code": f["code"]}, values, update, report)
        # Example bands (the document gives none), each saying so in its description.
        pay_grades = {}
        for p in data["pay_grades"]:
            values = {
                "name": p["name"],
                "band_min": Decimal(p["band_min"]),
                "band_mid": _decimal(p["band_mid"]),  # None: the mean (PayGrade.fill_midpoint)
                "band_max": Decimal(p["band_max"]),
                "description": p["description"],
            }
            pay_grades[p["number"]] = _upsert(PayGrade, {"number": p["number"]}, values, update, report)
        grades = {}
        for g in data["grades"]:
            values = {
                "name": g["name"],
                "level": g["level"],
                "min_pay_grade": g["min_pay_grade"],
                "max_pay_grade": g["max_pay_grade"],
            }
            grades[g["code"]] = _upsert(Grade, {"code": g["code"]}, values, update, report)
        shifts = {}
        for i, s in enumerate(data["shifts"]):
            shifts[s["code"]] = _upsert(Shift, {"code": s["code"]}, {"name": s["name"], "order": i}, update, report)
        schemes = {p["code"]: _load_scheme(p, update, report) for p in data["pay_schemes"]}

        # The organisation the seed describes is in force from this day: its history starts there.
        since = datetime.date.fromisoformat(data["in_force_from"])
        written = {}  # slug -> the role, for the roles this run created or updated
        for r in data["roles"]:
            role, wrote = _load_role(
                r, departments, grades, shifts, schemes, update, report, since, (families, pay_grades)
            )
            if wrote:
                written[r["slug"]] = role
        # Career paths last: a role may lead to one further down the file.
        for r in data["roles"]:
            if r["slug"] in written:
                targets = Role.objects.filter(slug__in=r.get("leads_to", []))
                written[r["slug"]].leads_to.set(targets)
    return report


def _load_scheme(p, update, report):
    values = {k: v for k, v in p.items() if k not in ("code", "tiers")}
    for name in ("attendance_bonus_rate", "absence_days_limit", "warning_score"):
        values[name] = Decimal(values[name])
    existed = PayScheme.objects.filter(code=p["code"]).exists()
    scheme = _upsert(PayScheme, {"code": p["code"]}, values, update, report)
    if not existed or update:
        scheme.tiers.all().delete()
        PerformanceTier.objects.bulk_create(
            PerformanceTier(
                scheme=scheme,
                min_score=Decimal(t["min_score"]),
                max_score=_decimal(t["max_score"]),
                rate=Decimal(t["rate"]),
            )
            for t in p["tiers"]
        )
    return scheme


def _load_role(r, departments, grades, shifts, schemes, update, report, since, placement):
    role = Role.objects.filter(slug=r["slug"]).first()
    if role is not None and not update:
        return role, False
    created = role is None
    role = role or Role(slug=r["slug"])
    for name in ROLE_FIELDS:
        setattr(role, name, r[name])
    role.department = departments[r["department"]]
    role.grade = grades[r["grade"]]
    families, pay_grades = placement
    role.job_family = families[r["job_family"]]
    role.pay_grade = pay_grades[r["pay_grade"]]
    role.parent = Role.objects.get(slug=r["parent"]) if r["parent"] else None
    role.pay_min, role.pay_max = _decimal(r["pay_min"]), _decimal(r["pay_max"])
    role.pay_scheme = schemes[r["pay_scheme"]] if r["pay_scheme"] else None
    for name in ("base_salary", "performance_bonus_amount", "commission_rate"):  # example amounts, optional
        setattr(role, name, _decimal(r.get(name)))
    services.save_role(role, reason=_("Loaded from the seed data"), effective_date=since if created else None)
    role.shifts.set([shifts[code] for code in r["shifts"]])

    req = r["requirements"]
    Requirement.objects.update_or_create(
        role=role,
        defaults={
            "experience_years": _decimal(req["experience_years"]),
            "experience_text": req["experience_text"],
            "education_level": req["education_level"] or "",
            "education_text": req["education_text"],
            "majors": req["majors"],
            "physical": req["physical"],
            "other": req["other"],
        },
    )
    for model, items in ((Duty, r["duties"]), (Skill, r["skills"])):
        model.objects.filter(role=role).delete()
        model.objects.bulk_create(model(role=role, order=i, text=text) for i, text in enumerate(items, 1))
    KPI.objects.filter(role=role).delete()
    KPI.objects.bulk_create(
        KPI(
            role=role,
            order=i,
            name=k["name"],
            weight=_decimal(k["weight"]),
            target=k["target"],
            measurement=k["measurement"],
        )
        for i, k in enumerate(r["kpis"], 1)
    )
    # A published seed role is version 1 (or a new version after --update), approved by nobody.
    workflow.publish_loaded(role, effective_date=since if created else None, comment=_("Loaded from the seed data"))
    report.count("role", created)
    return role, True
