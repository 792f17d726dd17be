from django.contrib import admin

from .models import PayPolicy, ShopProfile


class SingletonAdmin(admin.ModelAdmin):
    """Edit the one settings row; no adding or deleting."""

    def has_add_permission(self, request):
        return not self.model.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register(ShopProfile, SingletonAdmin)
admin.site.register(PayPolicy, SingletonAdmin)
