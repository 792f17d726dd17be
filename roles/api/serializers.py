"""What the API shows of the catalogue, and to whom.

Fields a reader may not see are left out of the response (absent, not null):
pay (amounts, schemes, KPI weights) needs `can_see_pay`, people need `can_see_internal`.
"""

import re
from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .. import bands, paycost, rules, timeline
from ..models import (
    KPI,
    PAY_FIELDS,
    PAY_RANGE_FIELDS,
    STANDARD_FIELDS,
    Department,
    Duty,
    Grade,
    JobFamily,
    PayGrade,
    PayScheme,
    PerformanceTier,
    Requirement,
    Role,
    RoleChange,
    Skill,
)
from ..reading import Audience

PAY_NOTE = _("Absent unless the reader may see pay.")
INTERNAL_NOTE = _("Absent unless the reader is a manager or HR.")


class ErrorSerializer(serializers.Serializer):
    """Every error that is not about fields: 401, 403, 404, 405, 409, 415, 500, and a 400 for a body that is not JSON."""

    detail = serializers.CharField(help_text=_("What went wrong, in words a user understands."))
    code = serializers.CharField(help_text=_("A stable machine-readable code, e.g. not_found or has_subordinates."))


class FieldErrorsSerializer(serializers.Serializer):
    """400: a list of messages per field (a nested field: its own errors, per item for a list); errors
    about the whole request are under non_field_errors. A body that is not JSON at all is a 400 with
    `detail` and `code` (parse_error) instead. (`code` is not declared here: it is also the name of a
    role's and a pay scheme's field, whose errors are a list.)
    """

    non_field_errors = serializers.ListField(child=serializers.CharField(), required=False)
    detail = serializers.CharField(required=False)


def ID():
    """An id is a whole number: 1.5 or true is an error, not role 1 (the model field would round it)."""
    return serializers.IntegerField()


def decimal_pattern(field):
    """The strings a DecimalField accepts, as a regular expression: digits, a point and at most its decimal
    places; no sign when the minimum is 0; an upper bound of 1, 10, 100… included.

    Digits are [0-9], not \\d: Python's \\d also matches "٣", JSON Schema's (ECMA 262) does not.
    Returns the pattern and the bounds it could not express (the API's fields have none: their
    minimum is 0 and their maximum 1 or 100; the field's own validators still apply to any other).
    """
    places = field.decimal_places
    whole = field.max_digits - places if field.max_digits is not None else None
    fraction = rf"(?:\.[0-9]{{1,{places}}})?" if places else ""
    number = (rf"[0-9]{{1,{whole}}}" if whole else "0" if whole == 0 else "[0-9]+") + fraction
    left_out = []
    low, high = field.min_value, field.max_value
    if high is not None:
        if high >= 1 and high == int(high) and high == Decimal(10) ** (len(str(int(high))) - 1):
            below = len(str(int(high))) - 1  # whole digits of the numbers under the bound
            below = below if whole is None else min(below, whole)
            zeros = rf"(?:\.0{{1,{places}}})?" if places else ""
            number = (rf"[0-9]{{1,{below}}}" if below else "0") + fraction + f"|{int(high)}{zeros}"
        else:
            left_out.append(f"maximum {high}")
    sign = "-?"
    if low is not None:
        if low == 0:
            sign = ""
        else:
            left_out.append(f"minimum {low}")
    return rf"^{sign}(?:{number})$", left_out


def json_type(field):
    """The JSON type a writable field takes (what the schema says): str, int, bool, list or dict; None: not checked."""
    if isinstance(field, serializers.BooleanField):
        return bool
    if isinstance(field, serializers.IntegerField | serializers.PrimaryKeyRelatedField):
        return int  # every primary key of the catalogue is a whole number
    if isinstance(field, serializers.ListSerializer | serializers.ListField | serializers.ManyRelatedField):
        return list
    if isinstance(field, serializers.BaseSerializer):
        return dict
    if isinstance(field, serializers.ChoiceField):
        kinds = {type(choice) for choice in field.choices}
        return kinds.pop() if len(kinds) == 1 and kinds <= {str, int} else None
    if isinstance(field, serializers.CharField | serializers.DecimalField | serializers.DateField):
        return str
    return None


TYPE_MESSAGES = {
    str: _("Expected a string."),
    int: _("Expected a whole number (not in quotes)."),
    bool: _("Expected true or false."),
    list: _("Expected a list."),
    dict: _("Expected an object."),
}


def has_json_type(value, kind):
    if kind is int:
        # JSON has one kind of number: 3.0 is the whole number 3, as JSON Schema's "integer" says.
        return (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, float) and value.is_integer()
        )
    if kind is dict:
        return isinstance(value, Mapping)
    return isinstance(value, kind) and not (kind is not bool and isinstance(value, bool))


class RejectUnknownFields:
    """A write is read as the schema describes it, nothing more.

    - A field the serializer does not have is a 400 under that field's name, not silently ignored.
      Read-only fields (id, url, level…) are known, so a body copied from a GET can be sent back.
    - A value of another JSON type than the field's is a 400 under its name: "3" is not the whole
      number 3, 3 is not the string "3", "true" is not true (DRF alone would convert them).
    - An amount is a string of digits with a decimal point (decimal_pattern): not "1e3", " 5", "5."
      or "" (DRF alone would read them as 1000, 5, 5 and null).
    - A text longer than its maximum is refused as sent, also when trimming its spaces would shorten it.
    - An item of a list (a duty, a KPI) or a nested object (the requirements) is whole, also in a PATCH.
    """

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            unknown = sorted(str(name) for name in data if name not in self.fields)
            errors = {name: [_("Unknown field “%(field)s”.") % {"field": name}] for name in unknown}
            if self.root is not self and getattr(self.root, "partial", False):
                # A PATCH replaces a role's duties or requirements with the ones sent: each item is
                # whole (DRF would let a partial update skip the required fields of nested items too).
                for name, field in self.fields.items():
                    if field.required and not field.read_only and name not in data:
                        errors[name] = [field.error_messages["required"]]
            for name, value in data.items():
                field = self.fields.get(name)
                if field is None or field.read_only or value is None:
                    continue
                message = self.type_error(field, value)
                if message:
                    errors[name] = [message]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)

    @staticmethod
    def type_error(field, value):
        kind = json_type(field)
        if kind is not None and not has_json_type(value, kind):
            return TYPE_MESSAGES[kind]
        max_length = getattr(field, "max_length", None) if isinstance(field, serializers.CharField) else None
        if max_length is not None and len(value) > max_length:
            # The schema's maxLength counts what is sent; DRF would count it after trimming spaces.
            return field.error_messages["max_length"].format(max_length=max_length)
        if isinstance(field, serializers.DecimalField):
            pattern, _left_out = decimal_pattern(field)
            if not re.fullmatch(pattern, value):
                try:
                    field.run_validation(value)
                except serializers.ValidationError:
                    return None  # DRF's own message says what is wrong
                return _("Write the amount as digits with a decimal point, e.g. “%(example)s”.") % {
                    "example": "0.5" if field.decimal_places else "1"
                }
        return None


class HidingSerializer(serializers.ModelSerializer):
    """Drops the fields the reader may not see from each representation."""

    pay_fields = ()
    internal_fields = ()

    def hidden_fields(self):
        # Worked out once per request and serializer class, not once per row.
        cache = self.context.setdefault("_hidden_fields", {})
        if type(self) not in cache:
            cache[type(self)] = self._hidden_for_reader()
        return cache[type(self)]

    def _hidden_for_reader(self):
        request = self.context.get("request")
        audience = Audience.of_request(request) if request is not None else Audience()
        hidden = set()
        if not audience.see_pay:
            hidden.update(self.pay_fields)
            if audience.see_pay_range:
                hidden.difference_update(PAY_RANGE_FIELDS)
        if not audience.see_drafts:
            hidden.update(self.internal_fields)
        return hidden

    def to_representation(self, instance):
        hidden = self.hidden_fields()
        data = super().to_representation(instance)
        for name in hidden:
            data.pop(name, None)
        return data


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "code", "name", "parent", "order", "color", "description"]


class GradeSerializer(serializers.ModelSerializer):
    """A grade (职级) with its range of pay grades (职等) by number; the pay band is the pay grades'."""

    class Meta:
        model = Grade
        fields = ["id", "code", "name", "level", "min_pay_grade", "max_pay_grade", "description"]


class JobFamilySerializer(RejectUnknownFields, serializers.ModelSerializer):
    """A job family (序列); HR writes."""

    class Meta:
        model = JobFamily
        fields = ["id", "code", "name", "order", "color"]


def figure_help(index, *, highest_has_none=True):
    """The API's description of one band figure: its formula (bands.FORMULAS, the one wording) and format."""
    label, formula = bands.FORMULAS[index]
    if highest_has_none:
        text = _(
            "{label} = {formula}, as a ratio rounded half up to 4 decimals (“0.3333” is 33.33 %); null for "
            "the highest pay grade. Absent unless the reader may see pay."
        )
    else:
        text = _(
            "{label} = {formula}, as a ratio rounded half up to 4 decimals (“0.3333” is 33.33 %). "
            "Absent unless the reader may see pay."
        )
    return format_lazy(text, label=label, formula=formula)


class PayGradeSerializer(RejectUnknownFields, HidingSerializer):
    """A pay grade (职等) and its monthly band; the band and its figures only for pay readers."""

    pay_fields = ("band_min", "band_mid", "band_max", "range_spread", "midpoint_differential", "overlap")

    band_mid = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        required=False,
        allow_null=True,
        help_text=_("Null or left out: the mean of minimum and maximum. Absent unless the reader may see pay."),
    )
    range_spread = serializers.SerializerMethodField(help_text=figure_help(0, highest_has_none=False))
    midpoint_differential = serializers.SerializerMethodField(help_text=figure_help(1))
    overlap = serializers.SerializerMethodField(help_text=figure_help(2))

    class Meta:
        model = PayGrade
        fields = [
            "id",
            "number",
            "name",
            "band_min",
            "band_mid",
            "band_max",
            "description",
            "range_spread",
            "midpoint_differential",
            "overlap",
        ]
        extra_kwargs = {"band_min": {"help_text": PAY_NOTE}, "band_max": {"help_text": PAY_NOTE}}

    def validate(self, attrs):
        """The model's rules (PayGrade.clean) on the values the write would save, under the admin's
        field names; an empty midpoint becomes the mean."""
        stored = {}
        if self.instance is not None:
            stored = {f.attname: getattr(self.instance, f.attname) for f in PayGrade._meta.concrete_fields}
        pay_grade = PayGrade(**{**stored, **attrs})
        try:
            pay_grade.clean()
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from None
        return {**attrs, "band_mid": pay_grade.band_mid}

    def _figures(self, pay_grade):
        cache = self.context.setdefault("_band_figures", {})
        if pay_grade.pk not in cache:
            cache[pay_grade.pk] = pay_grade.figures()
        return cache[pay_grade.pk]

    def get_range_spread(self, pay_grade) -> str | None:
        return bands.ratio_text(self._figures(pay_grade).range_spread)

    def get_midpoint_differential(self, pay_grade) -> str | None:
        return bands.ratio_text(self._figures(pay_grade).midpoint_differential)

    def get_overlap(self, pay_grade) -> str | None:
        return bands.ratio_text(self._figures(pay_grade).overlap)


class TierSerializer(RejectUnknownFields, serializers.ModelSerializer):
    class Meta:
        model = PerformanceTier
        fields = ["min_score", "max_score", "rate"]

    def validate(self, attrs):
        if attrs.get("max_score") is not None and attrs["min_score"] >= attrs["max_score"]:
            raise serializers.ValidationError({"max_score": [_("The upper score must be above the lower score.")]})
        return attrs


class PaySchemeSerializer(RejectUnknownFields, serializers.ModelSerializer):
    """A salary rule; HR creates one starting from the pay policy's defaults (PayScheme.policy_defaults)."""

    tiers = TierSerializer(
        many=True, required=False, help_text=_("Share of the performance bonus per score range; on create only.")
    )

    class Meta:
        model = PayScheme
        fields = [
            "id",
            "code",
            "name",
            "formula",
            "description",
            "attendance_bonus_rate",
            "attendance_incident_limit",
            "absence_days_limit",
            "has_commission",
            "default_commission_rate",
            "has_special_bonus",
            "warning_enabled",
            "warning_consecutive_months",
            "warning_score",
            "tiers",
        ]

    def validate_tiers(self, tiers):
        message = rules.tier_overlap_message([(tier["min_score"], tier.get("max_score")) for tier in tiers])
        if message:
            raise serializers.ValidationError(message)
        return tiers

    def create(self, validated_data):
        """A scheme created through the API starts from the pay policy, as one added in the admin does."""
        tiers = validated_data.pop("tiers", [])
        with transaction.atomic():
            scheme = PayScheme.objects.create(**{**PayScheme.policy_defaults(), **validated_data})
            PerformanceTier.objects.bulk_create(PerformanceTier(scheme=scheme, **tier) for tier in tiers)
        return scheme


class NamedSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


ORDER_NOTE = _("Position in the list; when left out, the order the items are sent in.")


class DutySerializer(RejectUnknownFields, serializers.ModelSerializer):
    class Meta:
        model = Duty
        fields = ["order", "text"]
        extra_kwargs = {"order": {"required": False, "help_text": ORDER_NOTE}}


class SkillSerializer(RejectUnknownFields, serializers.ModelSerializer):
    class Meta:
        model = Skill
        fields = ["order", "text"]
        extra_kwargs = {"order": {"required": False, "help_text": ORDER_NOTE}}


class KPISerializer(RejectUnknownFields, HidingSerializer):
    pay_fields = ("weight",)

    class Meta:
        model = KPI
        fields = ["order", "name", "weight", "target", "measurement"]
        extra_kwargs = {"weight": {"help_text": PAY_NOTE}, "order": {"required": False, "help_text": ORDER_NOTE}}


class RequirementSerializer(RejectUnknownFields, serializers.ModelSerializer):
    class Meta:
        model = Requirement
        fields = [
            "experience_years",
            "experience_text",
            "education_level",
            "education_text",
            "majors",
            "physical",
            "other",
        ]


@extend_schema_field({"type": "string", "format": "date", "pattern": timeline.DAY_PATTERN})
class EffectiveDate(serializers.DateField):
    """On a write: from which day a change to a role's place applies (roles/dated.py); default today."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text",
            _(
                "Write only. From which day a new superior, title, department, grade or headcount applies "
                "(YYYY-MM-DD, 1900-01-01 to 2100-12-31): default today, a past day corrects the record, a later "
                "day schedules the change (the role keeps its place until then)."
            ),
        )
        super().__init__(write_only=True, required=False, **kwargs)

    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if not timeline.EARLIEST <= day <= timeline.LATEST:
            raise serializers.ValidationError(_("Enter a date between 1900-01-01 and 2100-12-31."))
        return day


class RoleSerializer(RejectUnknownFields, HidingSerializer):
    """A role as the list shows it; also what HR writes (flat fields; the superior by id)."""

    pay_fields = (*PAY_FIELDS, "compa_ratio")
    internal_fields = ("source",)

    url = serializers.HyperlinkedIdentityField(view_name="api:role-detail")
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all(), pk_field=ID())
    grade = serializers.PrimaryKeyRelatedField(queryset=Grade.objects.all(), pk_field=ID())
    job_family = serializers.PrimaryKeyRelatedField(
        queryset=JobFamily.objects.all(),
        pk_field=ID(),
        allow_null=True,
        required=False,
        help_text=_("The job family's id; null: not placed yet."),
    )
    pay_grade = serializers.PrimaryKeyRelatedField(
        queryset=PayGrade.objects.all(),
        pk_field=ID(),
        allow_null=True,
        required=False,
        help_text=_("The pay grade's id, within the range of the role's grade; null: not placed yet."),
    )
    parent = serializers.PrimaryKeyRelatedField(
        queryset=Role.objects.all(),
        pk_field=ID(),
        allow_null=True,
        required=False,
        help_text=_("The superior's id; null at the top. Read: the nearest superior the reader may see."),
    )
    department_name = serializers.CharField(source="department.name", read_only=True)
    grade_name = serializers.CharField(source="grade.name", read_only=True)
    effective_date = EffectiveDate()
    compa_ratio = serializers.SerializerMethodField(
        help_text=format_lazy(
            "{} {}",
            _(
                "The target month's pay (full attendance, the full-bonus score) ÷ the pay grade's band midpoint, "
                "4 decimals; null without a pay scheme, a base salary or a pay grade."
            ),
            PAY_NOTE,
        )
    )

    class Meta:
        model = Role
        fields = [
            "id",
            "url",
            "title",
            "slug",
            "code",
            "status",
            "department",
            "department_name",
            "grade",
            "grade_name",
            "job_family",
            "pay_grade",
            "parent",
            "level",
            "summary",
            "headcount",
            "work_location",
            *PAY_FIELDS,
            "compa_ratio",
            "source",
            "prepared_on",
            "updated_at",
            "effective_date",
        ]
        # Status changes go through review and approval (roles.workflow, buttons in the admin).
        read_only_fields = ["level", "status", "updated_at"]
        extra_kwargs = {name: {"help_text": PAY_NOTE} for name in PAY_FIELDS} | {"source": {"help_text": INTERNAL_NOTE}}

    def get_compa_ratio(self, role) -> str | None:
        """From paycost.compa_ratios_of for every role of the answer at once (four queries however many)."""
        if "compa_ratio" in self.hidden_fields():
            return None  # dropped from the answer: not worked out
        known = self.context.setdefault("_compa_ratios", {})  # role id -> ratio or None, once worked out
        if role.pk not in known:
            instance = self.root.instance
            many = isinstance(instance, list | tuple) or hasattr(instance, "model")
            ids = {r.pk for r in instance} if many and role in instance else {role.pk}
            ratios = paycost.compa_ratios_of(ids)
            known.update({pk: ratios.get(pk) for pk in ids})
        return bands.ratio_text(known[role.pk])

    def to_representation(self, role):
        """The superior a reader sees is the nearest visible one (roles.reading), when the role was loaded there."""
        data = super().to_representation(role)
        if hasattr(role, "superior"):
            data["parent"] = role.superior.pk if role.superior else None
        return data


ITEMS_NOTE = _("On a write, the list sent replaces the stored one; leave it out to keep it.")


class RoleDetailSerializer(RoleSerializer):
    """One job description with its duties, requirements, skills and KPIs; HR writes them with the role."""

    duties = DutySerializer(many=True, required=False, help_text=ITEMS_NOTE)
    skills = SkillSerializer(many=True, required=False, help_text=ITEMS_NOTE)
    kpis = KPISerializer(many=True, required=False, help_text=ITEMS_NOTE)
    requirement = RequirementSerializer(
        required=False, allow_null=True, help_text=_("On a write, null removes the requirements.")
    )
    shifts = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    dotted_line_superiors = serializers.SerializerMethodField()
    subordinates = serializers.SerializerMethodField()
    leads_to = serializers.PrimaryKeyRelatedField(
        many=True,
        queryset=Role.objects.all(),
        pk_field=ID(),
        required=False,
        help_text=_(
            "Career paths (晋升通道): the ids of the roles this one leads to. Read: those the reader may see. "
            "On a write, the list sent replaces the stored one; a path that leads back to the role is refused."
        ),
    )

    class Meta(RoleSerializer.Meta):
        fields = [
            *RoleSerializer.Meta.fields,
            *STANDARD_FIELDS,
            "shifts",
            "duties",
            "requirement",
            "skills",
            "kpis",
            "dotted_line_superiors",
            "subordinates",
            "leads_to",
        ]

    def validate_kpis(self, kpis):
        total = rules.kpi_weight_total(kpi.get("weight") for kpi in kpis)
        if total > rules.MAX_KPI_WEIGHT_TOTAL:
            raise serializers.ValidationError(
                _("The KPI weights of one role add up to %(total)s %%; they may add up to at most 100 %%.")
                % {"total": rules.plain_number(total)}
            )
        return kpis

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if "leads_to" in attrs:
            problem = (self.instance or Role()).career_path_problem(attrs["leads_to"])
            if problem:
                raise serializers.ValidationError({"leads_to": [problem]})
        return attrs

    def to_representation(self, role):
        """The roles it leads to that this reader may see (roles.reading sets career_paths)."""
        data = super().to_representation(role)
        data["leads_to"] = [link.pk for link in getattr(role, "career_paths", [])]
        return data

    def get_dotted_line_superiors(self, role) -> list[int]:
        return [link.pk for link in role.dotted_superiors]

    def get_subordinates(self, role) -> list[int]:
        return [link.pk for link in role.subordinates]


class TreeNodeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    parent = serializers.IntegerField(allow_null=True, help_text=_("Nearest visible superior; null at the top."))
    title = serializers.CharField()
    slug = serializers.CharField()
    department = serializers.IntegerField()
    grade = serializers.IntegerField()
    status = serializers.CharField()
    url = serializers.URLField()


class ChangeSerializer(serializers.Serializer):
    """One dated change to the organisation, as the changes list shows it."""

    id = serializers.IntegerField()
    role = serializers.IntegerField(source="role.pk")
    role_title = serializers.CharField(source="role.title", help_text=_("The role's title today."))
    kind = serializers.ChoiceField(choices=RoleChange.Kind.choices)
    before = serializers.CharField(help_text=_("The value it replaced, in words (— when there was none)."))
    after = serializers.CharField(help_text=_("The new value, in words."))
    effective_date = serializers.DateField()
    recorded_at = serializers.DateTimeField()
    recorded_by = serializers.CharField(help_text=_("Username; empty when recorded by the system."))
    reason = serializers.CharField()


class MoveSerializer(RejectUnknownFields, serializers.Serializer):
    target = serializers.PrimaryKeyRelatedField(
        queryset=Role.objects.all(),
        pk_field=ID(),
        allow_null=True,
        help_text=_("The role to move next to or under; null: the top."),
    )
    position = serializers.ChoiceField(choices=["first-child", "last-child", "left", "right"], default="last-child")
    effective_date = EffectiveDate(help_text=_("From which day the new superior applies (YYYY-MM-DD); default today."))


MONEY = {"max_digits": 12, "decimal_places": 2, "min_value": Decimal("0")}
COUNT = {"min_value": 0, "default": 0}


class PayEstimateRequestSerializer(RejectUnknownFields, serializers.Serializer):
    late_count = serializers.IntegerField(**COUNT)
    early_leave_count = serializers.IntegerField(**COUNT)
    leave_count = serializers.IntegerField(**COUNT)
    absent_days = serializers.DecimalField(max_digits=5, decimal_places=1, min_value=Decimal("0"), default=Decimal("0"))
    performance_score = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=Decimal("0"), max_value=Decimal("100")
    )
    sales_amount = serializers.DecimalField(**MONEY, default=Decimal("0"))
    base_salary = serializers.DecimalField(**MONEY, required=False, help_text=_("What-if: instead of the role's."))
    performance_bonus_amount = serializers.DecimalField(
        **MONEY, required=False, help_text=_("What-if: the full-tier performance bonus instead of the role's.")
    )
    commission_rate = serializers.DecimalField(
        max_digits=6,
        decimal_places=4,
        min_value=Decimal("0"),
        max_value=Decimal("1"),
        required=False,
        help_text=_("What-if: share of sales, e.g. 0.02."),
    )
    special_bonus = serializers.DecimalField(**MONEY, required=False, default=Decimal("0"))


class PayEstimateSerializer(serializers.Serializer):
    base_salary = serializers.CharField()
    attendance_bonus = serializers.CharField()
    performance_bonus = serializers.CharField()
    commission = serializers.CharField()
    special_bonus = serializers.CharField()
    total = serializers.CharField()
    attendance_bonus_cancelled = serializers.BooleanField()
    performance_rate = serializers.CharField()
    reasons = serializers.ListField(child=serializers.CharField())


class MonthSerializer(RejectUnknownFields, serializers.Serializer):
    performance_score = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=Decimal("0"), max_value=Decimal("100")
    )
    met_base_target = serializers.BooleanField()


class WarningRequestSerializer(RejectUnknownFields, serializers.Serializer):
    months = MonthSerializer(many=True, allow_empty=False)
    role = serializers.IntegerField(required=False, help_text=_("Take the rule from this role's pay scheme."))
    pay_scheme = serializers.IntegerField(required=False, help_text=_("Take the rule from this pay scheme."))

    def validate(self, attrs):
        if "role" in attrs and "pay_scheme" in attrs:
            raise serializers.ValidationError(_("Give a role or a pay scheme, not both."))
        return attrs


class WarningSerializer(serializers.Serializer):
    warning = serializers.BooleanField()
    months = serializers.ListField(
        child=serializers.IntegerField(), help_text=_("0-based positions of the months that count towards it.")
    )
    reasons = serializers.ListField(child=serializers.CharField())
