"""HR's editing screens. Tree writes go through roles.services."""

from django import http
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from mptt.admin import DraggableMPTTAdmin
from simple_history.admin import SimpleHistoryAdmin

from . import rules, services
from .exports.pdf import download_selected_pdf
from .models import KPI, Department, Duty, Grade, PayScheme, PerformanceTier, Requirement, Role, Shift, Skill


def _kept_rows(formset):
    """Cleaned data of the inline rows that will be saved (valid, filled in, not deleted)."""
    return [
        f.cleaned_data for f in formset.forms if f.is_valid() and f.cleaned_data and not f.cleaned_data.get("DELETE")
    ]


class KPIFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        total = rules.kpi_weight_total(row.get("weight") for row in _kept_rows(self))
        if total > rules.MAX_KPI_WEIGHT_TOTAL:
            raise ValidationError(
                _("The KPI weights of one role add up to %(total)s %%; they may add up to at most 100 %%.")
                % {"total": rules.plain_number(total)}
            )


class TierFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        tiers = [(row["min_score"], row.get("max_score")) for row in _kept_rows(self)]
        overlaps = rules.find_tier_overlaps(tiers)
        if overlaps:
            (a_min, a_max), (b_min, b_max) = overlaps[0]
            raise ValidationError(
                _("Score tiers overlap: %(a)s and %(b)s. Each score may fall in one tier only.")
                % {"a": _tier_label(a_min, a_max), "b": _tier_label(b_min, b_max)}
            )


def _tier_label(low, high):
    low = rules.plain_number(low)
    return f"{low}–{rules.plain_number(high)}" if high is not None else f"≥ {low}"


class DutyInline(admin.TabularInline):
    model = Duty
    extra = 1


class SkillInline(admin.TabularInline):
    model = Skill
    extra = 1


class KPIInline(admin.TabularInline):
    model = KPI
    formset = KPIFormSet
    extra = 1


class RequirementInline(admin.StackedInline):
    model = Requirement
    max_num = 1
    can_delete = False


@admin.register(Role)
class RoleAdmin(SimpleHistoryAdmin, DraggableMPTTAdmin):
    list_display = ("tree_actions", "indented_title", "code", "department", "grade", "headcount", "status")
    list_display_links = ("indented_title",)
    list_select_related = ("department", "grade")
    list_filter = ("department", "grade", "status")
    search_fields = ("title", "slug", "code", "summary", "duties__text", "skills__text")
    filter_horizontal = ("dotted_line_superiors", "shifts")
    inlines = [DutyInline, RequirementInline, SkillInline, KPIInline]
    expand_tree_by_default = True
    actions = [download_selected_pdf]
    fieldsets = [
        (
            None,
            {"fields": ["title", "slug", "code", "department", "grade", "parent", "dotted_line_superiors", "status"]},
        ),
        (gettext_lazy("main responsibility"), {"fields": ["summary"]}),
        (gettext_lazy("staffing and pay range"), {"fields": ["headcount", "shifts", "pay_min", "pay_max", "benefits"]}),
        (gettext_lazy("pay"), {"fields": ["pay_scheme", "base_salary", "performance_bonus_amount", "commission_rate"]}),
        (
            gettext_lazy("standard job-description fields"),
            {
                "classes": ["collapse"],
                "fields": [
                    "work_location",
                    "authority",
                    "internal_relations",
                    "external_relations",
                    "working_conditions",
                    "review_cycle",
                    "career_path",
                    "prepared_on",
                    "source",
                ],
            },
        ),
    ]

    def save_model(self, request, obj, form, change):
        services.save_role(obj, reason=_("Edited in the admin") if change else _("Created in the admin"))

    def delete_model(self, request, obj):
        services.delete_role(obj.pk)

    def delete_queryset(self, request, queryset):
        services.delete_roles(list(queryset.values_list("pk", flat=True)))

    def delete_selected_tree(self, modeladmin, request, queryset):
        """Bulk delete through the tree service; refusals are shown, nothing half-done."""
        if not request.POST.get("post"):
            return delete_selected(self, request, queryset)
        try:
            count = queryset.count()
            self.delete_queryset(request, queryset)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), level=messages.ERROR)
            return None
        self.message_user(
            request, ngettext("Deleted %(count)d role.", "Deleted %(count)d roles.", count) % {"count": count}
        )
        return None

    def _move_node(self, request):
        """Drag-and-drop handler of DraggableMPTTAdmin, routed through the tree service."""
        queryset = self.get_queryset(request)
        try:
            role = queryset.get(pk=request.POST.get("cut_item"))
            target = queryset.get(pk=request.POST.get("pasted_on"))
        except (Role.DoesNotExist, TypeError, ValueError):
            self.message_user(request, _("The role no longer exists; reload the page and try again."), messages.ERROR)
            return http.HttpResponse("FAIL, invalid objects.")
        if not self.has_change_permission(request, role):
            self.message_user(request, _("You may not change this role."), messages.ERROR)
            return http.HttpResponse("FAIL, no permission.")
        try:
            moved = services.move_role(role.pk, target.pk, request.POST.get("position"))
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return http.HttpResponse("FAIL, invalid move.")
        self.log_change(request, moved, [{"changed": {"fields": ["parent"]}}])
        self.message_user(request, _("%(role)s has been moved.") % {"role": moved})
        return http.HttpResponse("OK, moved.")


class TierInline(admin.TabularInline):
    model = PerformanceTier
    formset = TierFormSet
    extra = 1


@admin.register(PayScheme)
class PaySchemeAdmin(SimpleHistoryAdmin):
    list_display = ("name", "formula", "attendance_bonus_rate", "has_commission", "warning_enabled")
    inlines = [TierInline]
    search_fields = ("name", "formula")


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "parent", "order", "color")
    list_select_related = ("parent",)
    list_editable = ("order",)


@admin.register(Grade)
class GradeAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "level", "pay_band_min", "pay_band_max")


@admin.register(Shift)
class ShiftAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "order")
