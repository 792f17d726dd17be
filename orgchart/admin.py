from django.contrib import admin

from .models import Employee


@admin.register(Employee)
class EmployeeAdmin(admin.ModelAdmin):
    list_display = ("name", "employee_number", "role", "shift", "start_date", "end_date")
    list_select_related = ("role", "shift")
    list_filter = ("shift", "role__department")
    search_fields = ("name", "employee_number", "role__title")
    autocomplete_fields = ("role",)
