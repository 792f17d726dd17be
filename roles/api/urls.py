from django.urls import include, path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("roles", views.RoleViewSet, basename="role")
router.register("departments", views.DepartmentViewSet, basename="department")
router.register("grades", views.GradeViewSet, basename="grade")
router.register("pay-schemes", views.PaySchemeViewSet, basename="payscheme")
router.register("employees", views.EmployeeViewSet, basename="employee")

app_name = "api"
urlpatterns = [
    path("tree/", views.tree, name="tree"),
    path("pay/warning/", views.pay_warning, name="pay-warning"),
    path("", include(router.urls)),
]
