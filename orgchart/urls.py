from django.urls import path

from . import views

app_name = "orgchart"
urlpatterns = [
    path("", views.chart, name="chart"),
    path("data.json", views.chart_json, name="data"),
    path("vacancies/", views.vacancies, name="vacancies"),
    path("changes/", views.changes, name="changes"),
    path("changes.xlsx", views.changes_xlsx, name="changes-xlsx"),
]
