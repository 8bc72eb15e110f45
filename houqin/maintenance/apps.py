from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MaintenanceConfig(AppConfig):
    name = "houqin.maintenance"
    label = "maintenance"
    verbose_name = _("Repairs and maintenance")

    def ready(self):
        from houqin.core.notify import register_category

        from . import jobs, navigation, permissions, todo  # noqa: F401  (registrations)

        register_category("maintenance", _("Repairs"))
