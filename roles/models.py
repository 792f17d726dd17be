"""The role catalogue: departments, grades, shifts, pay schemes and the role tree."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from mptt.managers import TreeManager
from mptt.models import MPTTModel, TreeForeignKey
from mptt.querysets import TreeQuerySet
from simple_history import register

from . import rules

NON_NEGATIVE = [MinValueValidator(0)]


def money_field(verbose_name, **kwargs):
    """A non-negative yuan amount (Decimal, two places), optional by default."""
    kwargs.setdefault("null", True)
    kwargs.setdefault("blank", True)
    return models.DecimalField(verbose_name, max_digits=10, decimal_places=2, validators=NON_NEGATIVE, **kwargs)


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


class Grade(models.Model):
    """A level such as 总监 or 专员; a higher `level` is more senior."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    level = models.PositiveSmallIntegerField(
        _("level"), unique=True, help_text=_("Higher is more senior, e.g. 总监 60 > 主管 40.")
    )
    pay_band_min = money_field(_("pay band minimum"))
    pay_band_max = money_field(_("pay band maximum"))
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["-level"]
        verbose_name = _("grade")
        verbose_name_plural = _("grades")
        constraints = [
            models.CheckConstraint(
                condition=Q(pay_band_min__isnull=True)
                | Q(pay_band_max__isnull=True)
                | Q(pay_band_min__lte=F("pay_band_max")),
                name="grade_pay_band_ordered",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if rules.range_is_inverted(self.pay_band_min, self.pay_band_max):
            raise ValidationError({"pay_band_max": _("The maximum must not be below the minimum.")})


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


class RoleQuerySet(TreeQuerySet):
    def published(self):
        return self.filter(status=Role.Status.PUBLISHED)

    def with_card_relations(self):
        """Everything a list of role cards shows, without a query per row."""
        return self.select_related("department", "department__parent", "grade", "parent", "pay_scheme")

    def with_job_description(self, visible, see_pay):
        """Everything a job description shows (page, PDF, Word) in a fixed number of queries.

        `visible` limits the dotted-line superiors and subordinates to roles the reader may see;
        the pay scheme's tiers are loaded only for readers who may see pay.
        """
        related = [
            "duties",
            "skills",
            "kpis",
            "shifts",
            models.Prefetch("dotted_line_superiors", queryset=visible.order_by("tree_id", "lft")),
            models.Prefetch(
                "children", queryset=visible.select_related("grade").order_by("lft"), to_attr="visible_children"
            ),
        ]
        if see_pay:
            related.append("pay_scheme__tiers")
        return self.with_card_relations().select_related("requirement").prefetch_related(*related)


RoleManager = TreeManager.from_queryset(RoleQuerySet)


class Role(MPTTModel):
    """One position (岗位) in the org chart; `parent` is the solid-line superior."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    title = models.CharField(_("title"), max_length=100)
    slug = models.SlugField(
        _("slug"), max_length=80, unique=True, help_text=_("Used in web addresses, e.g. store-manager.")
    )
    code = models.CharField(
        _("role number"), max_length=30, blank=True, help_text=_("Number printed on the job description, e.g. EC-003.")
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="roles"
    )
    grade = models.ForeignKey(Grade, verbose_name=_("grade"), on_delete=models.PROTECT, related_name="roles")
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
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = RoleManager()

    class MPTTMeta:
        order_insertion_by = []

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
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
        if errors:
            raise ValidationError(errors)

    def standard_fields(self):
        """The optional 岗位说明书 template fields, as (label, value) pairs in print order."""
        names = [
            "authority",
            "internal_relations",
            "external_relations",
            "working_conditions",
            "review_cycle",
            "career_path",
        ]
        return [(self._meta.get_field(name).verbose_name, getattr(self, name)) for name in names]

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


# Registered here, after the MPTT class exists: simple-history's in-class
# `history = HistoricalRecords()` breaks MPTT saves.
register(Role, excluded_fields=["lft", "rght", "tree_id", "level"])
register(PayScheme)
