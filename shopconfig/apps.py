from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShopconfigConfig(AppConfig):
    name = "shopconfig"
    verbose_name = _("Shop settings")
