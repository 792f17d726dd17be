from django.contrib import admin
from django.urls import path

from . import architecture_views, views
from .bands_import_views import bands_xlsx
from .bands_import_views import import_page as bands_import_page
from .exports import pdf, word

app_name = "roles"
urlpatterns = [
    path("", views.role_list, name="list"),
    # Before "<slug:slug>/": these addresses are not roles.
    path("architecture/", architecture_views.architecture_page, name="architecture"),
    path("architecture.xlsx", architecture_views.architecture_xlsx, name="architecture-xlsx"),
    path("architecture.pdf", architecture_views.architecture_pdf, name="architecture-pdf"),
    path("<slug:slug>/", views.role_detail, name="detail"),
    path("<slug:slug>/history/", views.role_history, name="history"),
    path("<slug:slug>.pdf", pdf.role_pdf, name="pdf"),
    path("<slug:slug>.docx", word.role_docx, name="docx"),
    # The band table in Excel (pay readers) and its import, admin-styled (HR; admin_view asks for a staff login).
    path("bands.xlsx", bands_xlsx, name="bands-xlsx"),
    path("bands/import/", admin.site.admin_view(bands_import_page), name="bands-import"),
]
