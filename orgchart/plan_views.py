"""The reorganisation plan pages (调整方案) for HR and approvers: the list, one plan's chart, its forms,
the diff table and its Excel file.

Who sees them is roles.permissions.can_see_plans (everyone else gets a 404); what may be done is decided
and refused by the services of orgchart/plans.py. A refusal is shown next to its form with the input
kept (status 400); a success redirects. The plan's chart is chart.js drawing the proposed organisation
in the chart page's data format, with the comparison marks against the plan's base day.
"""

import datetime
import functools

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from roles import dated, paycost, permissions, timeline
from roles.exports import excel
from roles.exports.text import safe_filename
from roles.models import Department, Grade, Role, RoleChange
from roles.reading import Audience
from shopconfig.downloads import download

from . import planning, plans
from .models import Plan, PlanChange
from .staffing import COLUMNS, in_post_counts
from .views import chart_labels, comparison_marks, cost_figures, html_safe_json

# ----------------------------------------------------------------------------- forms


class PlanForm(forms.Form):
    """A new plan: its name and the day whose organisation it starts from."""

    name = forms.CharField(label=gettext_lazy("Name of the plan"), max_length=100)
    base_date = forms.DateField(
        label=gettext_lazy("Start from the organisation of"),
        required=False,
        help_text=gettext_lazy("Empty: today."),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date", "min": "1900-01-01", "max": "2100-12-31"}),
    )


# The form fields of each kind of change (planning.VALUE_KEYS, with the role it is about).
CHANGE_FIELDS = {
    planning.ADD: ("title", "parent", "department", "grade", "headcount", "pay_min", "pay_max"),
    planning.MOVE: ("role", "parent"),
    planning.RENAME: ("role", "title"),
    planning.DEPARTMENT: ("role", "department"),
    planning.GRADE: ("role", "grade"),
    planning.HEADCOUNT: ("role", "headcount"),
    planning.MERGE: ("role", "into"),
    planning.ARCHIVE: ("role",),
}


class ChangeForm(forms.Form):
    """One change of a plan; only the fields of its kind (CHANGE_FIELDS) are kept."""

    role = forms.TypedChoiceField(label=gettext_lazy("Role"), coerce=int)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=planning.MAX_TITLE)
    parent = forms.TypedChoiceField(label=gettext_lazy("New superior"), coerce=int, empty_value=None, required=False)
    department = forms.TypedChoiceField(label=gettext_lazy("Department"), coerce=int)
    grade = forms.TypedChoiceField(label=gettext_lazy("Grade"), coerce=int)
    headcount = forms.IntegerField(label=gettext_lazy("Headcount"), min_value=0, max_value=planning.MAX_HEADCOUNT)
    into = forms.TypedChoiceField(label=gettext_lazy("Merge into"), coerce=int)
    pay_min = forms.DecimalField(
        label=gettext_lazy("Reference pay from (yuan a month)"), required=False, min_value=0, decimal_places=2
    )
    pay_max = forms.DecimalField(
        label=gettext_lazy("Reference pay to (yuan a month)"), required=False, min_value=0, decimal_places=2
    )

    def __init__(self, kind, choices, *args, **kwargs):
        """Keep the fields of `kind`; `choices` holds the role, department and grade choices of the plan."""
        super().__init__(*args, prefix=kind, **kwargs)
        self.kind = kind
        self.label = PlanChange.Kind(kind).label
        for name in [name for name in self.fields if name not in CHANGE_FIELDS[kind]]:
            del self.fields[name]
        for name, field in self.fields.items():
            if name in ("role", "into"):
                field.choices = choices["roles"]
            elif name == "parent":
                field.choices = [("", _("— nobody (a top role) —")), *choices["roles"]]
            elif name in ("department", "grade"):
                field.choices = choices[name]
        if kind == planning.ADD:
            self.fields["parent"].label = _("Superior")

    def change(self):
        """(role, value) for plans.add_change, from the cleaned data."""
        value = {name: self.cleaned_data[name] for name in self.fields if name != "role"}
        for name in ("pay_min", "pay_max"):
            if value.get(name) is None:
                value.pop(name, None)
        return self.cleaned_data.get("role"), value


class ApproveForm(forms.Form):
    effective_date = forms.DateField(
        label=gettext_lazy("In force from"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date", "min": "1900-01-01", "max": "2100-12-31"}),
    )


class RejectForm(forms.Form):
    comment = forms.CharField(label=gettext_lazy("Why it goes back"), widget=forms.Textarea(attrs={"rows": 2}))


# ----------------------------------------------------------------------------- helpers


def check_reader(request):
    """404 for everyone but HR and approvers: plans do not exist for others."""
    if not permissions.can_see_plans(request.user):
        raise Http404


def plan_of(request, plan_id):
    """The plan (404 when missing or not for this reader)."""
    check_reader(request)
    return get_object_or_404(Plan.objects.select_related("created_by", "decided_by"), pk=plan_id)


def plan_action(view):
    """An action on a plan: 404 for those who may not see plans (as if it did not exist), 405 unless POST."""

    @functools.wraps(view)
    def action(request, plan_id, **kwargs):
        plan = plan_of(request, plan_id)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        return view(request, plan, **kwargs)

    return action


def show_refusal(form, error):
    """A service's ValidationError beside the form's fields it names (the rest above the form)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def first_of_next_month(day):
    """The 1st of the month after `day`: the approve form's suggestion."""
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


# ----------------------------------------------------------------------------- the list


def plan_list(request):
    """The plans (name, base day, status, author, changes, last change) and the form that starts one."""
    check_reader(request)
    form = PlanForm(request.POST or None, initial={"base_date": dated.today()})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                plan = plans.create_plan(request.user, form.cleaned_data["name"], form.cleaned_data["base_date"])
            except ValidationError as error:
                show_refusal(form, error)
            else:
                return redirect("orgchart:plan", plan.pk)
        status = 400
    rows = plans.plans_for(request.user).annotate(change_count=Count("changes"))
    context = {"plans": rows, "form": form, "can_edit": permissions.can_edit(request.user)}
    return render(request, "orgchart/plan_list.html", context, status=status)


# ----------------------------------------------------------------------------- one plan


def plan_detail(request, plan_id):
    """The plan's proposed organisation as a chart with every difference marked, its changes, the diff and the forms."""
    return render_plan(request, plan_of(request, plan_id))


def render_plan(request, plan, bound=None, status=200):
    """The plan page; `bound` holds what was refused, by the form's name (a change's kind, "approve", "reject":
    the bound form, shown with its errors and the input kept; "remove", "submit": messages; "conflicts")."""
    see_pay = Audience.of_request(request).see_pay
    diff = plans.plan_diff(plan, with_cost=see_pay)
    data, choices, summary = plan_chart(plan, diff)
    bound = bound or {}
    editing = plan.status == Plan.Status.DRAFT and permissions.can_edit(request.user)
    deciding = plan.status == Plan.Status.SUBMITTED and permissions.can_publish(request.user)
    change_forms = {kind: bound.get(kind) or ChangeForm(kind, choices) for kind in CHANGE_FIELDS} if editing else {}
    labels = chart_labels() | {"changedFields": _("Changed by the plan: {fields}")}
    context = {
        "plan": plan,
        "data": data,
        "data_json": mark_safe(html_safe_json(data)),
        "labels_json": mark_safe(html_safe_json(labels)),
        "summary": summary,
        "marks": comparison_marks(),
        "changes": change_rows(plan, diff),
        "roles_diff": role_rows(diff),
        "departments_diff": department_rows(diff, see_pay),
        "see_pay": see_pay,
        "editing": editing,
        "deciding": deciding,
        "change_forms": change_forms,
        "move_form": change_forms.get(planning.MOVE),
        "remove_errors": bound.get("remove"),
        "submit_errors": bound.get("submit"),
        "approve_form": bound.get("approve")
        or ApproveForm(initial={"effective_date": first_of_next_month(dated.today())}),
        "reject_form": bound.get("reject") or RejectForm(),
        "conflicts": bound.get("conflicts", []),
        # A refusal whose form this reader is not shown (a change to a submitted plan…) goes on top.
        "refusals": hidden_refusals(bound, shown_forms(editing, deciding)),
    }
    return render(request, "orgchart/plan_detail.html", context, status=status)


def shown_forms(editing, deciding):
    """The names of the forms the plan page shows: the changes' and submit while editing, the decision's to approvers."""
    return {*CHANGE_FIELDS, "remove", "submit"} if editing else {"approve", "reject"} if deciding else set()


def hidden_refusals(bound, shown):
    """The messages of refused forms the page does not show (so they are said at the top instead)."""
    out = []
    for name, refused in bound.items():
        if name in shown or name == "conflicts":
            continue
        messages_of = refused if isinstance(refused, list) else [m for ms in refused.errors.values() for m in ms]
        out.extend(messages_of)
    return out


def plan_chart(plan, diff):
    """(chart data, form choices, mark counts): the proposed organisation in the chart page's data format
    (orgchart.staffing.chart_data) with the marks of its differences from the base day, so chart.js draws it.

    Four queries whatever the plan's size: roles' addresses and tree places, people in post, departments, grades.
    """
    base = planning.active(diff.base)
    after = planning.active(diff.proposal.states)
    slugs, order = {}, {}  # a role the plan adds has no address yet
    for pk, slug, tree_id, lft in Role.objects.values_list("pk", "slug", "tree_id", "lft"):
        slugs[pk], order[pk] = slug, (tree_id, lft)
    filled = in_post_counts()
    for removed, kept in diff.proposal.merged.items():  # people go with a merge
        filled[kept] = filled.get(kept, 0) + filled.pop(removed, 0)

    def row(role_id, states):
        """One role as a chart row (staffing.COLUMNS)."""
        state = states[role_id]
        parent = state["parent"] if state["parent"] in states else None
        place = (state["title"], state["department"], state["grade"], state["headcount"])
        return [role_id, parent, slugs.get(role_id, ""), *place, filled.get(role_id, 0), False]

    def rows(states):
        """The states as chart rows, in tree order (superiors first, siblings in today's order)."""
        numbered = sorted(timeline.nested_rows(states, order), key=lambda numbers: numbers[1:3])
        return [row(role_id, states) for role_id, *_numbers in numbered]

    differences = timeline.compare(base, after)
    removed = {role_id for role_id, difference in differences.items() if difference.mark == "removed"}
    data = {
        "columns": COLUMNS,
        "rows": rows(after),
        "departments": {
            str(pk): {"name": name, "color": color or "#4e79a7"}
            for pk, name, color in Department.objects.values_list("pk", "name", "color")
        },
        "grades": {str(pk): name for pk, name in Grade.objects.values_list("pk", "name")},
        "dotted": [[role_id, boss] for role_id, state in after.items() for boss in state["dotted"] if boss in after],
        "roleUrl": reverse("roles:list"),
        "compare": {
            "day": plan.base_date.isoformat(),
            "marks": {str(role_id): [d.mark, list(d.fields)] for role_id, d in differences.items()},
            "ghosts": [row for row in rows(base) if row[0] in removed],
        },
    }
    depth = {}
    roles = []
    for row in data["rows"]:
        depth[row[0]] = depth[row[1]] + 1 if row[1] in depth else 0
        roles.append((row[0], "\u3000" * depth[row[0]] + row[3]))
    choices = {
        "roles": roles,
        "department": [(pk, info["name"]) for pk, info in data["departments"].items()],
        "grade": list(data["grades"].items()),
    }
    marks = comparison_marks()
    summary = [(mark, marks[mark], count) for mark, count in timeline.tally(differences).items()]
    return data, choices, summary


def change_rows(plan, diff):
    """The plan's changes as the page lists them: number, kind, role and what it sets, in words."""
    out = []
    for change in plan.changes.all():
        value = change.value
        words = [
            f"{diff.names['field'][key]}: {plans.describe(key, value[key], diff.names)}"
            for key in ("parent", "title", "department", "grade", "headcount")
            if key in value
        ]
        if "into" in value:
            words.append(_("into %(role)s") % {"role": plans.describe(planning.MERGED, value["into"], diff.names)})
        out.append(
            {
                "number": change.number,
                "kind": change.get_kind_display(),
                "role": change.role_title,
                "words": "；".join(words),
            }
        )
    return out


def role_rows(diff):
    """Each role's difference: the role, what changed, before and after, in words."""
    kinds = comparison_marks() | {planning.MERGED: pgettext("plan diff", "merged")}
    out = []
    for difference in diff.roles:
        kind = difference.kind
        if kind in (planning.ADDED, planning.REMOVED, planning.MERGED):
            what = kinds[kind]
            before = "—"
            after = plans.describe(kind, difference.after, diff.names) if difference.after is not None else "—"
        else:
            what = diff.names["field"][kind]
            before = plans.describe(kind, difference.before, diff.names)
            after = plans.describe(kind, difference.after, diff.names)
        out.append(
            {"role": diff.names["role"].get(difference.role, "—"), "what": what, "before": before, "after": after}
        )
    return out


def department_rows(diff, see_pay):
    """Per department the plan changes (and in all): headcount before, after and the change; with see_pay the
    monthly pay cost the same way, "no cost known" counted and never shown as 0."""
    names = diff.names["department"]
    out = []
    whole = [0, 0, paycost.Total(), paycost.Total()]
    for dept, change in diff.departments.items():
        if change.headcount_before != change.headcount_after or change.cost_before != change.cost_after:
            out.append(department_row(names.get(dept, "—"), *change, see_pay))
        whole = [
            whole[0] + change.headcount_before,
            whole[1] + change.headcount_after,
            whole[2].joined(change.cost_before),
            whole[3].joined(change.cost_after),
        ]
    if out:
        out.append(department_row(_("All departments"), *whole, see_pay) | {"total": True})
    return out


def department_row(name, heads_before, heads_after, cost_before, cost_after, see_pay):
    """One line of the department table (costs only with see_pay)."""
    row = {
        "name": name,
        "heads_before": heads_before,
        "heads_after": heads_after,
        "heads_change": signed(heads_after - heads_before),
    }
    if see_pay:
        before, after = cost_figures(cost_before), cost_figures(cost_after)
        known = before["amount"] is not None or after["amount"] is not None
        row |= {
            "cost_before": before,
            "cost_after": after,
            "cost_change": signed(cost_after.amount - cost_before.amount, money=True) if known else None,
        }
    return row


def signed(number, money=False):
    """A change with its sign: +2, −1, 0; money in yuan with two decimals and thousands separators (+¥1,200.00)."""
    text = f"¥{abs(number):,.2f}" if money else str(abs(number))
    return ("+" if number > 0 else "−" if number < 0 else "") + text


# ----------------------------------------------------------------------------- actions


@plan_action
def plan_add_change(request, plan):
    """Add one change (its kind in the form's prefix); refused changes are shown next to the form."""
    kind = request.POST.get("kind")
    if kind not in CHANGE_FIELDS:
        raise Http404
    diff = plans.plan_diff(plan)
    form = ChangeForm(kind, plan_chart(plan, diff)[1], request.POST)
    if form.is_valid():
        role, value = form.change()
        try:
            plans.add_change(plan.pk, request.user, kind, role, **value)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("The change was added to the plan."))
            return redirect(reverse("orgchart:plan", args=[plan.pk]) + "#plan-changes")
    return render_plan(request, plan, {kind: form}, status=400)


@plan_action
def plan_remove_change(request, plan, number):
    """Remove one change, unless a later change needs it (the reason is shown)."""
    try:
        plans.remove_change(plan.pk, request.user, number)
    except PlanChange.DoesNotExist:
        raise Http404 from None
    except ValidationError as error:
        return render_plan(request, plan, {"remove": error.messages}, status=400)
    messages.success(request, _("The change was removed from the plan."))
    return redirect(reverse("orgchart:plan", args=[plan.pk]) + "#plan-changes")


@plan_action
def plan_submit(request, plan):
    """HR sends the plan to the approvers."""
    try:
        plans.submit(plan.pk, request.user)
    except ValidationError as error:
        return render_plan(request, plan, {"submit": error.messages}, status=400)
    messages.success(request, _("The plan was submitted for approval."))
    return redirect("orgchart:plan", plan.pk)


@plan_action
def plan_approve(request, plan):
    """An approver makes the plan's changes dated changes from a day; conflicts are listed and nothing is written."""
    form = ApproveForm(request.POST)
    if form.is_valid():
        try:
            plans.approve(plan.pk, request.user, form.cleaned_data["effective_date"])
        except plans.PlanConflicts as error:
            return render_plan(request, plan, {"approve": form, "conflicts": error.conflicts}, status=400)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(
                request,
                _("The plan was approved: its changes are in force from %(day)s.")
                % {"day": form.cleaned_data["effective_date"].isoformat()},
            )
            return redirect("orgchart:plan", plan.pk)
    return render_plan(request, plan, {"approve": form}, status=400)


@plan_action
def plan_reject(request, plan):
    """An approver sends the plan back to HR with a comment."""
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            plans.reject(plan.pk, request.user, form.cleaned_data["comment"])
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("The plan was sent back to HR."))
            return redirect("orgchart:plan", plan.pk)
    return render_plan(request, plan, {"reject": form}, status=400)


# ----------------------------------------------------------------------------- Excel


def plan_xlsx(request, plan_id):
    """The plan's diff as an Excel workbook: each role's change, then each department's headcount (and cost)."""
    plan = plan_of(request, plan_id)
    see_pay = Audience.of_request(request).see_pay
    diff = plans.plan_diff(plan, with_cost=see_pay)
    items = role_rows(diff)
    for row in department_rows(diff, see_pay):
        after = f"{row['heads_after']} ({row['heads_change']})"
        items.append({"role": row["name"], "what": _("headcount"), "before": str(row["heads_before"]), "after": after})
        if see_pay:
            before, after = money_text(row["cost_before"]), money_text(row["cost_after"], row["cost_change"])
            items.append({"role": row["name"], "what": _("monthly pay cost"), "before": before, "after": after})
    columns = [
        excel.Column(_("role or department"), lambda item: item["role"], 18),
        excel.Column(_("what changed"), lambda item: item["what"], 12),
        excel.Column(_("before"), lambda item: item["before"], 24),
        excel.Column(_("after"), lambda item: item["after"], 30),
    ]
    title = _("Reorganisation plan “%(name)s”") % {"name": plan.name}
    organisation = (_("Proposed organisation"), *proposed_organisation_sheet(plan, diff))
    content = excel.catalogue_workbook(
        columns,
        excel.table(columns, items),
        title=title,
        author=request.shop.company_name,
        more_sheets=[organisation],
    )
    return download(content, safe_filename(title) + ".xlsx", excel.XLSX_TYPE)


def proposed_organisation_sheet(plan, diff):
    """(columns, rows) of the workbook's second sheet: the plan's chart as a table, the proposed roles in
    tree order (indented under their superiors) with the plan's mark, then the roles it removes."""
    data = plan_chart(plan, diff)[0]
    marks, fields = comparison_marks(), dict(RoleChange.Kind.choices)
    titles = {row[0]: row[3] for row in data["rows"] + data["compare"]["ghosts"]}
    depth = {}

    def item(row):
        role_id, parent, _slug, title, dept, grade, headcount = row[:7]
        depth[role_id] = depth[parent] + 1 if parent in depth else 0
        mark, changed = data["compare"]["marks"].get(str(role_id), (None, []))
        return {
            "role": "\u3000" * depth[role_id] + title,
            "superior": titles.get(parent, "—"),
            "department": data["departments"].get(str(dept), {}).get("name", "—"),
            "grade": data["grades"].get(str(grade), "—"),
            "headcount": headcount,
            "mark": "；".join(filter(None, [marks.get(mark), "、".join(str(fields[f]) for f in changed)])),
        }

    items = [item(row) for row in data["rows"]]
    depth.clear()  # a removed role is listed flush left, under its former superior's name
    items += [item(row) for row in data["compare"]["ghosts"]]
    columns = [
        excel.Column(_("role"), lambda i: i["role"], 24),
        excel.Column(_("superior"), lambda i: i["superior"], 16),
        excel.Column(_("department"), lambda i: i["department"], 12),
        excel.Column(_("grade"), lambda i: i["grade"], 10),
        excel.Column(_("headcount"), lambda i: i["headcount"], 8, "0"),
        excel.Column(_("what the plan changes"), lambda i: i["mark"], 24),
    ]
    return columns, excel.table(columns, items)


def money_text(figures, change=None):
    """A cost as the diff shows it: ¥amount, or no cost known; how many roles have none; the change."""
    text = f"¥{figures['amount']}" if figures["amount"] is not None else _("No cost known")
    if figures["unknown"]:
        text += " · " + _("%(count)s without a known cost") % {"count": figures["unknown"]}
    if change is not None:
        text += f" ({change})"
    return text
