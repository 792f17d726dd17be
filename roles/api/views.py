"""The REST API: thin views over roles.permissions (who sees what) and roles.services (tree writes)."""

import dataclasses
import datetime
import json
import re

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, generics, mixins, status, viewsets
from rest_framework.decorators import action, api_view, permission_classes
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response
from rest_framework.reverse import reverse

from shopconfig.models import PayPolicy
from shopconfig.revision_cache import cached

from .. import changes_list, paycalc, services, timeline, workflow
from ..models import Department, Grade, JobFamily, PayGrade, PayScheme, Role, RoleChange
from ..reading import Audience, RoleReader
from . import examples
from . import serializers as s
from .permissions import CanSeeInternal, CanSeePay, CatalogueAccess
from .schema import error_codes

# A cycle is bad input (400 under the field that names the superior); these are conflicts with the tree's state.
TREE_CONFLICTS = {"has_subordinates", "in_use"}
TREE_FIELDS = ["lft", "rght", "tree_id", "level"]
# An id in a path is digits: /roles/1.5/, /roles/%205/ or /roles/٣/ match no route (a JSON 404), never role 1 or 5 or 3.
ID_IN_PATH = "[0-9]+"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("The change conflicts with the role tree.")
    default_code = "conflict"


# Refusals of roles/dated.py and the tree service that are about the effective date asked for.
DATE_ERRORS = {"date_out_of_range", "before_created", "future_creation"}


def api_error(error, field="parent"):
    """A Django ValidationError from the model or the tree service, as the API's 409 or 400.

    `field` names the request field a cycle is blamed on (parent, or a move's target).
    """
    code = getattr(error, "code", None)
    if code in TREE_CONFLICTS:
        return Conflict(error.messages[0], code=code)
    if code == "cycle":
        return exceptions.ValidationError({field: error.messages})
    if code in DATE_ERRORS:
        return exceptions.ValidationError({"effective_date": error.messages})
    if hasattr(error, "error_dict"):
        return exceptions.ValidationError(error.message_dict)
    return exceptions.ValidationError({"non_field_errors": error.messages})


def query_id(request, name):
    """A query parameter that holds an id: a whole number in digits (`?role=٣`, `?role=+3` and `?role=` are
    a 400 under its name, not role 3 or no filter)."""
    value = request.query_params[name]
    if not re.fullmatch(r"-?[0-9]+", value):
        raise exceptions.ValidationError({name: [_("Enter the id as a whole number.")]})
    return int(value)


def money(value):
    return f"{value:.2f}"


def day_parameter(name, description):
    """A query parameter holding a day, with the range the server accepts (1900–2100) in its pattern."""
    return OpenApiParameter(
        name, datetime.date, pattern=timeline.DAY_PATTERN, allow_blank=False, description=description
    )


ROLES_AS_OF = day_parameter(
    "as_of",
    gettext_lazy(
        "The job descriptions as in force at the end of this day (YYYY-MM-DD, 1900-01-01 to 2100-12-31): the "
        "approved version of that day in that day's place in the organisation; default today. Readers who may "
        "not see drafts get today's for a later day."
    ),
)


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("List roles"),
        parameters=[
            OpenApiParameter(
                "q", str, description=gettext_lazy("Words that must all appear in the title, duties or requirements.")
            ),
            OpenApiParameter("department", str, description=gettext_lazy("Department code (its teams are included).")),
            OpenApiParameter("grade", str, description=gettext_lazy("Grade code.")),
            OpenApiParameter(
                "status", str, enum=Role.Status.values, description=gettext_lazy("Review status, e.g. published.")
            ),
            ROLES_AS_OF,
        ],
        examples=examples.ROLE_LIST,
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("One job description, with duties, requirements and KPIs"),
        parameters=[ROLES_AS_OF],
        examples=examples.ROLE_DETAIL,
    ),
    create=extend_schema(summary=gettext_lazy("Create a role (HR)"), examples=examples.ROLE_CREATE),
    update=extend_schema(
        summary=gettext_lazy("Update a role (HR); changing the superior moves it in the tree"),
        examples=examples.ROLE_UPDATE,
    ),
    partial_update=extend_schema(
        summary=gettext_lazy("Update some fields of a role (HR)"), examples=examples.ROLE_PARTIAL_UPDATE
    ),
    destroy=extend_schema(
        summary=gettext_lazy("Delete a role without subordinates (HR)"), examples=examples.ROLE_DELETE
    ),
)
class RoleViewSet(viewsets.ModelViewSet):
    """Roles the reader may see; HR writes through the tree service (locks, cycle checks)."""

    queryset = Role.objects.all()
    permission_classes = [CatalogueAccess]
    lookup_value_regex = ID_IN_PATH
    error_codes_by_action = {
        "list": {"400", "401", "403"},
        "retrieve": {"400", "401", "403", "404"},  # 400: an as_of that is no date
        "create": {"400", "401", "403"},
        "update": {"400", "401", "403", "404"},
        "partial_update": {"400", "401", "403", "404"},
        "destroy": {"401", "403", "404", "409"},
        "move": {"400", "401", "403", "404"},
        "pay_estimate": {"400", "401", "403", "404"},
    }

    def get_serializer_class(self):
        if self.action == "list":
            return s.RoleSerializer
        if self.action == "move":
            return s.MoveSerializer
        if self.action == "pay_estimate":
            return s.PayEstimateRequestSerializer
        return s.RoleDetailSerializer

    def reader(self):
        """The request's reader, made once: list and retrieve read the day of ?as_of= (BadParameter, a
        400, when it is no date); writes answer with today's view."""
        if getattr(self, "_reader", None) is None:
            if self.action in ("list", "retrieve"):
                self._reader = RoleReader.of_request(self.request)
            else:
                self._reader = RoleReader(Audience.of_request(self.request))
        return self._reader

    def get_queryset(self):
        reader = self.reader()
        if self.action == "list":
            return self.filter_list(reader, reader.cards())
        if self.action in ("retrieve", "update", "partial_update", "create"):
            return reader.job_descriptions()
        return reader.cards()

    def filter_list(self, reader, roles):
        params = self.request.query_params
        roles = reader.search(roles, params.get("q", ""))
        roles = reader.in_place(roles, params.get("department", ""), params.get("grade", ""))
        if "status" in params:
            role_status = params["status"]
            if role_status not in Role.Status.values:
                raise exceptions.ValidationError(
                    {"status": [_("Unknown status: %(status)s") % {"status": role_status}]}
                )
            roles = roles.filter(status=role_status)
        return roles.order_by("tree_id", "lft")

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        page = self.reader().load(page, superior_only=True)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        [role] = self.reader().load([self.get_object()])
        return Response(self.get_serializer(role).data)

    def pay_subject(self, pk):
        """The role with its pay scheme and tiers, read once per catalogue revision (pay-estimate is
        called for many months of one role; the revision changes with roles and pay schemes)."""

        def load():
            roles = self.reader().roles().select_related("pay_scheme").prefetch_related("pay_scheme__tiers")
            try:
                return get_object_or_404(roles, pk=pk)
            except Http404:
                return None

        role = cached(("pay-subject", str(pk), Audience.of_request(self.request).see_drafts), load)
        if role is None:
            raise Http404
        return role

    def fresh(self, pk):
        """The role as saved, loaded like a retrieve (the reader's view of it)."""
        self.action = "retrieve"
        [role] = self.reader().load([self.get_queryset().get(pk=pk)])
        return role

    def write(self, serializer, instance=None):
        """Validate like the admin does, then save the role and the card's items through the tree service."""
        data = dict(serializer.validated_data)
        items = {name: data.pop(name) for name in ("duties", "skills", "kpis") if name in data}
        if "requirement" in data:
            requirement = data.pop("requirement")
            items["requirement"] = requirement
            items["clear_requirement"] = requirement is None
        day = data.pop("effective_date", None)
        leads_to = data.pop("leads_to", None)  # career paths: checked by the serializer, not dated
        role = instance if instance is not None else Role()
        for name, value in data.items():
            setattr(role, name, value)
        try:
            role.full_clean(exclude=TREE_FIELDS)
            with transaction.atomic():
                workflow.save_edit(
                    role, _("Changed through the API"), effective_date=day, user=self.request.user, **items
                )
                if leads_to is not None:
                    role.leads_to.set(leads_to)
        except DjangoValidationError as error:
            raise api_error(error) from None
        if instance is not None:
            workflow.after_edit(role.pk, self.request.user)
        return role

    def perform_create(self, serializer):
        serializer.instance = self.fresh(self.write(serializer).pk)

    def perform_update(self, serializer):
        role = self.write(serializer, serializer.instance)
        serializer.instance = self.fresh(role.pk)

    def perform_destroy(self, instance):
        try:
            services.delete_role(instance.pk)
        except DjangoValidationError as error:
            raise api_error(error) from None

    @extend_schema(
        summary=gettext_lazy("Move a role and its subordinates (HR)"),
        request=s.MoveSerializer,
        responses=s.RoleDetailSerializer,
        examples=examples.MOVE,
    )
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        role = self.get_object()
        serializer = s.MoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        target = serializer.validated_data["target"]
        try:
            services.move_role(
                role.pk,
                target.pk if target else None,
                serializer.validated_data["position"],
                effective_date=serializer.validated_data.get("effective_date"),
                user=request.user,
            )
        except DjangoValidationError as error:
            raise api_error(error, field="target") from None
        role = self.fresh(role.pk)
        return Response(self.get_serializer_class()(role, context=self.get_serializer_context()).data)

    @extend_schema(
        summary=gettext_lazy("Estimate one month's pay for this role"),
        request=s.PayEstimateRequestSerializer,
        responses=s.PayEstimateSerializer,
        examples=examples.PAY_ESTIMATE,
    )
    @action(detail=True, methods=["post"], url_path="pay-estimate", permission_classes=[CanSeePay])
    def pay_estimate(self, request, pk=None):
        role = self.pay_subject(pk)
        serializer = s.PayEstimateRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if role.pay_scheme is None:
            raise exceptions.ValidationError(
                {"non_field_errors": [_("“%(role)s” has no pay scheme to compute pay with.") % {"role": role.title}]}
            )
        rules = role.pay_scheme.rules(role=role)
        if "commission_rate" in data:
            rules = dataclasses.replace(rules, commission_rate=data["commission_rate"])
        base_salary = data.get("base_salary", role.base_salary)
        bonus = data.get("performance_bonus_amount", role.performance_bonus_amount)
        missing = {}
        if base_salary is None:
            missing["base_salary"] = [_("The role has no base salary; give one.")]
        if bonus is None:
            missing["performance_bonus_amount"] = [_("The role has no full performance bonus; give one.")]
        if missing:
            raise exceptions.ValidationError(missing)
        facts = paycalc.MonthFacts(
            performance_score=data["performance_score"],
            late_count=data["late_count"],
            early_leave_count=data["early_leave_count"],
            leave_count=data["leave_count"],
            absent_days=data["absent_days"],
            sales_amount=data["sales_amount"],
            special_bonus=data["special_bonus"],
        )
        try:
            result = paycalc.compute_pay(rules, base_salary, bonus, facts)
        except ValueError as error:
            raise exceptions.ValidationError({"non_field_errors": [str(error)]}) from None
        return Response(
            {
                "base_salary": money(result.base_salary),
                "attendance_bonus": money(result.attendance_bonus),
                "performance_bonus": money(result.performance_bonus),
                "commission": money(result.commission),
                "special_bonus": money(result.special_bonus),
                "total": money(result.total),
                "attendance_bonus_cancelled": result.attendance_bonus_cancelled,
                "performance_rate": money(result.performance_rate),
                "reasons": [str(reason) for reason in result.reasons],
            }
        )


class ReadOnlyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    error_codes = {"401", "403"}
    lookup_value_regex = ID_IN_PATH


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("List departments")),
    retrieve=extend_schema(summary=gettext_lazy("One department")),
)
class DepartmentViewSet(ReadOnlyViewSet):
    queryset = Department.objects.all()
    serializer_class = s.DepartmentSerializer


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("List grades")), retrieve=extend_schema(summary=gettext_lazy("One grade"))
)
class GradeViewSet(ReadOnlyViewSet):
    queryset = Grade.objects.all()
    serializer_class = s.GradeSerializer


class InUseProtected:
    """Deleting a record that roles still use is a 409 naming them (the model protects it)."""

    def perform_destroy(self, instance):
        try:
            instance.delete()
        except ProtectedError as error:
            names = "、".join(sorted(str(role) for role in error.protected_objects))
            raise Conflict(
                _("“%(name)s” is still in use by: %(names)s.") % {"name": instance, "names": names}, code="in_use"
            ) from None


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("List job families")),
    retrieve=extend_schema(summary=gettext_lazy("One job family")),
    create=extend_schema(summary=gettext_lazy("Create a job family (HR)")),
    update=extend_schema(summary=gettext_lazy("Update a job family (HR)")),
    partial_update=extend_schema(summary=gettext_lazy("Update some fields of a job family (HR)")),
    destroy=extend_schema(summary=gettext_lazy("Delete a job family no role uses (HR)")),
)
class JobFamilyViewSet(InUseProtected, viewsets.ModelViewSet):
    """Job families (序列): everyone reads them, HR writes."""

    queryset = JobFamily.objects.all()
    serializer_class = s.JobFamilySerializer
    permission_classes = [CatalogueAccess]
    lookup_value_regex = ID_IN_PATH
    error_codes_by_action = {
        "list": {"401", "403"},
        "retrieve": {"401", "403", "404"},
        "create": {"400", "401", "403"},
        "update": {"400", "401", "403", "404"},
        "partial_update": {"400", "401", "403", "404"},
        "destroy": {"401", "403", "404", "409"},
    }


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("List pay grades; their bands and band figures for pay readers")),
    retrieve=extend_schema(summary=gettext_lazy("One pay grade")),
    create=extend_schema(summary=gettext_lazy("Create a pay grade (HR)")),
    update=extend_schema(summary=gettext_lazy("Update a pay grade (HR)")),
    partial_update=extend_schema(summary=gettext_lazy("Update some fields of a pay grade (HR)")),
    destroy=extend_schema(summary=gettext_lazy("Delete a pay grade no role uses (HR)")),
)
class PayGradeViewSet(InUseProtected, viewsets.ModelViewSet):
    """Pay grades (职等) from the most senior: everyone reads number and name; the band (minimum,
    midpoint, maximum) and its figures (带宽, 级差, 重叠度) only readers who may see pay; HR writes."""

    queryset = PayGrade.objects.with_next_band()
    serializer_class = s.PayGradeSerializer
    permission_classes = [CatalogueAccess]
    lookup_value_regex = ID_IN_PATH
    error_codes_by_action = JobFamilyViewSet.error_codes_by_action

    def perform_create(self, serializer):
        serializer.save()
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)  # with the next band as saved

    def perform_update(self, serializer):
        serializer.save()
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)  # a new number: another next band


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("List pay schemes (pay readers)")),
    retrieve=extend_schema(summary=gettext_lazy("One pay scheme")),
)
class PaySchemeViewSet(mixins.CreateModelMixin, ReadOnlyViewSet):
    queryset = PayScheme.objects.prefetch_related("tiers")
    serializer_class = s.PaySchemeSerializer
    permission_classes = [CanSeePay, CatalogueAccess]


AS_OF = day_parameter(
    "as_of",
    gettext_lazy(
        "The organisation as in force at the end of this day (YYYY-MM-DD, 1900-01-01 to 2100-12-31); "
        "default today. Readers who may not see drafts get today's for a later day."
    ),
)


@error_codes("400", "401", "403", "414")
@extend_schema(
    summary=gettext_lazy("The role tree as flat rows for the chart"),
    parameters=[AS_OF],
    responses=s.TreeNodeSerializer(many=True),
    examples=examples.TREE,
)
@api_view(["GET"])
def tree(request):
    """Visible roles in tree order; a hidden draft's subordinates hang from its nearest visible superior.

    The JSON is built once per catalogue revision, reader kind and day in each process: at 2,000
    roles building it costs ~10 ms, a cached answer one small query.
    """
    reader = RoleReader.of_request(request)
    base = reverse("api:role-list", request=request)
    if request.accepted_renderer.format != "json":  # the browsable API renders the rows itself
        return Response(tree_rows(reader, base))
    key = ("api-tree", reader.audience, reader.as_of, base)
    body = cached(key, lambda: json.dumps(tree_rows(reader, base), ensure_ascii=False))
    return HttpResponse(body, content_type="application/json")


def tree_rows(reader, base):
    rows = reader.rows(reader.organisation(), ("slug", "department_id", "grade_id"))
    return [
        {
            "id": role_id,
            "parent": superior,
            "title": title,
            "slug": slug,
            "department": department,
            "grade": grade,
            "status": role_status,
            "url": f"{base}{role_id}/",
        }
        for role_id, superior, title, role_status, _public, slug, department, grade in rows
    ]


def policy_rules():
    """The dismissal-warning rule of the company-wide pay-policy defaults."""
    policy = PayPolicy.load()
    return paycalc.PayRules(
        attendance_bonus_rate=policy.attendance_bonus_rate,
        attendance_incident_limit=policy.attendance_incident_limit,
        absence_days_limit=policy.absence_days_limit,
        tiers=(),
        has_commission=False,
        commission_rate=None,
        has_special_bonus=False,
        warning_enabled=True,
        warning_consecutive_months=policy.warning_consecutive_months,
        warning_score=policy.warning_score,
    )


@extend_schema(
    summary=gettext_lazy("Changes to the organisation in force in a period (managers and HR)"),
    parameters=[
        day_parameter("from", gettext_lazy("First day (YYYY-MM-DD); default 30 days before `to`.")),
        day_parameter("to", gettext_lazy("Last day (YYYY-MM-DD); default today.")),
        OpenApiParameter(
            "kind", str, enum=RoleChange.Kind.values, description=gettext_lazy("Only changes of this kind.")
        ),
        OpenApiParameter("department", str, description=gettext_lazy("Department code (its teams are included).")),
    ],
)
class ChangeListView(generics.ListAPIView):
    """The dated changes in force from `from` to `to`, oldest first, each with the value it replaced."""

    permission_classes = [CanSeeInternal]
    serializer_class = s.ChangeSerializer
    error_codes = {"400", "401", "403", "404"}

    def get_queryset(self):
        return changes_list.rows(self.request.query_params)[3]


@error_codes("400", "401", "403", "404")
@extend_schema(
    summary=gettext_lazy("Dismissal warning over a run of months"),
    request=s.WarningRequestSerializer,
    responses=s.WarningSerializer,
    examples=examples.PAY_WARNING,
)
@api_view(["POST"])
@permission_classes([CanSeePay])
def pay_warning(request):
    """Months oldest first; the rule is the role's or pay scheme's, else the pay-policy defaults."""
    serializer = s.WarningRequestSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    if "role" in data:
        role = get_object_or_404(
            RoleReader(Audience.of_request(request))
            .roles()
            .select_related("pay_scheme")
            .prefetch_related("pay_scheme__tiers"),
            pk=data["role"],
        )
        if role.pay_scheme is None:
            raise exceptions.ValidationError(
                {"role": [_("“%(role)s” has no pay scheme to take the rule from.") % {"role": role.title}]}
            )
        rules = role.pay_scheme.rules(role=role)
    elif "pay_scheme" in data:
        rules = get_object_or_404(PayScheme.objects.prefetch_related("tiers"), pk=data["pay_scheme"]).rules()
    else:
        rules = policy_rules()
    months = [paycalc.MonthRecord(m["performance_score"], m["met_base_target"]) for m in data["months"]]
    try:
        result = paycalc.dismissal_warning(rules, months)
    except ValueError as error:
        raise exceptions.ValidationError({"months": [str(error)]}) from None
    return Response(
        {"warning": result.warning, "months": list(result.months), "reasons": [str(r) for r in result.reasons]}
    )
