"""HR's editing screens. Tree writes go through roles.services."""

from django import http
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import BaseInlineFormSet
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from mptt.admin import DraggableMPTTAdmin
from simple_history.admin import SimpleHistoryAdmin

from . import bands, dated, permissions, rules, services, workflow
from .exports.pdf import download_selected_pdf
from .forms import RoleAdminForm, TransitionForm
from .lint_admin import ComplianceFindingsMixin
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
        message = rules.tier_overlap_message([(row["min_score"], row.get("max_score")) for row in _kept_rows(self)])
        if message:
            raise ValidationError(message)


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


def scheduled_text(version):
    """How the admin says that an approved version waits for its effective date."""
    return _("Version %(n)d is approved and scheduled for %(day)s: it becomes the public version on that day.") % {
        "n": version.number,
        "day": version.effective_date.isoformat(),
    }


# action in the URL: (button label, statuses it starts from, who may press it)
WORKFLOW_ACTIONS = {
    "submit": (gettext_lazy("Submit for review"), workflow.SUBMIT_FROM, permissions.can_edit),
    "publish": (gettext_lazy("Publish"), workflow.PUBLISH_FROM, permissions.can_publish),
    "archive": (gettext_lazy("Archive"), workflow.ARCHIVE_FROM, permissions.can_edit),
    "draft": (gettext_lazy("Back to draft"), workflow.BACK_TO_DRAFT_FROM, permissions.can_edit),
}


class HistoryAdmin(SimpleHistoryAdmin):
    """simple-history's admin; its revert form saves without asking for the change permission
    (upstream issue #529), so a reader with view access only is refused here."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST" and not self.has_change_permission(request, self.get_object(request, object_id)):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(Role)
class RoleAdmin(ComplianceFindingsMixin, HistoryAdmin, DraggableMPTTAdmin):
    form = RoleAdminForm
    list_display = (
        "tree_actions",
        "indented_title",
        "code",
        "department",
        "grade",
        "job_family",
        "pay_grade",
        "headcount",
        "status",
    )
    list_display_links = ("indented_title",)
    list_select_related = ("department", "grade", "job_family", "pay_grade")
    list_filter = ("department", "grade", "job_family", "pay_grade", "status")
    search_fields = ("title", "slug", "code", "summary", "duties__text", "skills__text")
    filter_horizontal = ("dotted_line_superiors", "leads_to", "shifts")
    inlines = [DutyInline, RequirementInline, SkillInline, KPIInline]
    expand_tree_by_default = True
    actions = [download_selected_pdf]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "slug",
                    "code",
                    "department",
                    "grade",
                    "job_family",
                    "pay_grade",
                    "parent",
                    "dotted_line_superiors",
                    "leads_to",
                    "effective_date",
                    "workflow",
                ]
            },
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
        day = form.cleaned_data.get("effective_date")
        reason = _("Edited in the admin") if change else _("Created in the admin")
        workflow.save_edit(obj, reason, effective_date=day, user=request.user)
        fields = [name for name in ("parent", "title", "department", "grade", "headcount") if name in form.changed_data]
        for name, later in dated.later_changes_in_force(obj.pk, fields, day).items() if day and fields else ():
            self.message_user(
                request,
                _("%(field)s changed again on %(day)s: that later change stays in force; yours is recorded as history.")
                % {"field": capfirst(Role._meta.get_field(name).verbose_name), "day": later.isoformat()},
                messages.WARNING,
            )

    def save_related(self, request, form, formsets, change):
        dotted_before = set(form.instance.dotted_line_superiors.values_list("pk", flat=True))
        super().save_related(request, form, formsets, change)
        dated.record_dotted(
            form.instance,
            dotted_before,
            form.cleaned_data.get("effective_date"),
            request.user,
            _("Edited in the admin"),
        )
        if change and workflow.after_edit(form.instance.pk, request.user):
            self.message_user(
                request,
                _(
                    "The job description is a draft again; the public keeps reading the published version "
                    "until the changes are approved."
                ),
                messages.WARNING,
            )

    # ------------------------------------------------------------------ review and approval

    @admin.display(description=gettext_lazy("status"))
    def workflow(self, obj):
        """Status, live version and the buttons for the moves this user may make from here."""
        if obj is None or obj.pk is None:
            return _("New roles start as drafts.")
        parts = [format_html("<strong>{}</strong>", obj.get_status_display())]
        scheduled = workflow.scheduled_version(obj)
        if scheduled is not None:
            parts.append(format_html(" · {}", scheduled_text(scheduled)))
        if obj.live_version_id:
            number = obj.live_version.number
            parts.append(format_html(" · {}", _("the public reads version %(n)d") % {"n": number}))
        buttons = [
            format_html(
                '<a class="button" href="{}">{}</a>', reverse("admin:roles_role_workflow", args=[obj.pk, name]), label
            )
            for name, (label, allowed_from, may) in WORKFLOW_ACTIONS.items()
            if obj.status in allowed_from and hasattr(obj, "viewer") and may(obj.viewer)
        ]
        # A form sent back with the address emptied (refused by Role.clean) links to the stored one.
        slug = obj.slug or Role.objects.filter(pk=obj.pk).values_list("slug", flat=True).first()
        history = format_html('<a href="{}">{}</a>', reverse("roles:history", args=[slug]), _("Version history"))
        return format_html(
            '{}<p class="workflow-actions">{} {}</p>',
            format_html_join("", "{}", ((part,) for part in parts)),
            format_html_join(" ", "{}", ((button,) for button in buttons)),
            history,
        )

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "workflow"]

    def get_object(self, request, object_id, from_field=None):
        role = super().get_object(request, object_id, from_field)
        if role is not None:
            role.viewer = request.user  # the workflow panel offers only the moves this user may make
        return role

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """A revert saves the role like an edit (save_model) but skips save_related: a published
        role reverted to an earlier save must go back to draft like any other edit."""
        response = super().history_form_view(request, object_id, version_id, extra_context)
        if request.method == "POST" and response.status_code == 302:
            workflow.after_edit(object_id, request.user)
        return response

    def get_urls(self):
        urls = [
            path(
                "<path:object_id>/workflow/<slug:action>/",
                self.admin_site.admin_view(self.workflow_view),
                name="roles_role_workflow",
            )
        ]
        return urls + super().get_urls()

    def workflow_view(self, request, object_id, action):
        """Confirm one move with a comment (and, to publish, the effective date), then make it."""
        role = self.get_object(request, object_id)
        if role is None or action not in WORKFLOW_ACTIONS:
            raise http.Http404
        label, _allowed_from, may = WORKFLOW_ACTIONS[action]
        if not may(request.user):
            raise PermissionDenied
        form = TransitionForm(
            request.POST or None, comment_required=action == "submit", ask_effective_date=action == "publish"
        )
        if request.method == "POST" and form.is_valid():
            comment = form.cleaned_data["comment"]
            try:
                if action == "publish":
                    version = workflow.publish(role.pk, request.user, form.cleaned_data["effective_date"], comment)
                    message = _("Version %(n)d is published.") % {"n": version.number}
                    if version.is_scheduled:
                        message = scheduled_text(version)
                elif action == "submit":
                    version = workflow.submit_for_review(role.pk, request.user, comment)
                    message = _("Version %(n)d is waiting for approval.") % {"n": version.number}
                else:
                    {"archive": workflow.archive, "draft": workflow.back_to_draft}[action](
                        role.pk, request.user, comment
                    )
                    message = _("The role is now %(status)s.") % {
                        "status": Role.objects.get(pk=role.pk).get_status_display()
                    }
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(request, message, messages.SUCCESS)
                return http.HttpResponseRedirect(reverse("admin:roles_role_change", args=[role.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": role,
            "title": f"{label}: {role}",
            "action_label": label,
            "form": form,
        }
        return TemplateResponse(request, "admin/roles/role/workflow.html", context)

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

    def changelist_view(self, request, extra_context=None):
        """The tree, with the day a drag-and-drop move takes effect (default today)."""
        extra_context = {
            "today": dated.today(),
            "can_move": self.has_change_permission(request),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    def _move_node(self, request):
        """Drag-and-drop handler of DraggableMPTTAdmin, routed through the tree service, effective on
        the day the page's date field sends (today when none is sent)."""
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
        day = dated.today()
        if request.POST.get("effective_date"):
            day = dated.parse_day(request.POST["effective_date"])
            if day is None:
                self.message_user(request, _("Enter the effective date as YYYY-MM-DD."), messages.ERROR)
                return http.HttpResponse("FAIL, invalid effective date.")
        try:
            moved = services.move_role(
                role.pk, target.pk, request.POST.get("position"), effective_date=day, user=request.user
            )
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return http.HttpResponse("FAIL, invalid move.")
        self.log_change(request, moved, [{"changed": {"fields": ["parent"]}}])
        if day > dated.today():
            self.message_user(request, _("%(role)s will move on %(day)s.") % {"role": moved, "day": day.isoformat()})
        else:
            self.message_user(request, _("%(role)s has been moved.") % {"role": moved})
        return http.HttpResponse("OK, moved.")


class TierInline(admin.TabularInline):
    model = PerformanceTier
    formset = TierFormSet
    extra = 1


@admin.register(PayScheme)
class PaySchemeAdmin(HistoryAdmin):
    list_display = ("name", "formula", "attendance_bonus_rate", "has_commission", "warning_enabled")
    inlines = [TierInline]
    search_fields = ("name", "formula")

    def get_changeform_initial_data(self, request):
        """A new scheme starts from the shop's pay policy (Shop settings → pay policy defaults); the URL may preset more."""
        return {**PayScheme.policy_defaults(), **super().get_changeform_initial_data(request)}


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "parent", "order", "color")
    list_select_related = ("parent",)
    list_editable = ("order",)


@admin.register(Grade)
class GradeAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "level", "pay_grade_range")
    fields = ("code", "name", "level", ("min_pay_grade", "max_pay_grade"), "description")

    @admin.display(description=gettext_lazy("pay grades"))
    def pay_grade_range(self, obj):
        return obj.pay_grade_range_text() or "—"


@admin.register(JobFamily)
class JobFamilyAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "order", "color")
    list_editable = ("order",)


class PayReadersOnly:
    """An admin for readers who may see pay only (roles.permissions.can_see_pay), on top of the
    model's permissions: its pages show pay bands."""

    def has_view_permission(self, request, obj=None):
        return permissions.can_see_pay(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return permissions.can_see_pay(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return permissions.can_see_pay(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return permissions.can_see_pay(request.user) and super().has_delete_permission(request, obj)


def figures_table(figures):
    """The band figures of one pay grade with their formulas (bands.FORMULAS), as an HTML table."""
    values = (figures.range_spread, figures.midpoint_differential, figures.overlap)
    rows = format_html_join(
        "",
        "<tr><th scope='row'>{}</th><td class='num'>{}</td><td>{}</td></tr>",
        (
            (label, bands.percent_text(value), formula)
            for (label, formula), value in zip(bands.FORMULAS, values, strict=True)
        ),
    )
    return format_html(
        '<table class="band-figures"><tbody>{}</tbody></table><p class="help">{}</p>', rows, bands.ROUNDING_NOTE
    )


@admin.register(PayGrade)
class PayGradeAdmin(PayReadersOnly, admin.ModelAdmin):
    list_display = (
        "number",
        "name",
        "band_min",
        "band_mid",
        "band_max",
        "range_spread",
        "midpoint_differential",
        "overlap",
    )
    list_display_links = ("number", "name")
    fields = ("number", "name", ("band_min", "band_mid", "band_max"), "band_figures", "description")
    readonly_fields = ("band_figures",)

    def get_queryset(self, request):
        return super().get_queryset(request).with_next_band()

    @admin.display(description=gettext_lazy("range spread"))
    def range_spread(self, obj):
        return bands.percent_text(obj.figures().range_spread)

    @admin.display(description=gettext_lazy("midpoint differential"))
    def midpoint_differential(self, obj):
        return bands.percent_text(obj.figures().midpoint_differential)

    @admin.display(description=gettext_lazy("overlap"))
    def overlap(self, obj):
        return bands.percent_text(obj.figures().overlap)

    @admin.display(description=gettext_lazy("band figures"))
    def band_figures(self, obj):
        if obj is None or obj.pk is None:
            return _("Shown once the pay grade is saved.")
        return figures_table(obj.figures())

    def changelist_view(self, request, extra_context=None):
        """The list, with the formulas of its figures below the title."""
        formulas = [f"{label} = {formula}" for label, formula in bands.FORMULAS]
        extra_context = {"subtitle": " · ".join([*formulas, str(bands.ROUNDING_NOTE)]), **(extra_context or {})}
        return super().changelist_view(request, extra_context)


@admin.register(Shift)
class ShiftAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "order")
