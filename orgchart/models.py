"""People in roles: who fills which seat, so the chart can show vacancies; headcount plans (编制方案) that
control placements; reorganisation plans; and handbook exports."""

from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from roles import dated
from roles.models import Department, Role, Shift

from . import headcount


class EmployeeQuerySet(models.QuerySet):
    """The counting rule (口径) of orgchart/headcount.py in SQL, for counts over many people.

    headcount.py states the rule once, for one person and a day; these filters are its SQL form
    (tests/orgchart/test_headcount.py proves the two agree on every combination of dates).
    """

    def in_post(self, day=None):
        """People in post at the end of `day` (default today): started on or before it, not left before it."""
        day = day or dated.today()
        return self.filter(Q(start_date__isnull=True) | Q(start_date__lte=day)).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=day)
        )

    def pre_hire(self, day=None):
        """预增 on `day`: recorded on or before it, starting after it (and not withdrawn before it)."""
        day = day or dated.today()
        return self.filter(recorded_on__lte=day, start_date__gt=day).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=day)
        )

    def pre_leave(self, day=None):
        """预减 on `day`: in post with a recorded last day (the seat is released after that day)."""
        return self.in_post(day).filter(end_date__isnull=False)

    def occupying(self, day, occupy_from):
        """People holding a seat on `day` under a plan's `occupy_from`: in post, and 预增 when the plan
        counts a hire from the day it is recorded (HeadcountPlan.OccupyFrom)."""
        seated = self.in_post(day)
        if occupy_from == HeadcountPlan.OccupyFrom.RECORDED:
            seated = seated | self.pre_hire(day)
        return seated


class Employee(models.Model):
    name = models.CharField(_("name"), max_length=50)
    employee_number = models.CharField(_("employee number"), max_length=30, unique=True)
    role = models.ForeignKey(Role, verbose_name=_("role"), on_delete=models.PROTECT, related_name="employees")
    shift = models.ForeignKey(Shift, verbose_name=_("shift"), null=True, blank=True, on_delete=models.PROTECT)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(
        _("last day"),
        null=True,
        blank=True,
        help_text=_("The last day in post; the seat becomes vacant the day after. Empty while the person stays."),
    )
    recorded_on = models.DateField(
        _("recorded on"),
        default=dated.today,
        help_text=_("The day the hire was recorded; a plan may count a future hire (预增) from this day."),
    )

    objects = EmployeeQuerySet.as_manager()

    class Meta:
        ordering = ["role__tree_id", "role__lft", "name"]
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        # Every count of the counting rule (headcount.py) reads a role's people by these dates: a count
        # over a department's roles reads the index alone (10 ms → 2 ms for 17,000 people on SQLite).
        indexes = [models.Index(fields=["role", "start_date", "end_date", "recorded_on"], name="employee_seat_dates")]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__isnull=True) | Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="employee_end_not_before_start",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.employee_number})"

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The last day cannot be before the start date.")})

    def in_post_on(self, day=None):
        """Whether this person is in post at the end of `day` (default today)."""
        return headcount.in_post(self.start_date, self.end_date, day or dated.today())


class HandbookExportQuerySet(models.QuerySet):
    def unfinished(self):
        return self.filter(status__in=[HandbookExport.Status.QUEUED, HandbookExport.Status.RUNNING])

    def stopped(self, now):
        """Unfinished exports whose task has died (worker killed, out of memory): running but silent for
        HandbookExport.SILENT_FOR, or queued and picked up by no worker for HandbookExport.QUEUED_FOR."""
        return self.filter(
            Q(status=HandbookExport.Status.RUNNING, updated_at__lt=now - HandbookExport.SILENT_FOR)
            | Q(status=HandbookExport.Status.QUEUED, updated_at__lt=now - HandbookExport.QUEUED_FOR)
        )


class HandbookExport(models.Model):
    """One run of the handbook task: who may read it, how far it has got, and the finished file.

    The background task writes its progress here, so the status page can show it whatever the
    task backend (the immediate backend of the tests keeps no results to look up).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting for the export worker")
        RUNNING = "running", _("being made")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    class Step(models.TextChoices):
        QUEUED = "queued", _("waiting")
        COLLECTING = "collecting", _("reading the roles")
        CHART = "chart", _("drawing the org chart")
        LAYOUT = "layout", _("laying out pages")
        PDF = "pdf", _("writing the PDF")
        DONE = "done", _("done")

    task_id = models.CharField(_("task"), max_length=64, unique=True)
    language = models.CharField(_("language"), max_length=10)
    with_pay = models.BooleanField(_("with pay"), default=False)
    root_slug = models.CharField(_("top role"), max_length=80, blank=True)
    # The day printed (RoleReader.as_of); None: today's catalogue, as on the day the task ran.
    as_of = models.DateField(_("as of"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    step = models.CharField(_("step"), max_length=12, choices=Step.choices, default=Step.QUEUED)
    page = models.PositiveIntegerField(_("page being laid out"), null=True, blank=True)
    roles_count = models.PositiveIntegerField(_("roles"), null=True, blank=True)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    size = models.PositiveBigIntegerField(_("file size"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    # A running task writes its progress every few seconds (pages laid out, parts done): silent this
    # long, it has died. A queued one may wait for a busy worker this long.
    SILENT_FOR = timedelta(seconds=45)
    QUEUED_FOR = timedelta(minutes=10)

    objects = HandbookExportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("handbook export")
        verbose_name_plural = _("handbook exports")

    def __str__(self):
        return f"{self.task_id} ({self.status})"

    @property
    def path(self):
        return Path(settings.EXPORTS_ROOT) / f"handbook-{self.pk}.pdf"

    def partial_files(self):
        """The temporary files an unfinished render is writing (shopconfig.downloads.atomic_write names them)."""
        return self.path.parent.glob(f".{self.path.name}.*.part")

    @property
    def finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)


class Plan(models.Model):
    """A reorganisation plan (调整方案): changes to the organisation of `base_date`, kept apart from the live
    organisation until an approver approves them with an effective date (orgchart/plans.py)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted for approval")
        APPROVED = "approved", _("approved")

    name = models.CharField(_("name"), max_length=100)
    base_date = models.DateField(_("organisation of"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    comment = models.TextField(_("approver's comment"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True)
    effective_date = models.DateField(_("effective date"), null=True)
    # The number the next change of this plan gets: numbers are never reused, so "the role added by change 3"
    # (role id -3) keeps meaning the same role while other changes are removed.
    next_number = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("reorganisation plan")
        verbose_name_plural = _("reorganisation plans")

    def __str__(self):
        return self.name


class PlanChange(models.Model):
    """One change of a plan, in the plan's order (`number`); what it sets is in `value` (orgchart/planning.py).

    Role ids are plain numbers, not keys: a plan outlives the roles it names (approval reports them as
    conflicts), and a role the plan adds is named by minus the number of the change that adds it.
    """

    class Kind(models.TextChoices):
        ADD = "add", _("add a role")
        MOVE = "move", _("move")
        RENAME = "rename", _("rename")
        DEPARTMENT = "department", _("change department")
        GRADE = "grade", _("change grade")
        HEADCOUNT = "headcount", _("change headcount")
        MERGE = "merge", _("merge into another role")
        ARCHIVE = "archive", _("archive")

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="changes")
    number = models.PositiveIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    role_id = models.IntegerField(_("role"), null=True)
    role_title = models.CharField(_("title of the role"), max_length=100, blank=True)  # names it once it is gone
    value = models.JSONField(_("value"), default=dict)
    before = models.JSONField(_("before"), default=dict)

    class Meta:
        ordering = ["plan", "number"]
        verbose_name = _("plan change")
        verbose_name_plural = _("plan changes")
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plan_change_number")]

    def __str__(self):
        return f"{self.plan_id} #{self.number} {self.kind}"


# ----------------------------------------------------------------------------- headcount plans (编制方案)


def validate_ratio_percent(value):
    """A ratio plan's percentage: more than 0, at most 1000."""
    if value is not None and not headcount.MIN_PERCENT < value <= headcount.MAX_PERCENT:
        raise ValidationError(
            _("Enter a percentage above 0 and at most 1000."), code="ratio_percent_range", params={"value": value}
        )


class ControlMode(models.TextChoices):
    """What a placement over the plan does (headcount.control)."""

    NONE = headcount.NONE, pgettext_lazy("headcount control", "no control")
    WARN = headcount.WARN, pgettext_lazy("headcount control", "warn")
    DENY = headcount.DENY, pgettext_lazy("headcount control", "deny")
    RATIO = headcount.RATIO, pgettext_lazy("headcount control", "by ratio")


RATIO_PERCENT = {"max_digits": 6, "decimal_places": 2}
RATIO_PERCENT_RANGE = Q(ratio_percent__gt=headcount.MIN_PERCENT) & Q(ratio_percent__lte=headcount.MAX_PERCENT)


class HeadcountPlanQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=HeadcountPlan.Status.ACTIVE)

    def covering(self, day):
        """The active plan covering `day` (at most one: HeadcountPlan.clean), or None."""
        return self.active().filter(start_date__lte=day, end_date__gte=day).first()


class HeadcountPlan(models.Model):
    """A headcount plan (编制方案): planned seats per role and department caps for a period, and what a
    placement over them does. At most one active plan covers a day; orgchart/headcount.py has the
    counting rule (口径), orgchart/placement.py the control."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("headcount plan", "draft")
        ACTIVE = "active", pgettext_lazy("headcount plan", "active")
        CLOSED = "closed", pgettext_lazy("headcount plan", "closed")

    class OccupyFrom(models.TextChoices):
        RECORDED = headcount.RECORDED, _("the day the hire is recorded")
        START_DATE = headcount.START_DATE, _("the start date")

    ControlMode = ControlMode

    name = models.CharField(_("name"), max_length=100)
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    control_mode = models.CharField(
        _("control"),
        max_length=10,
        choices=ControlMode.choices,
        default=ControlMode.WARN,
        help_text=_("What a placement over the plan does; a line may say otherwise."),
    )
    ratio_percent = models.DecimalField(
        _("allowed percentage"),
        **RATIO_PERCENT,
        default=100,
        validators=[validate_ratio_percent],
        help_text=_("By ratio: the allowed number is the planned number × this percentage, rounded down."),
    )
    occupy_from = models.CharField(
        _("a hire takes a seat from"), max_length=10, choices=OccupyFrom.choices, default=OccupyFrom.RECORDED
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = HeadcountPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("headcount plan")
        verbose_name_plural = _("headcount plans")
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="headcount_plan_period_ordered"),
            models.CheckConstraint(condition=RATIO_PERCENT_RANGE, name="headcount_plan_ratio_range"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The last day cannot be before the first day.")}, code="period")
        overlap = self.overlapping_active_plan()
        if overlap is not None:
            raise ValidationError(
                {
                    "start_date": _(
                        "The period overlaps the active plan “%(plan)s” (%(start)s – %(end)s): at most one "
                        "active plan may cover a day."
                    )
                    % {"plan": overlap.name, "start": overlap.start_date, "end": overlap.end_date}
                },
                code="overlap",
            )

    def overlapping_active_plan(self):
        """Another active plan whose period shares a day with this one's, when this one is active; else None."""
        if self.status != self.Status.ACTIVE or not (self.start_date and self.end_date):
            return None
        others = HeadcountPlan.objects.active().exclude(pk=self.pk)
        return others.filter(start_date__lte=self.end_date, end_date__gte=self.start_date).first()

    def covers(self, day):
        return self.start_date <= day <= self.end_date


class HeadcountLine(models.Model):
    """Planned seats for one role, or a cap for one department (its sub-departments and every role in
    them); the control mode and percentage, when given, override the plan's for this line."""

    plan = models.ForeignKey(HeadcountPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="lines")
    role = models.ForeignKey(
        Role, verbose_name=_("role"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("A cap for the whole department: its teams and every role in them."),
    )
    seats = models.PositiveIntegerField(_("planned seats"), validators=[MaxValueValidator(headcount.MAX_SEATS)])
    control_mode = models.CharField(
        _("control"), max_length=10, choices=ControlMode.choices, blank=True, help_text=_("Empty: the plan's.")
    )
    ratio_percent = models.DecimalField(
        _("allowed percentage"),
        **RATIO_PERCENT,
        null=True,
        blank=True,
        validators=[validate_ratio_percent],
        help_text=_("Empty: the plan's."),
    )

    class Meta:
        ordering = ["plan", "department__order", "role__tree_id", "role__lft", "id"]
        verbose_name = _("headcount plan line")
        verbose_name_plural = _("headcount plan lines")
        constraints = [
            models.CheckConstraint(
                condition=Q(role__isnull=False, department__isnull=True)
                | Q(role__isnull=True, department__isnull=False),
                name="headcount_line_role_or_department",
            ),
            models.CheckConstraint(
                condition=Q(ratio_percent__isnull=True) | RATIO_PERCENT_RANGE, name="headcount_line_ratio_range"
            ),
            models.UniqueConstraint(
                fields=["plan", "role"], condition=Q(role__isnull=False), name="headcount_line_one_per_role"
            ),
            models.UniqueConstraint(
                fields=["plan", "department"],
                condition=Q(department__isnull=False),
                name="headcount_line_one_per_department",
            ),
        ]

    def __str__(self):
        return str(self.role or self.department)

    def clean(self):
        if (self.role_id is None) == (self.department_id is None):
            raise ValidationError({"role": _("Give either a role or a department, not both.")}, code="role_xor")
        others = HeadcountLine.objects.filter(plan_id=self.plan_id).exclude(pk=self.pk)
        if self.role_id is not None and others.filter(role_id=self.role_id).exists():
            raise ValidationError({"role": _("The plan already has a line for this role.")}, code="unique")
        if self.department_id is not None and others.filter(department_id=self.department_id).exists():
            raise ValidationError({"department": _("The plan already has a line for this department.")}, code="unique")

    def rule(self, plan=None):
        """The line as headcount.Line: its seats with the mode and percentage in force (the plan's unless
        the line overrides them)."""
        plan = plan or self.plan
        return headcount.Line(
            id=self.pk,
            role=self.role_id,
            department=self.department_id,
            seats=self.seats,
            mode=self.control_mode or plan.control_mode,
            percent=plan.ratio_percent if self.ratio_percent is None else self.ratio_percent,
        )


class OverPlanPlacement(models.Model):
    """A placement saved over the plan under 'warn' (提醒): who was placed where, by whom and when, and
    the numbers at the time; the plan's report lists them."""

    class Action(models.TextChoices):
        ADD = "add", _("added")
        MOVE = "move", _("moved (调动)")
        START_DATE = "start_date", _("start date changed")
        REOPEN = "reopen", _("reopened")

    plan = models.ForeignKey(
        HeadcountPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="over_plan_placements"
    )
    line = models.ForeignKey(
        HeadcountLine, verbose_name=_("plan line"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    line_name = models.CharField(_("plan line"), max_length=100)  # names it once the line is gone
    employee = models.ForeignKey(
        Employee, verbose_name=_("employee"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    employee_name = models.CharField(_("name"), max_length=50)
    employee_number = models.CharField(_("employee number"), max_length=30)
    role = models.ForeignKey(Role, verbose_name=_("role"), null=True, on_delete=models.SET_NULL, related_name="+")
    role_title = models.CharField(_("role"), max_length=100)
    action = models.CharField(_("change"), max_length=12, choices=Action.choices)
    day = models.DateField(_("counted on"))
    planned = models.PositiveIntegerField(_("planned"))
    allowed = models.PositiveIntegerField(_("allowed"))
    occupied = models.PositiveIntegerField(_("occupied with this placement"))
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("placed by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    placed_at = models.DateTimeField(_("placed at"), auto_now_add=True)

    class Meta:
        ordering = ["-placed_at", "-id"]
        verbose_name = _("placement over plan")
        verbose_name_plural = _("placements over plan")

    def __str__(self):
        return f"{self.employee_name} → {self.role_title}"
