"""The role catalogue: departments, grades, shifts, pay schemes and the role tree."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from mptt.managers import TreeManager
from mptt.models import MPTTModel, TreeForeignKey
from mptt.querysets import TreeQuerySet
from simple_history import register

from shopconfig.models import PayPolicy

from . import bands, career_paths, rules

NON_NEGATIVE = [MinValueValidator(0)]


def money_field(verbose_name, **kwargs):
    """A non-negative yuan amount (Decimal, two places), optional by default."""
    kwargs.setdefault("null", True)
    kwargs.setdefault("blank", True)
    return models.DecimalField(verbose_name, max_digits=10, decimal_places=2, validators=NON_NEGATIVE, **kwargs)


# Role fields a version stores as they are (text) or as exact decimal text; see Role.snapshot().
SNAPSHOT_TEXT_FIELDS = (
    "title", "slug", "code", "summary", "benefits", "work_location", "authority", "internal_relations",
    "external_relations", "working_conditions", "review_cycle", "career_path", "source",
)  # fmt: skip
SNAPSHOT_DECIMAL_FIELDS = ("pay_min", "pay_max", "base_salary", "performance_bonus_amount", "commission_rate")
# The standard 岗位说明书 template's optional fields, in print order (Role.standard_fields()).
STANDARD_FIELDS = (
    "authority", "internal_relations", "external_relations", "working_conditions", "review_cycle", "career_path",
)  # fmt: skip
# Pay: the reference range and benefits (which the shop may publish for recruiting), then what only
# pay readers see. The API, the exports and the version history hide these by the same lists.
PAY_RANGE_FIELDS = ("pay_min", "pay_max", "benefits")
PAY_FIELDS = (*PAY_RANGE_FIELDS, "pay_scheme", "base_salary", "performance_bonus_amount", "commission_rate")
REQUIREMENT_FIELDS = (
    "experience_years", "experience_text", "education_level", "education_text", "majors", "physical", "other",
)  # fmt: skip


def _text(value):
    """A Decimal as exact text for JSON; None stays None."""
    return None if value is None else str(value)


def _decimal(text):
    from decimal import Decimal

    return None if text in (None, "") else Decimal(text)


def _requirement_data(requirement):
    data = {name: getattr(requirement, name) for name in REQUIREMENT_FIELDS}
    data["experience_years"] = _text(requirement.experience_years)
    return data


class Department(models.Model):
    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="teams",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    color = models.CharField(_("colour"), max_length=7, blank=True, help_text=_("Chart colour, e.g. #4e79a7."))
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self):
        return self.name

    def clean(self):
        node, seen = self.parent, set()
        while node is not None:
            if node.pk == self.pk or node.pk in seen:
                raise ValidationError(
                    {"parent": _("A department cannot be placed under itself or one of its own teams.")}
                )
            seen.add(node.pk)
            node = node.parent


class JobFamily(models.Model):
    """A job family (序列) such as 客服 or 推广: the column a role stands in on the job-architecture matrix."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    color = models.CharField(
        _("colour"),
        max_length=7,
        blank=True,
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}\Z", _("Enter a colour as # and six hex digits, e.g. #4e79a7."))],
        help_text=_("Matrix colour, e.g. #4e79a7."),
    )

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("job family")
        verbose_name_plural = _("job families")

    def __str__(self):
        return self.name


class PayGradeQuerySet(models.QuerySet):
    def with_next_band(self):
        """Each pay grade with the band of the next higher number (next_band_min/mid/max, None for
        the highest), so that figures() costs no query per row."""
        higher = PayGrade.objects.filter(number__gt=OuterRef("number")).order_by("number")
        return self.annotate(
            next_band_min=Subquery(higher.values("band_min")[:1]),
            next_band_mid=Subquery(higher.values("band_mid")[:1]),
            next_band_max=Subquery(higher.values("band_max")[:1]),
        )


class PayGrade(models.Model):
    """A pay grade (职等): the grade job evaluation gives a position, fixing its monthly pay band.

    A higher `number` is more senior. The band (yuan per month) is shown only to readers who may
    see pay (roles.reading.Audience.see_pay); its figures (带宽, 级差, 重叠度) are roles.bands'.
    """

    number = models.PositiveSmallIntegerField(
        pgettext_lazy("pay grade", "number"),
        unique=True,
        validators=[MinValueValidator(1)],
        help_text=_("Higher is more senior."),
    )
    name = models.CharField(_("name"), max_length=50)
    band_min = models.DecimalField(_("band minimum"), max_digits=10, decimal_places=2)
    band_mid = models.DecimalField(
        _("band midpoint"),
        max_digits=10,
        decimal_places=2,
        blank=True,
        help_text=_("Leave it empty for the mean of minimum and maximum."),
    )
    band_max = models.DecimalField(_("band maximum"), max_digits=10, decimal_places=2)
    description = models.TextField(_("description"), blank=True)

    objects = PayGradeQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        verbose_name = _("pay grade")
        verbose_name_plural = _("pay grades")
        constraints = [
            models.CheckConstraint(condition=Q(number__gte=1), name="pay_grade_number_positive"),
            models.CheckConstraint(condition=Q(band_min__gt=0), name="pay_grade_band_min_positive"),
            models.CheckConstraint(condition=Q(band_min__lte=F("band_max")), name="pay_grade_band_ordered"),
            models.CheckConstraint(
                condition=Q(band_mid__gte=F("band_min")) & Q(band_mid__lte=F("band_max")),
                name="pay_grade_band_mid_inside",
            ),
        ]

    def __str__(self):
        return f"{self.number} · {self.name}"

    def save(self, *args, **kwargs):
        self.fill_midpoint()
        super().save(*args, **kwargs)

    def fill_midpoint(self):
        """An empty midpoint becomes the mean of minimum and maximum (bands.default_midpoint)."""
        if self.band_mid is None and self.band_min is not None and self.band_max is not None:
            self.band_mid = bands.default_midpoint(self.band_min, self.band_max)

    def clean(self):
        self.fill_midpoint()
        errors = dict(bands.band_problems(self.band_min, self.band_mid, self.band_max))
        if self.pk is not None and self.number is not None and "number" not in errors:
            outside = self.roles_outside_their_grade(self.number)
            if outside:
                errors["number"] = _(
                    "With this number these roles would be outside their grade's range of pay grades: %(roles)s."
                ) % {"roles": "、".join(outside)}
        if errors:
            raise ValidationError(errors)

    def roles_outside_their_grade(self, number):
        """Titles of the roles on this pay grade whose grade's range would not hold `number`."""
        roles = self.roles.filter(grade__min_pay_grade__isnull=False).exclude(
            grade__min_pay_grade__lte=number, grade__max_pay_grade__gte=number
        )
        return list(roles.order_by("tree_id", "lft").values_list("title", flat=True))

    def band(self):
        return bands.Band(self.band_min, self.band_mid, self.band_max)

    def band_text(self):
        """The band as the job description prints it (for pay readers only)."""
        return bands.band_text(self.band())

    def next_band(self):
        """The band of the next higher pay grade (None for the highest): from with_next_band()'s
        annotations when present, else one query."""
        if hasattr(self, "next_band_min"):
            if self.next_band_min is None:
                return None
            return bands.Band(self.next_band_min, self.next_band_mid, self.next_band_max)
        higher = PayGrade.objects.filter(number__gt=self.number).order_by("number").first()
        return None if higher is None else higher.band()

    def figures(self):
        """带宽, 级差 and 重叠度 of this pay grade (bands.Figures)."""
        return bands.figures(self.band(), self.next_band())


class Grade(models.Model):
    """A level (职级) such as 总监 or 专员; a higher `level` is more senior.

    A grade spans a range of pay grades (职等), min_pay_grade to max_pay_grade by number (主管: 5–6):
    a role's pay grade must lie in its grade's range. A grade without a range accepts any.
    """

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    level = models.PositiveSmallIntegerField(
        _("level"), unique=True, help_text=_("Higher is more senior, e.g. 总监 60 > 主管 40.")
    )
    min_pay_grade = models.PositiveSmallIntegerField(
        _("lowest pay grade"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("The lowest pay grade number a role of this grade may have; empty: no range."),
    )
    max_pay_grade = models.PositiveSmallIntegerField(
        _("highest pay grade"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("The highest pay grade number a role of this grade may have."),
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["-level"]
        verbose_name = _("grade")
        verbose_name_plural = _("grades")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_pay_grade__isnull=True, max_pay_grade__isnull=True)
                | Q(
                    min_pay_grade__isnull=False,
                    max_pay_grade__isnull=False,
                    min_pay_grade__gte=1,
                    max_pay_grade__gte=F("min_pay_grade"),
                ),
                name="grade_pay_grade_range",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def has_pay_grade_range(self):
        return self.min_pay_grade is not None and self.max_pay_grade is not None

    def allows_pay_grade(self, number):
        """Whether a role of this grade may have the pay grade with this number (any without a range)."""
        return not self.has_pay_grade_range or self.min_pay_grade <= number <= self.max_pay_grade

    def pay_grade_range_text(self):
        """The range as people write it: "5–6", "5"; "" without one."""
        if not self.has_pay_grade_range:
            return ""
        if self.min_pay_grade == self.max_pay_grade:
            return str(self.min_pay_grade)
        return f"{self.min_pay_grade}–{self.max_pay_grade}"

    def clean(self):
        low, high = self.min_pay_grade, self.max_pay_grade
        if (low is None) != (high is None):
            missing = "max_pay_grade" if high is None else "min_pay_grade"
            raise ValidationError({missing: _("Give both ends of the range of pay grades, or neither.")})
        if low is not None and low > high:
            raise ValidationError({"max_pay_grade": _("The highest pay grade must not be below the lowest.")})
        if self.pk is not None and low is not None:
            outside = self.roles.filter(pay_grade__isnull=False).exclude(
                pay_grade__number__gte=low, pay_grade__number__lte=high
            )
            titles = list(outside.order_by("tree_id", "lft").values_list("title", flat=True))
            if titles:
                raise ValidationError(
                    {
                        "min_pay_grade": _(
                            "These roles of this grade have a pay grade outside the range: %(roles)s. "
                            "Change their pay grade first."
                        )
                        % {"roles": "、".join(titles)}
                    }
                )


class Shift(models.Model):
    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=20, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")

    def __str__(self):
        return self.name


class PayScheme(models.Model):
    """A salary rule (薪资标准) several roles can share; the amounts live on each role."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    formula = models.CharField(
        _("formula"),
        max_length=200,
        blank=True,
        help_text=_("As printed on the job description, e.g. 实际收入=基本工资+全勤奖金+绩效奖金+提成."),
    )
    description = models.TextField(_("description"), blank=True)
    attendance_bonus_rate = models.DecimalField(
        _("full-attendance bonus rate"),
        max_digits=4,
        decimal_places=3,
        default=rules.DEFAULT_ATTENDANCE_BONUS_RATE,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("Share of base pay, e.g. 0.10 for 10 %."),
    )
    attendance_incident_limit = models.PositiveSmallIntegerField(
        _("late arrivals, early departures and leaves that cancel the full-attendance bonus"),
        default=3,
        help_text=_("The bonus is cancelled when their total in a month reaches this number."),
    )
    absence_days_limit = models.DecimalField(
        _("days of absence without leave that cancel the full-attendance bonus"),
        max_digits=4,
        decimal_places=1,
        default=1,
        validators=NON_NEGATIVE,
    )
    has_commission = models.BooleanField(_("pays commission"), default=False)
    default_commission_rate = models.DecimalField(
        _("default commission rate"),
        max_digits=6,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("Share of sales, e.g. 0.0200 for 2 %."),
    )
    has_special_bonus = models.BooleanField(_("pays special bonuses"), default=False)
    warning_enabled = models.BooleanField(_("dismissal warning applies"), default=True)
    warning_consecutive_months = models.PositiveSmallIntegerField(
        _("consecutive months that trigger a dismissal warning"), default=3, validators=[MinValueValidator(1)]
    )
    warning_score = models.DecimalField(
        _("warning score"),
        max_digits=5,
        decimal_places=2,
        default=60,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("A month scored below this counts towards the dismissal warning."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("pay scheme")
        verbose_name_plural = _("pay schemes")

    def __str__(self):
        return self.name

    # What a new scheme takes from the shop's pay policy (shopconfig.PayPolicy): the fields both have.
    POLICY_FIELDS = (
        "attendance_bonus_rate",
        "attendance_incident_limit",
        "absence_days_limit",
        "warning_consecutive_months",
        "warning_score",
    )

    @classmethod
    def policy_defaults(cls):
        """The values a new pay scheme starts from: the pay policy's (its field defaults while none is saved).

        The one place of that rule: the admin's add form uses it as initial values, the API's create
        through PaySchemeSerializer.create. Existing schemes keep their own values when the policy changes.
        """
        policy = PayPolicy.objects.filter(pk=1).first() or PayPolicy()
        return {name: getattr(policy, name) for name in cls.POLICY_FIELDS}

    def rules(self, role=None):
        """This scheme as the pay engine's PayRules; a role's own commission rate overrides the default.

        Reads the tiers through `self.tiers.all()`, so a prefetch of `tiers` costs no query.
        Decimal() because an unsaved scheme's defaults are still ints.
        """
        from decimal import Decimal

        from .paycalc import PayRules, Tier

        commission_rate = self.default_commission_rate
        if role is not None and role.commission_rate is not None:
            commission_rate = role.commission_rate
        return PayRules(
            attendance_bonus_rate=Decimal(self.attendance_bonus_rate),  # an unsaved default may still be an int
            attendance_incident_limit=self.attendance_incident_limit,
            absence_days_limit=Decimal(self.absence_days_limit),  # an unsaved default may still be an int
            tiers=tuple(Tier(t.min_score, t.max_score, t.rate) for t in self.tiers.all()),
            has_commission=self.has_commission,
            commission_rate=commission_rate,
            has_special_bonus=self.has_special_bonus,
            warning_enabled=self.warning_enabled,
            warning_consecutive_months=self.warning_consecutive_months,
            warning_score=Decimal(self.warning_score),  # an unsaved default may still be an int
        )


class PerformanceTier(models.Model):
    """Share of the performance bonus paid for scores in [min_score, max_score)."""

    scheme = models.ForeignKey(PayScheme, verbose_name=_("pay scheme"), on_delete=models.CASCADE, related_name="tiers")
    min_score = models.DecimalField(
        _("from score (inclusive)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    max_score = models.DecimalField(
        _("below score (exclusive)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Empty means no upper limit."),
    )
    rate = models.DecimalField(
        _("share of the bonus"), max_digits=4, decimal_places=3, validators=[MinValueValidator(0), MaxValueValidator(1)]
    )

    class Meta:
        ordering = ["-min_score"]
        verbose_name = _("performance tier")
        verbose_name_plural = _("performance tiers")
        constraints = [
            models.CheckConstraint(
                condition=Q(max_score__isnull=True) | Q(min_score__lt=F("max_score")), name="tier_min_below_max"
            ),
        ]

    def __str__(self):
        upper = "" if self.max_score is None else f"{self.max_score}"
        return f"[{self.min_score}, {upper}) → {self.rate}"

    def clean(self):
        if self.max_score is not None and self.min_score is not None and self.min_score >= self.max_score:
            raise ValidationError({"max_score": _("The upper score must be above the lower score.")})


def sendable(text):
    """Whether a search or filter text can be sent to the database: no stored text holds a NUL
    character, and PostgreSQL refuses one in a query, so such a filter simply matches nothing."""
    return "\x00" not in text


def live_version_shown_q():
    """Roles a reader who may not see drafts reads in their live version: being edited, reviewed or
    approved for a later day while an approved version stays live (the filter form of
    Role.shows_live_version)."""
    return Q(status__in=Role.LIVE_VERSION_STATUSES, live_version__isnull=False)


def public_q():
    """Roles the public may read: published ones, and those read in their live version.
    Archived roles never (the filter form of Role.is_public)."""
    return Q(status=Role.Status.PUBLISHED) | live_version_shown_q()


class RoleQuerySet(TreeQuerySet):
    def published(self):
        """Roles the public may read (see public_q)."""
        return self.filter(public_q())

    def in_department(self, code):
        """Roles of the department with this code or of one of its teams; all roles for an empty code."""
        if not code:
            return self
        if not sendable(code):
            return self.none()
        return self.filter(Q(department__code=code) | Q(department__parent__code=code))

    def of_grade(self, code):
        """Roles of the grade with this code; all roles for an empty code."""
        if not code:
            return self
        return self.filter(grade__code=code) if sendable(code) else self.none()

    def with_snapshot_relations(self):
        """Everything Role.snapshot() reads, in a fixed number of queries."""
        return self.select_related(
            "department",
            "department__parent",
            "grade",
            "job_family",
            "pay_grade",
            "parent",
            "pay_scheme",
            "requirement",
        ).prefetch_related("duties", "skills", "kpis", "shifts", "dotted_line_superiors")


RoleManager = TreeManager.from_queryset(RoleQuerySet)


class Role(MPTTModel):
    """One position (岗位) in the org chart; `parent` is the solid-line superior."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        IN_REVIEW = "in_review", _("in review")
        PUBLISHED = "published", _("published")
        # Approved with a later effective date: the working copy is that version; until its day
        # the public reads the previous live version, if any (roles.dated.bring_versions_in_force).
        SCHEDULED = "scheduled", _("scheduled")
        ARCHIVED = "archived", _("archived")

    # Statuses in which readers who may not see drafts read the live version instead of the working copy.
    LIVE_VERSION_STATUSES = (Status.DRAFT, Status.IN_REVIEW, Status.SCHEDULED)

    title = models.CharField(_("title"), max_length=100)
    # Blank only until saved: services.save_role gives a new role without one the pinyin of its title
    # (roles/slugs.py); clean() refuses to empty an existing role's address.
    slug = models.SlugField(
        _("slug"),
        max_length=80,
        unique=True,
        blank=True,
        help_text=_(
            "Used in web addresses, e.g. shuju-fenxi-zhuanyuan. Leave it empty on a new role to make it from "
            "the title's pinyin; once saved it stays, so that links keep working."
        ),
    )
    code = models.CharField(
        _("role number"), max_length=30, blank=True, help_text=_("Number printed on the job description, e.g. EC-003.")
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="roles"
    )
    grade = models.ForeignKey(Grade, verbose_name=_("grade"), on_delete=models.PROTECT, related_name="roles")
    # Where the role stands in the job architecture: its family (序列) and pay grade (职等, which
    # fixes its pay band and lies in its grade's range). Empty until HR places the role (a role
    # imported or added by a reorganisation plan starts unplaced).
    job_family = models.ForeignKey(
        JobFamily,
        verbose_name=_("job family"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="roles",
    )
    pay_grade = models.ForeignKey(
        PayGrade,
        verbose_name=_("pay grade"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="roles",
        help_text=_("Within the range of pay grades of the role's grade."),
    )
    parent = TreeForeignKey(
        "self",
        verbose_name=_("superior"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    dotted_line_superiors = models.ManyToManyField(
        "self",
        verbose_name=_("dotted-line superiors"),
        symmetrical=False,
        blank=True,
        related_name="dotted_line_reports",
        help_text=_("Matrix reporting only; the chain of command is the superior above."),
    )
    # Career paths (晋升通道): the roles this one leads to. Part of the job architecture, like the
    # role's family and pay grade, not of a job description's versions: every reader sees today's.
    leads_to = models.ManyToManyField(
        "self",
        verbose_name=_("leads to"),
        symmetrical=False,
        blank=True,
        related_name="led_from",
        help_text=_("Career path (晋升通道): the roles a person in this role may be promoted to."),
    )
    summary = models.TextField(_("main responsibility"), blank=True)
    headcount = models.PositiveIntegerField(_("headcount"), default=1)
    shifts = models.ManyToManyField(Shift, verbose_name=_("shifts"), blank=True, related_name="roles")
    pay_min = money_field(_("reference pay from"))
    pay_max = money_field(_("reference pay to"))
    benefits = models.TextField(_("pay and benefits"), blank=True, help_text=_("e.g. 基本工资+提成,可免费提供住宿."))
    pay_scheme = models.ForeignKey(
        PayScheme, verbose_name=_("pay scheme"), null=True, blank=True, on_delete=models.PROTECT, related_name="roles"
    )
    base_salary = money_field(_("base salary"))
    performance_bonus_amount = money_field(_("full performance bonus"))
    commission_rate = models.DecimalField(
        _("commission rate"),
        max_digits=6,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("Empty means the pay scheme's default."),
    )
    work_location = models.CharField(_("work location"), max_length=100, blank=True)
    authority = models.TextField(_("authority"), blank=True, help_text=_("Approval, finance and personnel authority."))
    internal_relations = models.TextField(_("internal contacts"), blank=True)
    external_relations = models.TextField(_("external contacts"), blank=True)
    working_conditions = models.TextField(_("working conditions"), blank=True)
    review_cycle = models.CharField(_("review cycle"), max_length=50, blank=True)
    career_path = models.TextField(_("career path"), blank=True)
    prepared_on = models.DateField(_("prepared on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    source = models.TextField(_("source"), blank=True, help_text=_("Where this description came from."))
    live_version = models.ForeignKey(
        "RoleVersion",
        verbose_name=_("live version"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The approved version the public reads while the working copy is edited or reviewed."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = RoleManager()

    class MPTTMeta:
        order_insertion_by = []

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        permissions = [("publish_role", _("Can approve and publish job descriptions"))]
        # Every list and tree read orders by (tree_id, lft): the index serves the order without a sort.
        indexes = [models.Index(fields=["tree_id", "lft"], name="role_tree_order")]
        constraints = [
            models.CheckConstraint(
                condition=Q(pay_min__isnull=True) | Q(pay_max__isnull=True) | Q(pay_min__lte=F("pay_max")),
                name="role_pay_range_ordered",
            ),
            models.UniqueConstraint(fields=["code"], condition=~Q(code=""), name="role_code_unique"),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        if self.parent_id and self.pk:
            if self.parent_id == self.pk or self.parent_id in self.descendant_ids():
                errors["parent"] = _("A role cannot report to itself or to one of its own subordinates.")
        if rules.range_is_inverted(self.pay_min, self.pay_max):
            errors["pay_max"] = _("The maximum must not be below the minimum.")
        problem = self.pay_grade_problem()
        if problem:
            errors["pay_grade"] = problem
        if self.pk and not self.slug:
            errors["slug"] = _("A saved role keeps its web address: links and bookmarks point to it.")
        if errors:
            raise ValidationError(errors)

    def pay_grade_problem(self, grade=None):
        """Why the role's pay grade does not fit `grade` (default its own), or None when it does."""
        grade = grade if grade is not None else (self.grade if self.grade_id else None)
        if self.pay_grade_id is None or grade is None or grade.allows_pay_grade(self.pay_grade.number):
            return None
        return _("Pay grade %(number)s is outside the range of the grade “%(grade)s” (pay grades %(range)s).") % {
            "number": self.pay_grade.number,
            "grade": grade.name,
            "range": grade.pay_grade_range_text(),
        }

    def career_path_problem(self, targets):
        """Why this role may not lead to the roles `targets` (a loop back to it, named role by role),
        or None. A role not saved yet has no path leading back to it."""
        if self.pk is None:
            return None
        pairs = Role.leads_to.through.objects.values_list("from_role_id", "to_role_id")
        loop = career_paths.loop_back(self.pk, [target.pk for target in targets], pairs)
        if loop is None:
            return None
        titles = dict(Role.objects.filter(pk__in=loop).values_list("pk", "title")) | {self.pk: self.title}
        return _("A career path must not lead back to the role: %(path)s.") % {
            "path": " → ".join(titles[i] for i in loop)
        }

    def standard_fields(self):
        """The optional 岗位说明书 template fields, as (label, value) pairs in print order."""
        return [(self._meta.get_field(name).verbose_name, getattr(self, name)) for name in STANDARD_FIELDS]

    @staticmethod
    def live_version_shown(status, live_version_id):
        """Whether the public reads a role of this status in its live version instead of the working
        copy: being edited or reviewed while an approved version stays live. For roles read as
        values; live_version_shown_q() is the same test as a filter."""
        return status in Role.LIVE_VERSION_STATUSES and live_version_id is not None

    @property
    def shows_live_version(self):
        return Role.live_version_shown(self.status, self.live_version_id)

    @property
    def is_public(self):
        """Whether the public may read this role (in its live version when the working copy is not published)."""
        return self.status == self.Status.PUBLISHED or self.shows_live_version

    def snapshot(self):
        """The job description as plain JSON data: what a version stores.

        Related rows are read through `.all()`, so `with_snapshot_relations()` makes this free of
        queries. Decimals are kept as text (exact), dates as ISO text; department, grade, shifts
        and the pay scheme by name or code, superiors by slug. The job family (by name) and pay
        grade (by number) only when set: a role not placed yet reads like the versions recorded
        before they existed.
        """
        requirement = getattr(self, "requirement", None)
        data = {name: getattr(self, name) for name in SNAPSHOT_TEXT_FIELDS}
        data.update(
            department=self.department.name,
            # .parent, not .parent_id: a version read back as a role (as_role) has unsaved departments.
            department_parent=self.department.parent.name if self.department.parent is not None else "",
            grade=self.grade.name,
            parent=self.parent.slug if self.parent_id else None,
            dotted_line_superiors=sorted(boss.slug for boss in self.dotted_line_superiors.all()),
            headcount=self.headcount,
            shifts=[shift.name for shift in sorted(self.shifts.all(), key=lambda s: (s.order, s.name))],
            pay_scheme=self.pay_scheme.code if self.pay_scheme_id else None,
            prepared_on=self.prepared_on.isoformat() if self.prepared_on else None,
            requirement=None if requirement is None else _requirement_data(requirement),
            duties=[duty.text for duty in self.duties.all()],
            skills=[skill.text for skill in self.skills.all()],
            kpis=[
                {"name": k.name, "weight": _text(k.weight), "target": k.target, "measurement": k.measurement}
                for k in self.kpis.all()
            ],
        )
        data.update({name: _text(getattr(self, name)) for name in SNAPSHOT_DECIMAL_FIELDS})
        if self.job_family_id:
            data["job_family"] = self.job_family.name
        if self.pay_grade_id:
            data["pay_grade"] = self.pay_grade.number
        return data

    def descendant_ids(self):
        """Ids below this role, read from the database (fresh, not the cached tree fields)."""
        fresh = Role.objects.filter(pk=self.pk).values("tree_id", "lft", "rght").first()
        if fresh is None:
            return set()
        return set(
            Role.objects.filter(tree_id=fresh["tree_id"], lft__gt=fresh["lft"], rght__lt=fresh["rght"]).values_list(
                "pk", flat=True
            )
        )


class Requirement(models.Model):
    """任职要求 of one role."""

    class Education(models.TextChoices):
        NONE = "none", _("no requirement")
        HIGH_SCHOOL = "high_school", _("high school / technical secondary")
        ASSOCIATE = "associate", _("junior college (大专)")
        BACHELOR = "bachelor", _("bachelor's degree")
        MASTER = "master", _("master's degree")
        DOCTOR = "doctor", _("doctorate")

    role = models.OneToOneField(Role, verbose_name=_("role"), on_delete=models.CASCADE, related_name="requirement")
    experience_years = models.DecimalField(
        _("years of experience"), max_digits=4, decimal_places=2, null=True, blank=True, validators=NON_NEGATIVE
    )
    experience_text = models.CharField(_("experience"), max_length=200, blank=True)
    education_level = models.CharField(_("education level"), max_length=20, choices=Education.choices, blank=True)
    education_text = models.CharField(_("education"), max_length=200, blank=True)
    majors = models.CharField(_("majors"), max_length=200, blank=True)
    physical = models.CharField(_("physical requirements"), max_length=200, blank=True)
    other = models.TextField(_("other requirements"), blank=True)

    class Meta:
        verbose_name = _("requirements")
        verbose_name_plural = _("requirements")

    def __str__(self):
        return str(_("requirements"))


class OrderedItem(models.Model):
    """A numbered line of a role card (duty, skill, KPI)."""

    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        abstract = True
        ordering = ["order", "id"]


class Duty(OrderedItem):
    role = models.ForeignKey(Role, verbose_name=_("role"), on_delete=models.CASCADE, related_name="duties")
    text = models.TextField(_("duty"))

    class Meta(OrderedItem.Meta):
        verbose_name = _("duty")
        verbose_name_plural = _("duties")

    def __str__(self):
        return self.text


class Skill(OrderedItem):
    role = models.ForeignKey(Role, verbose_name=_("role"), on_delete=models.CASCADE, related_name="skills")
    text = models.TextField(_("skill"))

    class Meta(OrderedItem.Meta):
        verbose_name = _("skill requirement")
        verbose_name_plural = _("skill requirements")

    def __str__(self):
        return self.text


class KPI(OrderedItem):
    role = models.ForeignKey(Role, verbose_name=_("role"), on_delete=models.CASCADE, related_name="kpis")
    name = models.CharField(_("name"), max_length=200)
    weight = models.DecimalField(
        _("weight (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    target = models.CharField(_("target"), max_length=200, blank=True)
    measurement = models.TextField(_("how measured"), blank=True)

    class Meta(OrderedItem.Meta):
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")

    def __str__(self):
        return self.name


class RoleVersionQuerySet(models.QuerySet):
    def in_force(self, day):
        """Versions approved, not withdrawn and in force by `day`; of one role's, the one with the
        highest number is what it said that day (a later approval supersedes earlier ones from its date)."""
        return self.filter(published_at__isnull=False, withdrawn_at__isnull=True, effective_date__lte=day)

    def latest_in_force(self, day):
        """For each role among these versions, the version in force at the end of `day` (one query)."""
        newest = self.model.objects.in_force(day).filter(role=OuterRef("role")).order_by("-number").values("pk")[:1]
        return self.in_force(day).filter(pk=Subquery(newest))


class RoleVersion(models.Model):
    """One recorded state of a job description: imported, submitted for review, published or restored.

    Versions are never rewritten, except that publishing fills in who approved it, when, and from
    which date it applies, and that a version approved for a later day is marked withdrawn when
    the role is edited, archived or sent back to draft before that day. The snapshot holds the
    content (Role.snapshot()); the role's place in the tree is recorded for reference but is not
    part of what a version restores.
    """

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("submitted for review")
        PUBLISHED = "published", _("published directly")
        RESTORED = "restored", _("restored")
        IMPORTED = "imported", _("imported")

    role = models.ForeignKey(Role, verbose_name=_("role"), on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    snapshot = models.JSONField(_("content"))
    comment = models.TextField(_("comment"), blank=True)
    restored_from = models.ForeignKey(
        "self",
        verbose_name=_("restored from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approval_comment = models.TextField(_("approval comment"), blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    effective_date = models.DateField(_("effective date"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(
        _("withdrawn"),
        null=True,
        blank=True,
        help_text=_("An approval for a later day withdrawn before that day: this version never comes into force."),
    )

    objects = RoleVersionQuerySet.as_manager()

    class Meta:
        ordering = ["role", "-number"]
        verbose_name = _("job description version")
        verbose_name_plural = _("job description versions")
        constraints = [models.UniqueConstraint(fields=["role", "number"], name="role_version_number_unique")]

    def __str__(self):
        return f"{self.role_id} v{self.number}"

    @property
    def is_published(self):
        return self.published_at is not None

    @property
    def is_scheduled(self):
        """Approved for a day that has not come yet (and not withdrawn)."""
        return (
            self.is_published
            and self.withdrawn_at is None
            and self.effective_date is not None
            and self.effective_date > timezone.localdate()
        )

    def as_role(self, role, *, pay_scheme=None):
        """An unsaved Role showing this version's content in `role`'s place in today's organisation.

        The version gives what the job description says (title, texts, duties, requirements,
        KPIs, shifts, pay); `role`, the stored role, gives its place: id, tree fields, department,
        grade, job family, pay grade, headcount and dotted lines, as every chart and list shows them
        (the pay grade goes with the grade: it must lie in that grade's range). Related rows are
        put in the prefetch caches, so `.duties.all()` and the rest run no query. `pay_scheme` is
        the current scheme of the snapshot's code, if shown.
        """
        data = self.snapshot
        shown = Role(
            pk=role.pk,
            parent_id=role.parent_id,
            tree_id=role.tree_id,
            lft=role.lft,
            rght=role.rght,
            level=role.level,
            status=Role.Status.PUBLISHED,
            live_version_id=self.pk,
            department_id=role.department_id,
            grade_id=role.grade_id,
            job_family_id=role.job_family_id,
            pay_grade_id=role.pay_grade_id,
            headcount=role.headcount,
            prepared_on=datetime.date.fromisoformat(data["prepared_on"]) if data["prepared_on"] else None,
            created_at=role.created_at,
            updated_at=self.published_at or self.created_at,
            **{name: data[name] for name in SNAPSHOT_TEXT_FIELDS},
            **{name: _decimal(data[name]) for name in SNAPSHOT_DECIMAL_FIELDS},
        )
        if Role.department.is_cached(role):
            shown.department = role.department
        for relation in (Role.grade, Role.job_family, Role.pay_grade):
            if relation.is_cached(role):
                relation.field.set_cached_value(shown, relation.field.get_cached_value(role))
        shown.pay_scheme = pay_scheme
        shown.version = self
        requirement = None
        if data["requirement"] is not None:
            values = dict(data["requirement"], experience_years=_decimal(data["requirement"]["experience_years"]))
            requirement = Requirement(role=shown, **values)
        Role.requirement.related.set_cached_value(shown, requirement)
        shown._prefetched_objects_cache = {
            "duties": _loaded(Duty, [Duty(order=i, text=t) for i, t in enumerate(data["duties"], 1)]),
            "skills": _loaded(Skill, [Skill(order=i, text=t) for i, t in enumerate(data["skills"], 1)]),
            "kpis": _loaded(
                KPI, [KPI(order=i, **dict(k, weight=_decimal(k["weight"]))) for i, k in enumerate(data["kpis"], 1)]
            ),
            "shifts": _loaded(Shift, [Shift(name=name, order=i) for i, name in enumerate(data["shifts"])]),
        }
        dotted = getattr(role, "_prefetched_objects_cache", {}).get("dotted_line_superiors")
        if dotted is not None:
            shown._prefetched_objects_cache["dotted_line_superiors"] = dotted
        return shown


class RoleChangeQuerySet(models.QuerySet):
    def due(self, day):
        """Changes in force by `day` that the present tree (Role) does not show yet."""
        return self.filter(applied=False, effective_date__lte=day)


class RoleChange(models.Model):
    """One dated change to a role's place in the organisation (roles/timeline.py folds them).

    Never rewritten: a correction is a new change. `applied` says the present tree (the Role
    row) already shows it; a change dated in the future waits, unapplied, until its day comes.
    """

    class Kind(models.TextChoices):
        CREATED = "created", _("role created")
        PARENT = "parent", _("superior")
        TITLE = "title", _("title")
        DEPARTMENT = "department", _("department")
        GRADE = "grade", _("grade")
        HEADCOUNT = "headcount", _("headcount")
        DOTTED = "dotted", _("dotted-line superiors")
        ARCHIVED = "archived", _("archived")

    role = models.ForeignKey(Role, verbose_name=_("role"), on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("what changed"), max_length=20, choices=Kind.choices)
    value = models.JSONField(_("new value"), null=True)  # null: no superior
    effective_date = models.DateField(_("effective date"))
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    applied = models.BooleanField(_("in the present organisation"), default=False)

    objects = RoleChangeQuerySet.as_manager()

    class Meta:
        ordering = ["effective_date", "id"]
        verbose_name = _("organisation change")
        verbose_name_plural = _("organisation changes")
        indexes = [
            models.Index(fields=["applied", "effective_date"], name="role_change_due"),
            models.Index(fields=["effective_date", "id"], name="role_change_period"),
        ]

    def __str__(self):
        return f"{self.role_id} {self.kind} {self.effective_date}"


class RolePeriod(models.Model):
    """A role's place from `valid_from` until the day before `valid_to` (empty: still in force).

    Derived from the role's changes (timeline.periods) and rebuilt with each one recorded: the
    read model of "the organisation as of a day". `superior_id` is a plain role id, not a key:
    the history of a role outlives its superior.
    """

    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="periods")
    valid_from = models.DateField()
    valid_to = models.DateField(null=True)
    superior_id = models.IntegerField(null=True)
    title = models.CharField(max_length=100)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    grade = models.ForeignKey(Grade, on_delete=models.PROTECT, related_name="+")
    headcount = models.PositiveIntegerField()
    dotted = models.JSONField(default=list)
    archived = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["valid_from", "valid_to"], name="role_period_days")]

    def __str__(self):
        return f"{self.role_id} {self.valid_from}–{self.valid_to or ''}"


def _loaded(model, rows):
    """A queryset that already holds `rows`, as a prefetch leaves it: iterating it runs no query."""
    queryset = model._default_manager.none()
    queryset._result_cache = rows
    queryset._prefetch_done = True
    return queryset


# Registered here, after the MPTT class exists: simple-history's in-class
# `history = HistoricalRecords()` breaks MPTT saves.
register(Role, excluded_fields=["lft", "rght", "tree_id", "level"])
register(PayScheme)
