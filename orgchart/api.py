"""The API's staffing part: people in post on the role endpoints, and the employees (managers read, HR places
people, checked against the active headcount plan: orgchart/placement.py).

Roles know nothing of people (shopconfig ← roles ← orgchart), so this module extends the
catalogue's role endpoints with them; shopconfig/urls.py registers these in their place.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response

from roles.api import serializers as catalogue
from roles.api.permissions import CanSeeInternal
from roles.api.serializers import RejectUnknownFields
from roles.api.views import ReadOnlyViewSet, RoleViewSet, query_id
from roles.models import Role, Shift
from roles.reading import Audience, RoleReader

from . import placement
from .headcount_plan_api import REFUSED, Day, HeadcountPlanViewSet, OverPlanSerializer, field_errors, refused_response
from .models import Employee
from .plan_api import PlanViewSet
from .staffing import staffed

INTERNAL_NOTE = catalogue.INTERNAL_NOTE


class PersonSerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True)
    employee_number = serializers.CharField(read_only=True)
    active = serializers.BooleanField(
        source="in_post_on", read_only=True, help_text=gettext_lazy("In post today, from the start and last days.")
    )


class StaffedRoleSerializer(catalogue.RoleSerializer):
    filled = serializers.IntegerField(
        read_only=True,
        help_text=gettext_lazy("People actively in post; absent unless the reader is a manager or HR."),
        required=False,
    )
    internal_fields = (*catalogue.RoleSerializer.internal_fields, "filled")

    class Meta(catalogue.RoleSerializer.Meta):
        fields = [*catalogue.RoleSerializer.Meta.fields, "filled"]


class StaffedRoleDetailSerializer(catalogue.RoleDetailSerializer):
    filled = StaffedRoleSerializer._declared_fields["filled"]
    employees = serializers.SerializerMethodField(help_text=INTERNAL_NOTE)
    internal_fields = (*catalogue.RoleDetailSerializer.internal_fields, "filled", "employees")

    class Meta(catalogue.RoleDetailSerializer.Meta):
        fields = [*catalogue.RoleDetailSerializer.Meta.fields, "filled", "employees"]

    @extend_schema_field(PersonSerializer(many=True))
    def get_employees(self, role):
        if "employees" in self.hidden_fields():
            return []
        return PersonSerializer(getattr(role, "api_employees", []), many=True).data


class StaffedRoleViewSet(RoleViewSet):
    """The catalogue's role endpoints, with the people in post for managers and HR."""

    staffed_serializers = {
        catalogue.RoleSerializer: StaffedRoleSerializer,
        catalogue.RoleDetailSerializer: StaffedRoleDetailSerializer,
    }

    def get_serializer_class(self):
        base = super().get_serializer_class()
        return self.staffed_serializers.get(base, base)

    def get_queryset(self):
        roles = super().get_queryset()
        if not self.reader().audience.see_people:
            return roles
        roles = staffed(roles)
        if self.action in ("retrieve", "update", "partial_update", "create"):
            roles = roles.prefetch_related(
                Prefetch("employees", queryset=Employee.objects.order_by("name"), to_attr="api_employees")
            )
        return roles


@extend_schema_field(OpenApiTypes.INT)
class OrganisationRole(serializers.PrimaryKeyRelatedField):
    """A role of the organisation (not archived), by id, as the request's reader sees it."""

    def get_queryset(self):
        return RoleReader(Audience.of_request(self.context["request"])).organisation()


class EmployeeSerializer(RejectUnknownFields, serializers.ModelSerializer):
    """A person in a role; HR writes. Dates are the counting rule's (orgchart/headcount.py)."""

    role = OrganisationRole(help_text=gettext_lazy("The role's id."))
    role_title = serializers.CharField(source="role.title", read_only=True)
    shift = serializers.SlugRelatedField(
        slug_field="name",
        queryset=Shift.objects.all(),
        allow_null=True,
        required=False,
        help_text=gettext_lazy("The shift's name, e.g. 白班; null: none."),
    )
    start_date = Day(allow_null=True, required=False, help_text=gettext_lazy("First day in post; null: unknown."))
    end_date = Day(
        allow_null=True,
        required=False,
        help_text=gettext_lazy("Last day in post (预减 until then); null while the person stays."),
    )
    recorded_on = Day(
        required=False, help_text=gettext_lazy("The day the hire was recorded (预增 from then); default today.")
    )
    active = PersonSerializer._declared_fields["active"]

    class Meta:
        model = Employee
        fields = [
            "id",
            "name",
            "employee_number",
            "role",
            "role_title",
            "shift",
            "start_date",
            "end_date",
            "recorded_on",
            "active",
        ]


class PlacedSerializer(EmployeeSerializer):
    """A saved placement, with the warn lines it goes over (empty within the plan)."""

    warnings = OverPlanSerializer(
        many=True, read_only=True, help_text=gettext_lazy("Lines under warn (提醒) this placement goes over.")
    )

    class Meta(EmployeeSerializer.Meta):
        fields = [*EmployeeSerializer.Meta.fields, "warnings"]


class MoveToRoleSerializer(RejectUnknownFields, serializers.Serializer):
    role = OrganisationRole(help_text=gettext_lazy("The role the person moves to (调动), by id."))


class EmployeeWrites(BasePermission):
    """HR adds people (add_employee) and changes them, moves included (change_employee)."""

    message = gettext_lazy("Only HR may place people in roles.")

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        needed = "add" if view.action == "create" else "change"
        return request.user.has_perm(f"orgchart.{needed}_employee")


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("List employees (managers and HR)"),
        parameters=[OpenApiParameter("role", int, description=gettext_lazy("Only the people in this role (its id)."))],
    ),
    retrieve=extend_schema(summary=gettext_lazy("One employee")),
    create=extend_schema(
        summary=gettext_lazy("Add a person to a role (HR), checked against the active headcount plan"),
        responses={201: PlacedSerializer, 409: REFUSED},
        examples=[
            OpenApiExample(
                "a hire starting next month",
                value={"name": "张三", "employee_number": "E1001", "role": 7, "start_date": "2026-02-01"},
                request_only=True,
            )
        ],
    ),
    update=extend_schema(
        summary=gettext_lazy("Change a person (HR); a new role, start date or last day is checked against the plan"),
        responses={200: PlacedSerializer, 409: REFUSED},
    ),
    partial_update=extend_schema(
        summary=gettext_lazy("Change some fields of a person (HR), checked against the plan"),
        responses={200: PlacedSerializer, 409: REFUSED},
    ),
)
class EmployeeViewSet(
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ReadOnlyViewSet,
):
    """People in roles: managers and HR read, HR places them; a placement over the active headcount plan
    is refused (409 with the numbers) or saved with warnings, as the plan says."""

    serializer_class = EmployeeSerializer
    permission_classes = [CanSeeInternal, EmployeeWrites]
    error_codes_by_action = {
        "list": {"400", "401", "403"},
        "retrieve": {"401", "403", "404"},
        "create": {"400", "401", "403", "409"},
        "update": {"400", "401", "403", "404", "409"},
        "partial_update": {"400", "401", "403", "404", "409"},
        "move": {"400", "401", "403", "404", "409"},
    }

    def get_queryset(self):
        people = Employee.objects.select_related("role", "shift")
        if self.action == "list" and "role" in self.request.query_params:
            people = people.filter(role__in=Role.objects.filter(pk=query_id(self.request, "role")))
        return people

    def get_serializer_class(self):
        return MoveToRoleSerializer if self.action == "move" else EmployeeSerializer

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self.placed(Employee(**serializer.validated_data), status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        employee = self.get_object()
        serializer = self.get_serializer(employee, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        for name, value in serializer.validated_data.items():
            setattr(employee, name, value)
        return self.placed(employee, status.HTTP_200_OK)

    @extend_schema(
        summary=gettext_lazy("Move a person to another role (调动, HR), checked against the plan"),
        request=MoveToRoleSerializer,
        responses={200: PlacedSerializer, 409: REFUSED},
        examples=[OpenApiExample("move", value={"role": 7}, request_only=True)],
    )
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        employee = self.get_object()
        serializer = MoveToRoleSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        employee.role = serializer.validated_data["role"]
        return self.placed(employee, status.HTTP_200_OK)

    def placed(self, employee, answer_status):
        """Validate and place `employee` (orgchart/placement.py); the API's answer."""
        try:
            employee.full_clean()
            done = placement.place(employee, self.request.user)
        except DjangoValidationError as error:
            raise field_errors(error) from None
        except placement.PlacementRefused as refused:
            return refused_response(refused)
        employee = self.get_queryset().get(pk=done.employee.pk)
        employee.warnings = [finding.as_dict() for finding in done.warnings]
        data = PlacedSerializer(employee, context=self.get_serializer_context()).data
        return Response(data, status=answer_status)


ROUTES = {
    "roles": (StaffedRoleViewSet, "role"),
    "employees": (EmployeeViewSet, "employee"),
    "plans": (PlanViewSet, "plan"),
    "headcount-plans": (HeadcountPlanViewSet, "headcountplan"),
}
