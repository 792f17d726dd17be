"""The API of reorganisation plans (调整方案): thin views over orgchart/plans.py.

/api/v1/plans/ (list, create), /plans/{id}/ (retrieve, delete a draft), /plans/{id}/changes/ (list, add),
/plans/{id}/changes/{number}/ (remove), /plans/{id}/diff/, /plans/{id}/submit/, /approve/, /reject/.
Only HR and approvers (roles.permissions.can_see_plans): 401 for anonymous callers, 403 for others, as
the other staff-only endpoints. Pay costs in the diff only for readers who may see pay (Audience.see_pay).
Refusals of the plan's rules are a 400 naming the field; a plan in the wrong status, a change another
needs, and conflicts at approval are a 409 (approval lists the conflicts, each naming its role).
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count
from django.utils.translation import gettext as _
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
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from roles import dated, permissions
from roles.api.serializers import MONEY, EffectiveDate, ErrorSerializer, RejectUnknownFields
from roles.api.views import ID_IN_PATH, Conflict
from roles.reading import Audience

from . import planning, plans
from .models import Plan, PlanChange

# Refusals about the plan's state rather than the request's fields: 409 with these codes.
STATUS_CODES = {"plan_status", "plan_empty", "plan_in_use"}
ROLE_ID_HELP = gettext_lazy("A role's id; a role added by this plan is minus the number of the change that adds it.")


def choice_field(choices, **kwargs):
    """A choice field stated in the schema as a string matching one of the choices (a pattern, not an enum).

    drf-spectacular names each enum after its field; an enum "kind" or "status" here would rename the
    catalogue's KindEnum and StatusEnum that generated clients already use.
    """
    values = [value for value, _label in choices]
    schema = {"type": "string", "pattern": "^(" + "|".join(values) + ")$", "description": " | ".join(values)}
    field_class = extend_schema_field(schema)(type("ChoiceAsPattern", (serializers.ChoiceField,), {}))
    return field_class(choices=choices, **kwargs)


class CanSeePlans(BasePermission):
    """HR and approvers (roles.permissions.can_see_plans)."""

    message = gettext_lazy("Only HR and approvers may see reorganisation plans.")

    def has_permission(self, request, view):
        return permissions.can_see_plans(request.user)


class PlanSerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.username", default="", read_only=True)
    decided_by = serializers.CharField(source="decided_by.username", default="", read_only=True)
    change_count = serializers.IntegerField(read_only=True)
    status = choice_field(Plan.Status.choices, read_only=True)

    class Meta:
        model = Plan
        fields = [
            "id",
            "name",
            "base_date",
            "status",
            "comment",
            "created_by",
            "created_at",
            "decided_by",
            "decided_at",
            "effective_date",
            "change_count",
        ]
        read_only_fields = fields


class PlanCreateSerializer(RejectUnknownFields, serializers.Serializer):
    name = serializers.CharField(max_length=100)
    base_date = EffectiveDate(
        help_text=gettext_lazy("The day whose organisation the plan starts from (YYYY-MM-DD); default today.")
    )


class PlanChangeSerializer(serializers.Serializer):
    """One change of a plan; the fields its kind does not use are null."""

    number = serializers.IntegerField(help_text=gettext_lazy("Its place in the plan; never reused."))
    kind = choice_field(PlanChange.Kind.choices)
    role = serializers.IntegerField(source="role_id", allow_null=True, help_text=ROLE_ID_HELP)
    role_title = serializers.CharField(help_text=gettext_lazy("The role's title when the change was made."))
    parent = serializers.IntegerField(allow_null=True)
    title = serializers.CharField(allow_null=True)
    department = serializers.IntegerField(allow_null=True)
    grade = serializers.IntegerField(allow_null=True)
    headcount = serializers.IntegerField(allow_null=True)
    into = serializers.IntegerField(allow_null=True)
    pay_min = serializers.CharField(allow_null=True)
    pay_max = serializers.CharField(allow_null=True)

    def to_representation(self, change):
        value = {key: change.value.get(key) for key in ("parent", *VALUE_FIELDS)}
        if change.kind == planning.ADD:
            value["role_id"] = planning.new_role_id(change.number)
        return super().to_representation(
            {"number": change.number, "kind": change.kind, "role_id": change.role_id, "role_title": change.role_title}
            | value
        )


VALUE_FIELDS = ("title", "department", "grade", "headcount", "into", "pay_min", "pay_max")


class PlanChangeRequestSerializer(RejectUnknownFields, serializers.Serializer):
    """A change to add; send the fields its kind needs (planning.VALUE_KEYS), no others."""

    kind = choice_field(PlanChange.Kind.choices)
    role = serializers.IntegerField(
        required=False, help_text=gettext_lazy("The role changed (the one removed, for a merge); not for add.")
    )
    parent = serializers.IntegerField(
        required=False, allow_null=True, help_text=gettext_lazy("add, move: the superior; null: the top.")
    )
    title = serializers.CharField(max_length=100, required=False, help_text=gettext_lazy("add, rename"))
    department = serializers.IntegerField(required=False, help_text=gettext_lazy("add, department: its id"))
    grade = serializers.IntegerField(required=False, help_text=gettext_lazy("add, grade: its id"))
    headcount = serializers.IntegerField(
        min_value=0, max_value=planning.MAX_HEADCOUNT, required=False, help_text=gettext_lazy("add, headcount")
    )
    into = serializers.IntegerField(required=False, help_text=gettext_lazy("merge: the role kept"))
    pay_min = serializers.DecimalField(**MONEY, required=False, help_text=gettext_lazy("add: reference pay from"))
    pay_max = serializers.DecimalField(**MONEY, required=False, help_text=gettext_lazy("add: reference pay to"))


class ApproveSerializer(RejectUnknownFields, serializers.Serializer):
    effective_date = EffectiveDate(
        help_text=gettext_lazy("From which day the plan's changes apply (YYYY-MM-DD); default today.")
    )


class RejectSerializer(RejectUnknownFields, serializers.Serializer):
    comment = serializers.CharField(max_length=2000, help_text=gettext_lazy("Why the plan goes back to HR."))


class ConflictSerializer(serializers.Serializer):
    role = serializers.IntegerField(allow_null=True, help_text=gettext_lazy("null for a role the plan adds"))
    title = serializers.CharField()
    reason = serializers.CharField()


class ConflictsSerializer(ErrorSerializer):
    """409 of an approval: the error, and each conflict with the live organisation."""

    conflicts = ConflictSerializer(many=True, required=False)


class RoleDiffSerializer(serializers.Serializer):
    role = serializers.IntegerField(help_text=ROLE_ID_HELP)
    title = serializers.CharField()
    kind = choice_field(
        [(kind, kind) for kind in (planning.ADDED, planning.REMOVED, planning.MERGED, *planning.COMPARED)],
        help_text=gettext_lazy("added, removed, merged (into `after`), or the field that changed"),
    )
    before = serializers.CharField(help_text=gettext_lazy("In words; — when there was none."))
    after = serializers.CharField(help_text=gettext_lazy("In words: the new value, an added role's superior."))


class DepartmentDiffSerializer(serializers.Serializer):
    department = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    headcount_before = serializers.IntegerField()
    headcount_after = serializers.IntegerField()
    cost_before = serializers.CharField(
        required=False, help_text=gettext_lazy("Monthly pay cost of the roles with a cost known; pay readers only.")
    )
    cost_after = serializers.CharField(required=False)
    no_cost_known_before = serializers.IntegerField(
        required=False, help_text=gettext_lazy("Roles whose cost is not known (not counted as 0); pay readers only.")
    )
    no_cost_known_after = serializers.IntegerField(required=False)


class ProblemSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    role = serializers.IntegerField(allow_null=True)
    reason = serializers.CharField()


class PlanDiffSerializer(serializers.Serializer):
    roles = RoleDiffSerializer(many=True)
    departments = DepartmentDiffSerializer(many=True)
    problems = ProblemSerializer(
        many=True, help_text=gettext_lazy("Changes the organisation of the base day no longer allows.")
    )


PLAN_EXAMPLE = OpenApiExample(
    "plan",
    value={"name": "双11 推广部调整", "base_date": "2026-10-01"},
    request_only=True,
)
CHANGE_EXAMPLES = [
    OpenApiExample("move", value={"kind": "move", "role": 11, "parent": -1}, request_only=True),
    OpenApiExample(
        "add",
        value={"kind": "add", "title": "推广经理", "parent": 2, "department": 3, "grade": 2, "headcount": 1},
        request_only=True,
    ),
    OpenApiExample("merge", value={"kind": "merge", "role": 7, "into": 6}, request_only=True),
]
CONFLICTS = OpenApiResponse(
    ConflictsSerializer, description=gettext_lazy("The plan's status forbids it, or approval found conflicts.")
)


def api_error(error):
    """A refusal of orgchart/plans.py as the API's 409 (the plan's state) or 400 (the request's fields)."""
    code = getattr(error, "code", None)
    if code in STATUS_CODES:
        return Conflict(error.messages[0], code=code)
    if hasattr(error, "error_dict"):
        return exceptions.ValidationError(error.message_dict)
    return exceptions.ValidationError({"non_field_errors": error.messages})


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("List reorganisation plans (HR and approvers)")),
    retrieve=extend_schema(summary=gettext_lazy("One reorganisation plan")),
    create=extend_schema(
        summary=gettext_lazy("Start a plan from the organisation of a day (HR)"),
        request=PlanCreateSerializer,
        responses={201: PlanSerializer},
        examples=[PLAN_EXAMPLE],
    ),
    destroy=extend_schema(
        summary=gettext_lazy("Delete a draft plan (HR)"), responses={204: None, 409: ErrorSerializer}
    ),
)
class PlanViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Reorganisation plans: HR makes and submits them, approvers approve or send them back."""

    serializer_class = PlanSerializer
    permission_classes = [CanSeePlans]
    lookup_value_regex = ID_IN_PATH
    queryset = Plan.objects.all()
    error_codes_by_action = {
        "list": {"401", "403"},
        "retrieve": {"401", "403", "404"},
        "create": {"400", "401", "403"},
        "destroy": {"401", "403", "404", "409"},
        "changes": {"400", "401", "403", "404", "409"},
        "remove_change": {"401", "403", "404", "409"},
        "diff": {"401", "403", "404"},
        "submit": {"401", "403", "404", "409"},
        "approve": {"400", "401", "403", "404", "409"},
        "reject": {"400", "401", "403", "404", "409"},
    }

    def get_queryset(self):
        return plans.plans_for(self.request.user).annotate(change_count=Count("changes"))

    def get_serializer_class(self):
        return {"create": PlanCreateSerializer, "approve": ApproveSerializer, "reject": RejectSerializer}.get(
            self.action, PlanSerializer
        )

    def fresh(self, plan):
        """The plan as stored now, as the API shows it."""
        return Response(PlanSerializer(self.get_queryset().get(pk=plan.pk)).data)

    def create(self, request, *args, **kwargs):
        data = self.valid(PlanCreateSerializer)
        try:
            plan = plans.create_plan(request.user, data["name"], data.get("base_date"))
        except DjangoValidationError as error:
            raise api_error(error) from None
        response = self.fresh(plan)
        response.status_code = status.HTTP_201_CREATED
        return response

    def destroy(self, request, *args, **kwargs):
        self.call(plans.delete_plan, self.get_object().pk)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        methods=["GET"],
        summary=gettext_lazy("The changes of a plan, in order"),
        responses=PlanChangeSerializer(many=True),
    )
    @extend_schema(
        methods=["POST"],
        summary=gettext_lazy("Add a change to a draft plan (HR); refused with the reason when the plan forbids it"),
        request=PlanChangeRequestSerializer,
        responses={201: PlanChangeSerializer, 409: ErrorSerializer},
        examples=CHANGE_EXAMPLES,
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def changes(self, request, pk=None):
        plan = self.get_object()
        if request.method == "GET":
            return Response(PlanChangeSerializer(plan.changes.order_by("number"), many=True).data)
        data = self.valid(PlanChangeRequestSerializer)
        value = {key: str(v) if key in ("pay_min", "pay_max") else v for key, v in data.items()}
        kind, role = value.pop("kind"), value.pop("role", None)
        change = self.call(plans.add_change, plan.pk, kind, role, **value)
        return Response(PlanChangeSerializer(change).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=gettext_lazy("Remove a change from a draft plan (HR)"), responses={204: None, 409: ErrorSerializer}
    )
    @action(detail=True, methods=["delete"], url_path=r"changes/(?P<number>[0-9]+)", url_name="change-detail")
    def remove_change(self, request, pk=None, number=None):
        plan = self.get_object()
        try:
            self.call(plans.remove_change, plan.pk, int(number))
        except PlanChange.DoesNotExist:
            raise exceptions.NotFound() from None
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary=gettext_lazy("What the plan changes: roles, and headcount and monthly pay cost per department"),
        responses=PlanDiffSerializer,
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def diff(self, request, pk=None):
        see_pay = Audience.of_request(request).see_pay
        result = plans.plan_diff(self.get_object(), with_cost=see_pay)
        names = result.names
        roles = [
            {
                "role": d.role,
                "title": names["role"].get(d.role, f"#{d.role}"),
                "kind": d.kind,
                "before": plans.describe(d.kind, d.before, names),
                "after": plans.describe(d.kind, d.after, names),
            }
            for d in result.roles
        ]
        departments = []
        for dept, change in result.departments.items():
            row = {
                "department": dept,
                "name": plans.describe("department", dept, names),
                "headcount_before": change.headcount_before,
                "headcount_after": change.headcount_after,
            }
            if see_pay:
                row |= {
                    "cost_before": f"{change.cost_before.amount:.2f}",
                    "cost_after": f"{change.cost_after.amount:.2f}",
                    "no_cost_known_before": change.cost_before.unknown,
                    "no_cost_known_after": change.cost_after.unknown,
                }
            departments.append(row)
        problems = [{"number": p.number, "role": p.role, "reason": p.message} for p in result.proposal.problems]
        return Response({"roles": roles, "departments": departments, "problems": problems})

    @extend_schema(
        summary=gettext_lazy("Submit a draft plan for approval (HR)"),
        request=None,
        responses={200: PlanSerializer, 409: ErrorSerializer},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self.fresh(self.call(plans.submit, self.get_object().pk))

    @extend_schema(
        summary=gettext_lazy("Approve a submitted plan with an effective date (approvers); 409 lists the conflicts"),
        responses={200: PlanSerializer, 409: CONFLICTS},
        examples=[OpenApiExample("next month", value={"effective_date": "2026-11-01"}, request_only=True)],
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        plan = self.get_object()
        data = self.valid(ApproveSerializer)
        try:
            return self.fresh(self.call(plans.approve, plan.pk, data.get("effective_date") or dated.today()))
        except plans.PlanConflicts as stopped:
            body = {
                "detail": _("The live organisation changed since the plan was made; nothing was applied."),
                "code": "plan_conflicts",
                "conflicts": ConflictSerializer([c._asdict() for c in stopped.conflicts], many=True).data,
            }
            return Response(body, status=status.HTTP_409_CONFLICT)

    @extend_schema(
        summary=gettext_lazy("Send a submitted plan back to HR with a comment (approvers)"),
        responses={200: PlanSerializer, 409: ErrorSerializer},
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        plan = self.get_object()
        data = self.valid(RejectSerializer)
        return self.fresh(self.call(plans.reject, plan.pk, data["comment"]))

    def valid(self, serializer_class):
        """The request's body, validated (a 400 naming each field otherwise)."""
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def call(self, service, *args, **kwargs):
        """A service of orgchart/plans.py as this user, its refusals as the API's errors."""
        try:
            return service(*args[:1], self.request.user, *args[1:], **kwargs)
        except DjangoValidationError as error:
            raise api_error(error) from None
