from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HygieneConfig(AppConfig):
    name = "houqin.hygiene"
    label = "hygiene"
    verbose_name = _("Hygiene and greening")

    def ready(self):
        from houqin.core.notify import register_category

        from . import (  # noqa: F401  (registrations: menu, rules, roles, document types, jobs)
            navigation,
            navigation_greening,
            navigation_scores,
            registry_greening,
            registry_scores,
            rules,
        )

        register_category("hygiene", _("Hygiene and greening"))
