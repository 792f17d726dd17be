"""Database side of the job-description lint: reads roles into roles.lint's facts.

A fixed number of queries however many roles there are (one for the roles with their grade,
requirements, superior and a count of direct subordinates, one each for duties, skills and KPIs).
"""

from django.conf import settings
from django.db.models import Count

from . import lint
from .models import Requirement, Role

REQUIREMENT_FIELDS = ("experience_text", "education_text", "majors", "physical", "other")
EXTRA_TEXT_FIELDS = (
    "benefits", "work_location", "authority", "internal_relations", "external_relations",
    "working_conditions", "career_path",
)  # fmt: skip


def lint_settings():
    return lint.LintSettings(max_span=settings.ROLE_LINT_MAX_SPAN)


def with_lint_facts(queryset):
    """The roles of `queryset` with everything their facts need, in tree order."""
    return (
        queryset.select_related("grade", "requirement", "parent__grade")
        .prefetch_related("duties", "skills", "kpis")
        .annotate(direct_subordinates=Count("children"))
        .order_by("tree_id", "lft")
    )


def role_facts(role):
    """The lint's facts of a role loaded through `with_lint_facts`."""
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
    )


def role_findings(role_id):
    """Findings of one role (an id or a Role), judged against its superior."""
    role_id = getattr(role_id, "pk", role_id)
    role = with_lint_facts(Role.objects.filter(pk=role_id)).first()
    if role is None:
        return []
    superior = _superior_facts(role.parent) if role.parent_id else None
    return lint.lint_role(role_facts(role), lint.LintContext(superior=superior, settings=lint_settings()))


def catalogue_findings():
    """Findings of every role, in tree order."""
    all_facts = [role_facts(role) for role in with_lint_facts(Role.objects.all())]
    return lint.lint_catalogue(all_facts, lint_settings())
