from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "houqin.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        # Each concern registers its navigation, to-do sources and periodic jobs here.
        for module in ("navigation_items", "todo_sources", "jobs"):
            try:
                import_module(f"{self.name}.{module}")
            except ModuleNotFoundError as exc:
                if exc.name != f"{self.name}.{module}":
                    raise
