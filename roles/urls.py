from django.urls import path

from . import views
from .exports import pdf, word

app_name = "roles"
urlpatterns = [
    path("", views.role_list, name="list"),
    path("<slug:slug>/", views.role_detail, name="detail"),
    path("<slug:slug>/history/", views.role_history, name="history"),
    path("<slug:slug>.pdf", pdf.role_pdf, name="pdf"),
    path("<slug:slug>.docx", word.role_docx, name="docx"),
]
