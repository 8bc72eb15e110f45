from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SafetyConfig(AppConfig):
    name = "houqin.safety"
    label = "safety"
    verbose_name = _("Safety")

    def ready(self):
        from houqin.core.notify import register_category

        from . import (  # noqa: F401  (registrations: menu, rules, roles, document types, jobs)
            navigation,
            navigation_documents,
            navigation_hazards,
            navigation_inspections,
            registry_documents,
            registry_hazards,
            registry_inspections,
            rules,
        )

        register_category("safety", _("Safety"))
