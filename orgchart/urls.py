from django.contrib import admin
from django.urls import path

from . import headcount_views, plan_views, views
from .roster import views as roster

app_name = "orgchart"
urlpatterns = [
    path("", views.chart, name="chart"),
    path("data.json", views.chart_json, name="data"),
    path("vacancies/", views.vacancies, name="vacancies"),
    path("changes/", views.changes, name="changes"),
    path("changes.xlsx", views.changes_xlsx, name="changes-xlsx"),
    # The headcount report (编制报表): managers and HR only (orgchart/headcount_views.py).
    path("headcount/", headcount_views.headcount_page, name="headcount"),
    path("headcount.xlsx", headcount_views.headcount_xlsx, name="headcount-xlsx"),
    # Reorganisation plans (调整方案): HR and approvers only (orgchart/plan_views.py).
    path("plans/", plan_views.plan_list, name="plans"),
    path("plans/<int:plan_id>/", plan_views.plan_detail, name="plan"),
    path("plans/<int:plan_id>.xlsx", plan_views.plan_xlsx, name="plan-xlsx"),
    path("plans/<int:plan_id>/changes/", plan_views.plan_add_change, name="plan-add-change"),
    path("plans/<int:plan_id>/changes/<int:number>/remove/", plan_views.plan_remove_change, name="plan-remove-change"),
    path("plans/<int:plan_id>/submit/", plan_views.plan_submit, name="plan-submit"),
    path("plans/<int:plan_id>/approve/", plan_views.plan_approve, name="plan-approve"),
    path("plans/<int:plan_id>/reject/", plan_views.plan_reject, name="plan-reject"),
    # The roster import (花名册导入), admin-styled; admin_view asks for a staff login, the views for HR's permissions.
    path("roster/import/", admin.site.admin_view(roster.import_page), name="roster-import"),
    path("roster/template.xlsx", admin.site.admin_view(roster.template_xlsx), name="roster-template"),
]
