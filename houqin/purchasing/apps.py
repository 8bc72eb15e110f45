from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PurchasingConfig(AppConfig):
    name = "houqin.purchasing"
    label = "purchasing"
    verbose_name = _("Purchasing")

    def ready(self):
        from houqin.core.notify import register_category

        from . import (  # noqa: F401  (registrations: menu, roles, document types, jobs)
            navigation,
            navigation_orders,
            navigation_requests,
            permissions,
            registry_orders,
            registry_requests,
        )

        register_category("purchasing", _("Purchasing"))
