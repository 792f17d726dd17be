from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShopconfigConfig(AppConfig):
    name = "shopconfig"
    verbose_name = _("Shop settings")

    def ready(self):
        from . import checks  # noqa: F401  (registers the start-up checks)
        from .security import connect_signals

        connect_signals()
