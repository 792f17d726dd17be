"""HR's screens for people in roles and headcount plans; placements go through orgchart/placement.py."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from roles import dated

from . import headcount, placement
from .models import Employee, HeadcountLine, HeadcountPlan, OverPlanPlacement


class EmployeeForm(forms.ModelForm):
    """Refuses a placement the active plan forbids, with the plan's numbers, as a form error.

    The check locks the plan lines it counts; the admin saves in the same transaction
    (ModelAdmin.changeform_view is atomic), so nobody takes the seat in between.
    """

    class Meta:
        model = Employee
        fields = ["name", "employee_number", "role", "shift", "start_date", "end_date", "recorded_on"]

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        refused = [f for f in placement.check(self.instance) if f.verdict == headcount.REFUSED]
        if refused:
            self.add_error(None, ValidationError(refused[0].message(), code="over_plan"))


class SeatFilter(admin.SimpleListFilter):
    title = gettext_lazy("today")
    parameter_name = "seat"

    def lookups(self, request, model_admin):
        return [("in_post", _("in post")), ("pre_hire", _("预增 (starting later)")), ("left", _("left"))]

    def queryset(self, request, queryset):
        today = dated.today()
        if self.value() == "in_post":
            return queryset.in_post(today)
        if self.value() == "pre_hire":
            return queryset.pre_hire(today)
        if self.value() == "left":
            return queryset.filter(end_date__lt=today)
        return queryset


@admin.register(Employee)
class EmployeeAdmin(admin.ModelAdmin):
    form = EmployeeForm
    list_display = ("name", "employee_number", "role", "shift", "start_date", "end_date", "seat")
    list_select_related = ("role", "shift")
    list_filter = (SeatFilter, "shift", "role__department")
    search_fields = ("name", "employee_number", "role__title")
    autocomplete_fields = ("role",)

    @admin.display(description=gettext_lazy("today"))
    def seat(self, employee):
        today = dated.today()
        if employee.in_post_on(today):
            return _("in post")
        if headcount.pre_hire(employee.start_date, employee.end_date, employee.recorded_on, today):
            return _("预增 (starting later)")
        if employee.end_date is not None and employee.end_date < today:
            return _("left")
        return "—"

    def save_model(self, request, obj, form, change):
        try:
            done = placement.place(obj, request.user)
        except placement.PlacementRefused as refused:  # the form's check holds the locks: not expected
            raise ValidationError(refused.message) from None
        for message in done.messages:
            self.message_user(request, message, messages.WARNING)


class LabelledAutocomplete(AutocompleteSelect):
    """The role autocomplete, taking the selected role's title from `labels` (read once for the whole
    formset) instead of one query per row."""

    labels = None

    def optgroups(self, name, value, attr=None):
        selected = [str(v) for v in value if str(v) not in self.choices.field.empty_values]
        if self.labels is None or not all(v in self.labels for v in selected):
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        for v in selected:
            options.append(self.create_option(name, v, self.labels[v], set(selected), len(options)))
        return [(None, options, 0)]


class HeadcountLineFormSet(BaseInlineFormSet):
    """The plan's lines; the roles' titles and the departments are read once, not once per line."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        titles = {str(line.role_id): line.role.title for line in self.get_queryset() if line.role_id}
        departments = None
        for form in [*self.forms, self.empty_form]:
            role, department = form.fields["role"].widget.widget, form.fields["department"]
            role.labels = titles
            if departments is None:
                departments = list(department.choices)
            department.widget.widget.choices = departments


class HeadcountLineInline(admin.TabularInline):
    model = HeadcountLine
    formset = HeadcountLineFormSet
    fields = ("role", "department", "seats", "control_mode", "ratio_percent")
    autocomplete_fields = ("role",)
    extra = 1

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("role")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "role":
            kwargs["widget"] = LabelledAutocomplete(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class OverPlanPlacementInline(admin.TabularInline):
    """Placements saved over the plan under 提醒 (warn): who, where, by whom, when, and the numbers."""

    model = OverPlanPlacement
    fields = ("placed_at", "employee_name", "employee_number", "role_title", "line_name", "action")
    fields += ("day", "planned", "allowed", "occupied", "placed_by")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("placed_by")

    def has_add_permission(self, request, obj=None):
        return False


class HeadcountPlanForm(forms.ModelForm):
    class Meta:
        model = HeadcountPlan
        fields = ["name", "start_date", "end_date", "status", "control_mode", "ratio_percent", "occupy_from"]

    def _post_clean(self):
        # Validated while holding the plan lock, which the admin's transaction keeps until the save:
        # two plans made active at once cannot both cover a day.
        placement.lock_plans()
        super()._post_clean()


@admin.register(HeadcountPlan)
class HeadcountPlanAdmin(admin.ModelAdmin):
    form = HeadcountPlanForm
    list_display = ("name", "start_date", "end_date", "status", "control_mode", "ratio_percent", "occupy_from")
    list_filter = ("status", "control_mode")
    search_fields = ("name",)
    readonly_fields = ("counting_rule",)
    fieldsets = [
        (None, {"fields": ["name", ("start_date", "end_date"), "status"]}),
        (gettext_lazy("Control"), {"fields": ["control_mode", "ratio_percent", "occupy_from", "counting_rule"]}),
    ]
    inlines = [HeadcountLineInline, OverPlanPlacementInline]

    @admin.display(description=gettext_lazy("counting rule (口径)"))
    def counting_rule(self, plan):
        return format_html("<p style='max-width:60em'>{}</p>", headcount.counting_rule(plan.occupy_from))

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else [HeadcountLineInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        plan = form.instance
        if not change and not plan.lines.exists():
            placement.add_lines_from_roles(plan)
            self.message_user(
                request, _("The plan starts from the roles' current headcounts: one line per role."), messages.INFO
            )
