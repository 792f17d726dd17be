from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from orgchart import api as staffing_api
from orgchart import handbook, headcount_report_api
from orgchart.chartfile.views import chart_file
from roles.api import urls as catalogue_api
from roles.bands_views import pay_bands_page
from roles.exports import excel
from roles.importer import views as role_import
from shopconfig import site_files


def api_urls():
    """/api/v1/: the catalogue's endpoints, with orgchart's staffing part and headcount report in place of or
    beside them."""
    router = DefaultRouter()
    for prefix, (viewset, basename) in (catalogue_api.ROUTES | staffing_api.ROUTES).items():
        router.register(prefix, viewset, basename=basename)
    return [*catalogue_api.urlpatterns, *headcount_report_api.urlpatterns, *router.urls]


admin.site.site_header = _("RoleAtlas administration")
admin.site.site_title = _("RoleAtlas")
admin.site.index_title = _("Catalogue administration")
# django-simple-history ships no zh-hans text for its history table's column header.
_("Changes")

urlpatterns = [
    path("robots.txt", site_files.robots_txt, name="robots-txt"),
    path("favicon.ico", site_files.favicon, name="favicon"),
    path("roles.xlsx", excel.catalogue_xlsx, name="catalogue-xlsx"),
    path("handbook.pdf", handbook.handbook_pdf, name="handbook"),
    path("handbook/<str:task_id>/", handbook.handbook_status, name="handbook-status"),
    path("handbook/<str:task_id>/download/", handbook.handbook_download, name="handbook-download"),
    path("orgchart.<str:fmt>", chart_file, name="chart-file"),
    path("", RedirectView.as_view(pattern_name="roles:list", permanent=False)),
    # Before the catalogue's "<slug>/": this address is not a role.
    path("roles/bands/", pay_bands_page, name="pay-bands"),
    path("roles/", include("roles.urls")),
    path("orgchart/", include("orgchart.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # Before the admin's own URLs, which would otherwise take it; admin_view asks for a staff login.
    path("admin/roles/import/", admin.site.admin_view(role_import.import_roles), name="role-import"),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_urls(), "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file: no inline script for the CSP to allow.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
