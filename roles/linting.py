"""Database side of the job-description lint: reads roles into roles.lint's facts.

A fixed number of queries however many roles there are (one for the roles with their grade, pay
grade, requirements, superior and a count of direct subordinates, one each for duties, skills and
KPIs, three for the target pays (roles.paycost.reference_pays_of), one for the pay grades' bands and
one for the shop profile's usual band overlap).
"""

import dataclasses

from django.conf import settings
from django.db.models import Count

from shopconfig.models import ShopProfile

from . import bands, lint, paycost
from .models import PayGrade, Requirement, Role

REQUIREMENT_FIELDS = ("experience_text", "education_text", "majors", "physical", "other")
EXTRA_TEXT_FIELDS = (
    "benefits", "work_location", "authority", "internal_relations", "external_relations",
    "working_conditions", "career_path",
)  # fmt: skip


def lint_settings():
    shop = ShopProfile.objects.filter(pk=1).first() or ShopProfile()
    return lint.LintSettings(
        max_span=settings.ROLE_LINT_MAX_SPAN,
        band_overlap_min=shop.band_overlap_min,
        band_overlap_max=shop.band_overlap_max,
    )


def pay_grade_facts():
    """Every pay grade as the band rules see it, in one query."""
    rows = PayGrade.objects.order_by("number").values_list("number", "name", "band_min", "band_mid", "band_max")
    return [lint.PayGradeFacts(number, name, bands.Band(low, mid, high)) for number, name, low, mid, high in rows]


def with_lint_facts(queryset):
    """The roles of `queryset` with everything their facts need, in tree order."""
    return (
        queryset.select_related("grade", "pay_grade", "requirement", "parent__grade", "parent__pay_grade")
        .prefetch_related("duties", "skills", "kpis")
        .annotate(direct_subordinates=Count("children"))
        .order_by("tree_id", "lft")
    )


def _pay_grade(role):
    """(number, band) of a role's pay grade loaded through select_related; (None, None) when unplaced."""
    if role.pay_grade_id is None:
        return None, None
    return role.pay_grade.number, role.pay_grade.band()


def role_facts(role, target_pays=None):
    """The lint's facts of a role loaded through `with_lint_facts`; `target_pays` maps role id ->
    ReferencePays (paycost.reference_pays_of)."""
    number, band = _pay_grade(role)
    pays = (target_pays or {}).get(role.pk)
    try:
        requirement = role.requirement
    except Requirement.DoesNotExist:
        requirement = None
    requirements = [(name, getattr(requirement, name)) for name in REQUIREMENT_FIELDS] if requirement else []
    return lint.RoleFacts(
        slug=role.slug,
        title=role.title,
        grade_rank=role.grade.level,
        grade_name=role.grade.name,
        superior_slug=role.parent.slug if role.parent_id else None,
        summary=role.summary,
        duties=tuple(d.text for d in role.duties.all()),
        requirements=tuple((name, text) for name, text in requirements if text),
        skills=tuple(s.text for s in role.skills.all()),
        kpis=tuple(lint.KPIFact(k.name, k.weight) for k in role.kpis.all()),
        extra_texts=tuple((name, getattr(role, name)) for name in EXTRA_TEXT_FIELDS if getattr(role, name)),
        pay_min=role.pay_min,
        pay_max=role.pay_max,
        direct_subordinates=getattr(role, "direct_subordinates", 0),
        pay_grade=number,
        band=band,
        target_pay=pays.target if pays else None,
    )


def _superior_facts(superior):
    """What the rules compare with a superior (grade and pay), from the select_related row."""
    return lint.RoleFacts(
        slug=superior.slug,
        title=superior.title,
        grade_rank=superior.grade.level,
        grade_name=superior.grade.name,
        pay_min=superior.pay_min,
        pay_max=superior.pay_max,
        pay_grade=_pay_grade(superior)[0],
    )


def role_findings(role_id):
    """Findings of one role (an id or a Role), judged against its superior."""
    role_id = getattr(role_id, "pk", role_id)
    role = with_lint_facts(Role.objects.filter(pk=role_id)).first()
    if role is None:
        return []
    superior = _superior_facts(role.parent) if role.parent_id else None
    options = lint_settings()
    facts = role_facts(role, paycost.reference_pays_of([role.pk]))
    findings = lint.lint_role(facts, lint.LintContext(superior=superior, settings=options))
    if role.pay_grade_id is None:
        return findings
    # The band findings of the role's own pay grade, shown with the role's.
    field_name = f"pay_grade.{role.pay_grade.number}"
    own_band = [
        dataclasses.replace(finding, role=role.slug)
        for finding in lint.band_findings(pay_grade_facts(), options)
        if finding.field == field_name
    ]
    return sorted([*findings, *own_band], key=lambda f: -f.severity.rank)


def catalogue_findings():
    """Findings of every role in tree order, then those of the pay grades' bands."""
    roles = Role.objects.all()
    target_pays = paycost.reference_pays_of(roles)
    all_facts = [role_facts(role, target_pays) for role in with_lint_facts(roles)]
    return lint.lint_catalogue(all_facts, lint_settings(), pay_grade_facts())
