"""The API of headcount plans (编制方案): thin views over orgchart/placement.py.

/api/v1/headcount-plans/ (list, create), /headcount-plans/{id}/ (retrieve, update), /headcount-plans/{id}/lines/
(list, add) and /headcount-plans/{id}/lines/{line_id}/ (retrieve, update, delete). Managers read (the plan's
view permission), HR writes (add/change): 401 for anonymous callers, 403 for others. A refusal of the
plan's rules (an overlap with another active plan, a last day before the first, a percentage out of
range, a second line for a role) is a 400 naming the field.

Also the parts the employees' API shares: the 409 of a refused placement and the warnings of one saved
over plan (orgchart/api.py).
"""

from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response

from roles import timeline
from roles.api.serializers import ErrorSerializer, RejectUnknownFields
from roles.api.views import ID_IN_PATH

from . import headcount, placement
from .models import ControlMode, HeadcountLine, HeadcountPlan
from .plan_api import choice_field

PERCENT = {"max_digits": 6, "decimal_places": 2, "min_value": Decimal(0), "max_value": headcount.MAX_PERCENT}


@extend_schema_field({"type": "string", "format": "date", "pattern": timeline.DAY_PATTERN})
class Day(serializers.DateField):
    """A day between 1900-01-01 and 2100-12-31 (typing mistakes, not history)."""

    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if not timeline.EARLIEST <= day <= timeline.LATEST:
            raise serializers.ValidationError(gettext_lazy("Enter a date between 1900-01-01 and 2100-12-31."))
        return day


def field_errors(error):
    """A Django ValidationError of a model's full_clean as the API's 400, under the fields it names."""
    if hasattr(error, "error_dict"):
        return exceptions.ValidationError(error.message_dict)
    return exceptions.ValidationError({"non_field_errors": error.messages})


# ----------------------------------------------------------------------------- placements (shared)


class OverPlanSerializer(serializers.Serializer):
    """A line a placement goes over: the plan, the line and its numbers."""

    detail = serializers.CharField(help_text=gettext_lazy("What happened, in words a user understands."))
    plan = serializers.IntegerField(help_text=gettext_lazy("The headcount plan's id."))
    line = serializers.IntegerField(help_text=gettext_lazy("The plan line's id (a role's line or a department cap)."))
    planned = serializers.IntegerField(help_text=gettext_lazy("The line's planned seats."))
    allowed = serializers.IntegerField(
        help_text=gettext_lazy("The people the line allows: planned; by ratio, planned × percentage rounded down.")
    )
    occupied = serializers.IntegerField(
        help_text=gettext_lazy("People counted in the line on the day checked, without this placement.")
    )


class RefusedSerializer(ErrorSerializer, OverPlanSerializer):
    """409 of a placement the active plan forbids (deny, or ratio over the allowed number): nothing was saved."""


REFUSED = OpenApiResponse(
    RefusedSerializer,
    description=gettext_lazy("Over the active headcount plan under deny or ratio: nothing was saved."),
    examples=[
        OpenApiExample(
            "over plan",
            value={
                "detail": "超出编制方案“2026 年度编制”：美工允许 2 人（编制 2 人），2026-12-07 已计 2 人。未保存。",
                "code": "over_plan",
                "plan": 1,
                "line": 7,
                "planned": 2,
                "allowed": 2,
                "occupied": 2,
            },
        )
    ],
)


def refused_response(refused):
    """The 409 of a PlacementRefused."""
    return Response({**refused.finding.as_dict(), "code": "over_plan"}, status=status.HTTP_409_CONFLICT)


# ----------------------------------------------------------------------------- plans and lines


class PlanAccess(BasePermission):
    """Managers read headcount plans (view permission); HR adds and changes them and their lines."""

    message = gettext_lazy("Only HR may change headcount plans; managers may read them.")

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            needed = "view"
        elif getattr(view, "action", None) == "create":
            needed = "add"
        else:
            needed = "change"
        return request.user.is_authenticated and request.user.has_perm(f"orgchart.{needed}_headcountplan")


class HeadcountPlanSerializer(RejectUnknownFields, serializers.ModelSerializer):
    start_date = Day(help_text=gettext_lazy("The plan's first day (YYYY-MM-DD)."))
    end_date = Day(help_text=gettext_lazy("The plan's last day; not before the first."))
    status = choice_field(
        HeadcountPlan.Status.choices,
        required=False,
        help_text=gettext_lazy("At most one active plan covers a day; default draft."),
    )
    control_mode = choice_field(
        ControlMode.choices,
        required=False,
        help_text=gettext_lazy("What a placement over the plan does: none, warn, deny, ratio; default warn."),
    )
    ratio_percent = serializers.DecimalField(
        **PERCENT,
        required=False,
        help_text=gettext_lazy("By ratio: allowed = planned × this percentage, rounded down; above 0, at most 1000."),
    )
    occupy_from = choice_field(
        HeadcountPlan.OccupyFrom.choices,
        required=False,
        help_text=gettext_lazy("When a hire takes a seat: recorded (预增 count) or start_date; default recorded."),
    )
    line_count = serializers.IntegerField(read_only=True)
    counting_rule = serializers.SerializerMethodField(help_text=gettext_lazy("The counting rule (口径), in words."))
    start_from_roles = serializers.BooleanField(
        write_only=True,
        required=False,
        help_text=gettext_lazy("On create: one line per role, its seats the role's headcount (default true)."),
    )

    class Meta:
        model = HeadcountPlan
        fields = [
            "id",
            "name",
            "start_date",
            "end_date",
            "status",
            "control_mode",
            "ratio_percent",
            "occupy_from",
            "line_count",
            "counting_rule",
            "created_at",
            "updated_at",
            "start_from_roles",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def get_counting_rule(self, plan) -> str:
        return headcount.counting_rule(plan.occupy_from)


class HeadcountLineSerializer(RejectUnknownFields, serializers.Serializer):
    """A line: `role` or `department` (one of them), its planned seats, and the mode and percentage
    that override the plan's (null: the plan's)."""

    id = serializers.IntegerField(read_only=True)
    role = serializers.IntegerField(
        source="role_id", allow_null=True, required=False, help_text=gettext_lazy("A role's id; or give department.")
    )
    department = serializers.IntegerField(
        source="department_id",
        allow_null=True,
        required=False,
        help_text=gettext_lazy("A department's id: a cap for it, its sub-departments and every role in them."),
    )
    seats = serializers.IntegerField(min_value=0, max_value=headcount.MAX_SEATS)
    control_mode = choice_field(
        ControlMode.choices, allow_null=True, required=False, help_text=gettext_lazy("null: the plan's.")
    )
    ratio_percent = serializers.DecimalField(
        **PERCENT, allow_null=True, required=False, help_text=gettext_lazy("null: the plan's.")
    )
    allowed = serializers.SerializerMethodField(help_text=gettext_lazy("The people the line allows."))

    def get_allowed(self, line) -> int:
        return line.rule(self.context["plan"]).allowed

    def to_representation(self, line):
        data = super().to_representation(line)
        data["control_mode"] = data["control_mode"] or None
        return data


PLAN_EXAMPLE = OpenApiExample(
    "a year under deny",
    value={"name": "2026 年度编制", "start_date": "2026-01-01", "end_date": "2026-12-31", "control_mode": "deny"},
    request_only=True,
)
LINE_EXAMPLES = [
    OpenApiExample("a role", value={"role": 7, "seats": 2}, request_only=True),
    OpenApiExample("a department cap", value={"department": 3, "seats": 12, "control_mode": "warn"}, request_only=True),
]


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("List headcount plans (managers and HR)")),
    retrieve=extend_schema(summary=gettext_lazy("One headcount plan, with its counting rule")),
    create=extend_schema(
        summary=gettext_lazy("Create a headcount plan (HR); it starts from the roles' headcounts"),
        examples=[PLAN_EXAMPLE],
    ),
    update=extend_schema(summary=gettext_lazy("Change a headcount plan (HR)")),
    partial_update=extend_schema(summary=gettext_lazy("Change some fields of a headcount plan (HR)")),
)
class HeadcountPlanViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Headcount plans and their lines: managers read, HR writes."""

    serializer_class = HeadcountPlanSerializer
    permission_classes = [PlanAccess]
    lookup_value_regex = ID_IN_PATH
    queryset = HeadcountPlan.objects.all()
    error_codes_by_action = {
        "list": {"401", "403"},
        "retrieve": {"401", "403", "404"},
        "create": {"400", "401", "403"},
        "update": {"400", "401", "403", "404"},
        "partial_update": {"400", "401", "403", "404"},
        "lines": {"400", "401", "403", "404"},
        "line": {"400", "401", "403", "404"},
    }

    def get_queryset(self):
        return HeadcountPlan.objects.annotate(line_count=Count("lines")).order_by("-start_date", "-id")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        from_roles = data.pop("start_from_roles", True)
        plan = HeadcountPlan(**data)
        try:
            (placement.start_plan if from_roles else placement.save_plan)(plan)
        except DjangoValidationError as error:
            raise field_errors(error) from None
        serializer.instance = self.get_queryset().get(pk=plan.pk)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        if "start_from_roles" in data:
            raise exceptions.ValidationError({"start_from_roles": [gettext_lazy("Only when a plan is created.")]})
        plan = serializer.instance
        for name, value in data.items():
            setattr(plan, name, value)
        try:
            placement.save_plan(plan)
        except DjangoValidationError as error:
            raise field_errors(error) from None
        serializer.instance = self.get_queryset().get(pk=plan.pk)

    def line_data(self, line, plan):
        return HeadcountLineSerializer(line, context={"plan": plan, "request": self.request}).data

    @extend_schema(
        methods=["GET"],
        summary=gettext_lazy("The lines of a headcount plan: planned seats per role and department caps"),
        responses=HeadcountLineSerializer(many=True),
    )
    @extend_schema(
        methods=["POST"],
        summary=gettext_lazy("Add a line to a headcount plan (HR)"),
        request=HeadcountLineSerializer,
        responses={201: HeadcountLineSerializer},
        examples=LINE_EXAMPLES,
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def lines(self, request, pk=None):
        plan = self.get_object()
        if request.method == "GET":
            context = {"plan": plan, "request": request}
            return Response(HeadcountLineSerializer(plan.lines.all(), many=True, context=context).data)
        line = self.saved_line(HeadcountLine(plan=plan), partial=False)
        return Response(self.line_data(line, plan), status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], summary=gettext_lazy("One line of a headcount plan"))
    @extend_schema(methods=["PUT"], summary=gettext_lazy("Change a line (HR)"), request=HeadcountLineSerializer)
    @extend_schema(
        methods=["PATCH"], summary=gettext_lazy("Change some fields of a line (HR)"), request=HeadcountLineSerializer
    )
    @extend_schema(methods=["DELETE"], summary=gettext_lazy("Remove a line (HR)"), responses={204: None})
    @extend_schema(responses=HeadcountLineSerializer)
    @action(
        detail=True,
        methods=["get", "put", "patch", "delete"],
        url_path=r"lines/(?P<line_id>[0-9]+)",
        url_name="line-detail",
    )
    def line(self, request, pk=None, line_id=None):
        plan = self.get_object()
        try:
            line = plan.lines.get(pk=int(line_id))
        except HeadcountLine.DoesNotExist:
            raise exceptions.NotFound() from None
        if request.method == "GET":
            return Response(self.line_data(line, plan))
        if request.method == "DELETE":
            line.delete()
            return Response(status=status.HTTP_204_NO_CONTENT)
        line = self.saved_line(line, partial=request.method == "PATCH")
        return Response(self.line_data(line, plan))

    def saved_line(self, line, *, partial):
        """The line with the request's fields, validated by the model (400 naming the field) and saved."""
        serializer = HeadcountLineSerializer(data=self.request.data, partial=partial, context={"plan": line.plan})
        serializer.is_valid(raise_exception=True)
        for name, value in serializer.validated_data.items():
            setattr(line, name, "" if name == "control_mode" and value is None else value)
        try:
            return placement.save_line(line)
        except DjangoValidationError as error:
            raise field_errors(error) from None
