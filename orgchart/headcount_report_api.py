"""GET /api/v1/headcount/?plan=&as_of=: the headcount report (编制报表) as one row per role, for managers
and HR (401 for anonymous callers, 403 for others, as /api/v1/employees/). The figures are the page's
(orgchart/headcount_report.py); shopconfig/urls.py mounts `urlpatterns` under /api/v1/."""

from django.urls import path
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.response import Response

from roles.api.permissions import CanSeeInternal
from roles.api.schema import error_codes
from roles.api.views import day_parameter
from roles.reading import Audience, RoleReader

from . import headcount_report

PLANNED_NOTE = gettext_lazy(
    "Null where the role has no line of its own in the plan (not controlled, or counted under a department cap)."
)


class HeadcountRowSerializer(serializers.Serializer):
    role = serializers.IntegerField(help_text=gettext_lazy("The role's id."))
    title = serializers.CharField()
    department = serializers.IntegerField(help_text=gettext_lazy("The role's department (its id)."))
    control_mode = serializers.CharField(
        allow_null=True,
        help_text=gettext_lazy(
            "The control of the line that controls the role (none | warn | deny | ratio): its own line's, else "
            "the nearest department cap's; null when no line controls it."
        ),
    )
    cap_department = serializers.IntegerField(
        allow_null=True,
        help_text=gettext_lazy("The department whose cap controls the role when it has no line of its own."),
    )
    planned = serializers.IntegerField(allow_null=True, help_text=PLANNED_NOTE)
    allowed = serializers.IntegerField(
        allow_null=True,
        help_text=gettext_lazy(
            "Planned; by ratio, planned × percentage, rounded down. Null where the role has no line of its own."
        ),
    )
    in_post = serializers.IntegerField(help_text=gettext_lazy("In post at the end of the day."))
    pre_hire = serializers.IntegerField(help_text=gettext_lazy("预增: recorded hires starting after the day."))
    pre_leave = serializers.IntegerField(help_text=gettext_lazy("预减: in post with a recorded last day."))
    occupied = serializers.IntegerField(
        help_text=gettext_lazy("In post, plus 预增 when the plan counts a hire from the day it is recorded.")
    )
    vacant = serializers.IntegerField(allow_null=True, help_text=PLANNED_NOTE)
    over = serializers.IntegerField(allow_null=True, help_text=PLANNED_NOTE)


def api_row(row):
    figures, line = row.figures, row.figures.controlled_by
    return {
        "role": row.id,
        "title": row.name,
        "department": row.department,
        "control_mode": line.mode if line else None,
        "cap_department": line.department if line and line.role is None else None,
        "planned": figures.planned,
        "allowed": figures.allowed,
        "in_post": figures.in_post,
        "pre_hire": figures.pre_hire,
        "pre_leave": figures.pre_leave,
        "occupied": figures.occupied,
        "vacant": figures.vacant,
        "over": figures.over,
    }


PLAN = OpenApiParameter(
    "plan",
    {"type": "integer", "minimum": 1, "maximum": 10**18 - 1},
    description=gettext_lazy("The headcount plan's id; default the active plan covering the day."),
)
AS_OF = day_parameter(
    "as_of",
    gettext_lazy("Count the people at the end of this day (YYYY-MM-DD, 1900-01-01 to 2100-12-31); default today."),
)


@error_codes("400", "401", "403", "404")
@extend_schema(
    summary=gettext_lazy("Headcount report: a plan against the people in post, per role (managers and HR)"),
    description=gettext_lazy(
        "One row per role of the organisation, in the report's order (by department, then the role tree). "
        "The counting rule (口径): in post = started on or before the day and not past the last day; 预增 = "
        "recorded on or before the day and starting after it; 预减 = in post with a recorded last day; "
        "occupied = in post, plus 预增 when the plan counts a hire from the day it is recorded; vacant = "
        "planned − occupied, over = occupied − planned, never below 0. 404 when no plan is given and no "
        "active plan covers the day."
    ),
    parameters=[PLAN, AS_OF],
    responses=HeadcountRowSerializer(many=True),
)
@api_view(["GET"])
@permission_classes([CanSeeInternal])
def headcount(request):
    plan, day = headcount_report.choose(request.query_params)
    if plan is None:
        raise exceptions.NotFound(gettext_lazy("No active headcount plan covers this day; give ?plan=."))
    report = headcount_report.build(plan, day, RoleReader(Audience.of_request(request), as_of=day))
    return Response([api_row(row) for row in report.roles])


urlpatterns = [path("headcount/", headcount, name="headcount")]
