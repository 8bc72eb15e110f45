from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StoresConfig(AppConfig):
    name = "houqin.stores"
    label = "stores"
    verbose_name = _("Stores")

    def ready(self):
        from houqin.core.notify import register_category

        from . import (  # noqa: F401  (registrations: menu, roles, document types, jobs)
            navigation,
            navigation_catalogue,
            navigation_counts,
            navigation_printing,
            navigation_requisitions,
            permissions,
            registry_catalogue,
            registry_counts,
            registry_printing,
            registry_requisitions,
        )

        register_category("stores", _("Stores"))
