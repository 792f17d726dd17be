from django.contrib import admin

from .models import Employee


@admin.register(Employee)
class EmployeeAdmin(admin.ModelAdmin):
    list_display = ("name", "employee_number", "role", "shift", "start_date", "active")
    list_select_related = ("role", "shift")
    list_filter = ("active", "shift", "role__department")
    search_fields = ("name", "employee_number", "role__title")
    autocomplete_fields = ("role",)
