from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssetsConfig(AppConfig):
    name = "houqin.assets"
    label = "assets"
    verbose_name = _("Assets")

    def ready(self):
        from houqin.core.notify import register_category

        from . import navigation, permissions  # noqa: F401  (registrations)

        register_category("assets", _("Assets"))
