from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import PayPolicy, ShopProfile


class SingletonAdmin(admin.ModelAdmin):
    """Edit the one settings row; no adding or deleting."""

    def has_add_permission(self, request):
        return not self.model.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False


class PayPolicyAdmin(SingletonAdmin):
    def get_fieldsets(self, request, obj=None):
        description = _(
            "A new pay scheme starts from these values. Changing them leaves the existing pay schemes as they are."
        )
        return [(None, {"description": description, "fields": self.get_fields(request, obj)})]


admin.site.register(ShopProfile, SingletonAdmin)
admin.site.register(PayPolicy, PayPolicyAdmin)
