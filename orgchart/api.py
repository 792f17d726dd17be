"""The API's staffing part: people in post on the role endpoints, and the employees list (managers and HR).

Roles know nothing of people (shopconfig ← roles ← orgchart), so this module extends the
catalogue's role endpoints with them; shopconfig/urls.py registers these in their place.
"""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers

from roles.api import serializers as catalogue
from roles.api.permissions import CanSeeInternal
from roles.api.views import ReadOnlyViewSet, RoleViewSet, query_id
from roles.models import Role

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


class EmployeeSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    employee_number = serializers.CharField(read_only=True)
    role = serializers.IntegerField(source="role_id", read_only=True)
    role_title = serializers.CharField(source="role.title", read_only=True)
    shift = serializers.CharField(source="shift.name", read_only=True, allow_null=True, default=None)
    start_date = serializers.DateField(read_only=True, allow_null=True)
    active = PersonSerializer._declared_fields["active"]


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("List employees (managers and HR)"),
        parameters=[OpenApiParameter("role", int, description=gettext_lazy("Only the people in this role (its id)."))],
    ),
    retrieve=extend_schema(summary=gettext_lazy("One employee")),
)
class EmployeeViewSet(ReadOnlyViewSet):
    serializer_class = EmployeeSerializer
    permission_classes = [CanSeeInternal]
    error_codes_by_action = {"list": {"400", "401", "403"}}

    def get_queryset(self):
        people = Employee.objects.select_related("role", "shift")
        if self.action == "list" and "role" in self.request.query_params:
            people = people.filter(role__in=Role.objects.filter(pk=query_id(self.request, "role")))
        return people


ROUTES = {
    "roles": (StaffedRoleViewSet, "role"),
    "employees": (EmployeeViewSet, "employee"),
    "plans": (PlanViewSet, "plan"),
}
