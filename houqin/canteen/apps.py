from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CanteenConfig(AppConfig):
    name = "houqin.canteen"
    label = "canteen"
    verbose_name = _("Canteen and water")

    def ready(self):
        from houqin.core.notify import register_category

        from . import (  # noqa: F401  (registrations: menu, rules, roles, document types, jobs)
            navigation,
            navigation_food,
            navigation_water,
            registry_food,
            registry_water,
            rules,
        )

        register_category("canteen", _("Canteen and water"))
