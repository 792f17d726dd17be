"""The catalogue's part of the API; shopconfig/urls.py assembles the whole /api/v1/ with orgchart's part."""

from django.urls import path

from . import views

# prefix -> (viewset, basename); another app may replace an entry with a subclass (orgchart adds people).
ROUTES = {
    "roles": (views.RoleViewSet, "role"),
    "departments": (views.DepartmentViewSet, "department"),
    "grades": (views.GradeViewSet, "grade"),
    "job-families": (views.JobFamilyViewSet, "jobfamily"),
    "pay-grades": (views.PayGradeViewSet, "paygrade"),
    "pay-schemes": (views.PaySchemeViewSet, "payscheme"),
}

urlpatterns = [
    path("tree/", views.tree, name="tree"),
    path("changes/", views.ChangeListView.as_view(), name="changes"),
    path("pay/warning/", views.pay_warning, name="pay-warning"),
]
