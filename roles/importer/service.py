"""Save parsed role cards as draft roles: one transaction for the whole import.

What an import does with each card:

- A card is matched to an existing role by title and department; a role in one of the card's
  department's teams matches too (the seed keeps 客服主管 in 客服组, a team of 电子商务部, while
  its card says 电子商务部). A card naming no department matches a role of that title only if
  there is exactly one.
- A new role is created as a draft. An existing draft is updated: the fields the card fills in
  replace the role's, fields the card leaves empty keep their value; a card identical to the
  role changes nothing ("unchanged"). A role in any other status (published, in review,
  archived) is never changed by an import, so nothing unreviewed reaches the public and nothing
  is withdrawn from it: it is reported as skipped, with the reason. (A published role being
  edited is a draft with a live version; the import updates that working copy.)
- Department and grade are looked up by name and created when missing. The grade comes from
  the card's 职级, matched exactly or by its ending (运营总监 → 总监). A 职级 that is also one of
  the card's own superiors is the seed's known copy error (推广专员 and 仓库员: 职级 店长), so the
  title decides (专员, 员), and the correction is noted in the role's source. Without a 职级 the
  title decides; failing that, the grade 未定级 (created if needed) says HR must choose one.
- Superiors are linked by title, nearest first, after every card is saved, so cards may come in
  any order. Those not found are reported as unlinked. 下属 is not stored: it comes from the tree.
- The source field says where the role was imported from and keeps the text the parser did not
  understand, so nothing of the document is lost.

With dry_run the same work is done and then rolled back: the preview shows exactly what saving
will do.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from .. import services, workflow
from ..models import KPI, Department, Grade, Requirement, Role
from . import fields as values

UNASSIGNED_DEPARTMENT = "未分配部门"
UNGRADED = "未定级"
CREATED, UPDATED, UNCHANGED, SKIPPED = "created", "updated", "unchanged", "skipped"
ACTION_LABELS = {
    CREATED: pgettext_lazy("import", "created"),
    UPDATED: pgettext_lazy("import", "updated"),
    UNCHANGED: pgettext_lazy("import", "unchanged"),
    SKIPPED: pgettext_lazy("import", "skipped"),
}
REQUIREMENT_TEXT_FIELDS = ("experience_text", "education_text", "majors", "physical")


@dataclass
class Outcome:
    """What the import did (or, in a dry run, would do) with one card."""

    card: object
    action: str
    role: Role | None = None
    messages: list[str] = field(default_factory=list)
    unlinked: list[str] = field(default_factory=list)  # superiors named on the card but not found

    @property
    def action_label(self):
        return str(ACTION_LABELS[self.action])


@dataclass
class ImportResult:
    outcomes: list[Outcome]  # one per card, in the cards' order
    dry_run: bool = False

    def with_action(self, action):
        return [o for o in self.outcomes if o.action == action]

    @property
    def created(self):
        return self.with_action(CREATED)

    @property
    def updated(self):
        return self.with_action(UPDATED)

    @property
    def unchanged(self):
        return self.with_action(UNCHANGED)

    @property
    def skipped(self):
        return self.with_action(SKIPPED)

    @property
    def unlinked(self):
        return [(o.card.title, o.unlinked) for o in self.outcomes if o.unlinked]

    @property
    def warnings(self):
        return [f"{o.card.label()}: {message}" for o in self.outcomes for message in o.messages]


def import_cards(cards, *, user=None, dry_run=False, source=""):
    """Create or update a draft role for each card; see the module's docstring. `source` names the
    file (or says the text was pasted) in each role's source note."""
    importer = _Importer(user, source or _("pasted text"))
    with services.tree_lock():
        outcomes = [importer.card(card) for card in cards]
        importer.link_superiors(outcomes)
        for outcome in outcomes:
            if outcome.action in (CREATED, UPDATED):
                comment = _("Imported from %(source)s") % {"source": importer.source}
                workflow.record_import(outcome.role.pk, importer.user, comment)
        if dry_run:
            transaction.set_rollback(True)
    return ImportResult(outcomes=outcomes, dry_run=dry_run)


class _Importer:
    def __init__(self, user, source):
        self.user = user if user is not None and user.is_authenticated else None
        self.source = source
        self.departments = {d.pk: d for d in Department.objects.all()}
        self.grade_names = list(Grade.objects.values_list("name", flat=True))
        self.seen = set()  # (title, department id) of the cards done, to report a card given twice

    # -- one card

    def card(self, card):
        outcome = Outcome(card=card, action=SKIPPED)
        if not card.title:
            outcome.messages.append(_("It has no title, so it was not imported."))
            return outcome
        if len(card.title) > Role._meta.get_field("title").max_length:
            outcome.messages.append(_("Its title is too long to be a role's title, so it was not imported."))
            return outcome
        department = self._department(card, outcome)
        role, ambiguous = self._existing(card, department)
        if ambiguous:
            outcome.messages.append(
                _("Several roles are called “%(title)s” and the card names no department, so it was not imported.")
                % {"title": card.title}
            )
            return outcome
        if role is not None and role.status != Role.Status.DRAFT:
            outcome.role = role
            outcome.messages.append(
                _("The role is %(status)s: an import only changes drafts, so it was left as it is.")
                % {"status": role.get_status_display()}
            )
            return outcome
        key = (card.title, role.department_id if role else getattr(department, "pk", None))
        if key in self.seen:
            outcome.messages.append(_("This document has this role more than once; the later card wins."))
        self.seen.add(key)
        notes = []  # what the role's source note should say as well
        grade = self._grade(card, role, notes, outcome.messages)
        if role is None:
            outcome.role, outcome.action = self._create(card, department, grade, notes), CREATED
        elif self._update(role, card, grade, notes):
            outcome.role, outcome.action = role, UPDATED
        else:
            outcome.role, outcome.action = role, UNCHANGED
        outcome.messages.extend(notes)
        return outcome

    def _department(self, card, outcome):
        name = card.department.strip()
        if len(name) > Department._meta.get_field("name").max_length:
            outcome.messages.append(_("The department “%(name)s” is too long for a name.") % {"name": name})
            name = ""
        if not name:
            return None
        for department in self.departments.values():
            if department.name == name:
                return department
        department = Department.objects.create(code=_unique_code(Department, name, "department"), name=name)
        self.departments[department.pk] = department
        outcome.messages.append(_("Created the department “%(name)s”.") % {"name": name})
        return department

    def _family(self, department):
        """The department and all its teams, as ids."""
        ids, grew = {department.pk}, True
        while grew:
            teams = {d.pk for d in self.departments.values() if d.parent_id in ids} - ids
            ids |= teams
            grew = bool(teams)
        return ids

    def _existing(self, card, department):
        """(role, ambiguous): the role this card updates, if any."""
        roles = Role.objects.filter(title=card.title).order_by("tree_id", "lft")
        if department is not None:
            matches = list(roles.filter(department_id__in=self._family(department)))
            exact = [r for r in matches if r.department_id == department.pk]
            return (exact or matches or [None])[0], False
        matches = list(roles[:2])
        return (matches[0] if len(matches) == 1 else None), len(matches) > 1

    def _grade(self, card, role, notes, messages):
        """The card's grade (created when missing); an existing role keeps its own unless the card's 职级 names one."""
        name, why = values.pick_grade(card.grade, card.title, card.superiors, self.grade_names)
        if role is not None and why in ("from_title", "none"):
            return role.grade
        if why == "copy_error":
            notes.append(
                _(
                    "职级 “%(written)s” is also one of its superiors, a copy error of the source: "
                    "the grade comes from the title (%(grade)s)."
                )
                % {"written": card.grade, "grade": name}
            )
        elif why == "new":
            name = card.grade.strip()[: Grade._meta.get_field("name").max_length]
            messages.append(_("Created the grade “%(grade)s”: set its level.") % {"grade": name})
        elif why == "none":
            name = UNGRADED
            notes.append(_("No grade found on the card or in its title: choose one."))
        grade = Grade.objects.filter(name=name).first()
        if grade is None:
            used = set(Grade.objects.values_list("level", flat=True))
            level = values.free_level(values.RANKS.get(name, 1), used)
            grade = Grade.objects.create(code=_unique_code(Grade, name, "grade"), name=name, level=level)
            self.grade_names.append(name)
            if why != "new":
                messages.append(_("Created the grade “%(grade)s”.") % {"grade": name})
        return grade

    # -- writing

    def _create(self, card, department, grade, notes):
        if department is None:
            department = Department.objects.filter(name=UNASSIGNED_DEPARTMENT).first()
            if department is None:
                department = Department.objects.create(
                    code=_unique_code(Department, "unassigned", "department"), name=UNASSIGNED_DEPARTMENT
                )
                self.departments[department.pk] = department
            notes.append(_("The card names no department: placed in %(name)s.") % {"name": UNASSIGNED_DEPARTMENT})
        role = Role(
            title=card.title,
            slug="",  # services.save_role makes it from the title's pinyin
            department=department,
            grade=grade,
            status=Role.Status.DRAFT,
            source=self._source_note(card, notes),
            **_role_values(card),
        )
        self._save(
            role,
            _("Imported from %(source)s") % {"source": self.source},
            requirement=_requirement_values(card),
            **_card_items(card),
        )
        return role

    def _update(self, role, card, grade, notes):
        """Write what the card changes; False when it changes nothing."""
        wanted = _role_values(card, keep_empty=False)
        requirement = _requirement_values(card, keep_empty=False)
        current_requirement = getattr(role, "requirement", None)
        changed = role.grade_id != grade.pk or any(getattr(role, k) != v for k, v in wanted.items())
        changed = changed or current_requirement is None
        if current_requirement is not None:
            changed = changed or any(getattr(current_requirement, k) != v for k, v in requirement.items())
        changed = changed or _items_differ(role, card)
        if not changed:
            return False
        for name, value in wanted.items():
            setattr(role, name, value)
        role.grade = grade
        role.source = self._source_note(card, notes)
        self._save(
            role,
            _("Updated by an import from %(source)s") % {"source": self.source},
            requirement=requirement,
            **_card_items(card),
        )
        return True

    def _save(self, role, reason, **card_parts):
        if self.user is not None:
            role._history_user = self.user
        services.save_role_card(role, reason=reason, **card_parts)

    def _source_note(self, card, notes):
        lines = [_("Imported from %(source)s.") % {"source": self.source}, *notes]
        unrecognised = [u for u in card.unrecognised if u.text]
        if unrecognised:
            lines.append(_("Text the import did not recognise:"))
            lines.extend(f"【{u.heading}】{u.text}" if u.heading else u.text for u in unrecognised)
        return "\n".join(lines)

    # -- the tree, once every card is saved

    def link_superiors(self, outcomes):
        in_this_import = {}
        for outcome in outcomes:
            if outcome.action != SKIPPED:
                in_this_import[outcome.card.title] = outcome.role
        for outcome in outcomes:
            if outcome.action == SKIPPED or not outcome.card.superiors:
                continue
            role, target = outcome.role, None
            for title in outcome.card.superiors:  # nearest first
                if title == role.title:
                    continue
                target = in_this_import.get(title) or self._role_titled(title, role)
                if target is not None:
                    break
                outcome.unlinked.append(title)
            if outcome.unlinked:
                outcome.messages.append(
                    _("Superiors not found in the catalogue: %(titles)s.") % {"titles": "、".join(outcome.unlinked)}
                )
            if target is None or role.parent_id == target.pk:
                continue
            role.parent = target
            try:
                self._save(role, _("Superior set by an import from %(source)s") % {"source": self.source})
            except ValidationError as error:
                role.refresh_from_db()
                outcome.messages.append(" ".join(error.messages))
                continue
            if outcome.action == UNCHANGED:
                outcome.action = UPDATED

    def _role_titled(self, title, near):
        """A role of that title; one in the same department tree (电子商务部 and its teams) first."""
        candidates = list(Role.objects.filter(title=title).exclude(pk=near.pk).order_by("tree_id", "lft"))
        top = self.departments.get(near.department_id)
        while top is not None and top.parent_id in self.departments:
            top = self.departments[top.parent_id]
        family = self._family(top) if top is not None else set()
        close = [r for r in candidates if r.department_id in family]
        return (close or candidates or [None])[0]


def _role_values(card, keep_empty=True):
    data = {"summary": card.summary, "benefits": card.benefits, "working_conditions": card.working_conditions}
    if card.headcount:
        data["headcount"] = card.headcount
    return data if keep_empty else {k: v for k, v in data.items() if v}


def _requirement_values(card, keep_empty=True):
    """Requirement fields from the card; text too long for its field goes to "other requirements"."""
    education_text, majors = values.split_education(card.education)
    data = {
        "experience_years": values.experience_years(card.experience),
        "experience_text": card.experience,
        "education_level": values.education_level(card.education),
        "education_text": education_text,
        "majors": majors,
        "physical": card.physical,
        "other": card.other,
    }
    overflow = []
    for name in REQUIREMENT_TEXT_FIELDS:
        limit = Requirement._meta.get_field(name).max_length
        if len(data[name]) > limit:
            overflow.append(f"{Requirement._meta.get_field(name).verbose_name}: {data[name]}")
            data[name] = ""
    if overflow:
        data["other"] = "\n".join(filter(None, [data["other"], *overflow]))
    if not keep_empty:
        data = {k: v for k, v in data.items() if v not in ("", None)}
    return data


def _kpi_rows(card):
    rows = []
    for text in card.kpis:
        name, measurement = values.split_kpi(text)
        limit = KPI._meta.get_field("name").max_length
        if len(name) > limit:
            name, measurement = name[: limit - 1] + "…", text
        rows.append((name, measurement))
    return rows


def _items_differ(role, card):
    if card.duties and list(role.duties.values_list("text", flat=True)) != card.duties:
        return True
    if card.skills and list(role.skills.values_list("text", flat=True)) != card.skills:
        return True
    return bool(card.kpis) and list(role.kpis.values_list("name", "measurement")) != _kpi_rows(card)


def _card_items(card):
    """The card's duties, skills and KPIs as save_role_card takes them; a list the card leaves empty is kept."""
    return {
        "duties": [{"text": text} for text in card.duties] or None,
        "skills": [{"text": text} for text in card.skills] or None,
        "kpis": [{"name": name, "measurement": measurement} for name, measurement in _kpi_rows(card)] or None,
    }


def _unique_code(model, name, fallback):
    base = slugify(name)[:40] or fallback
    code, n = base, 1
    while model.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return code
