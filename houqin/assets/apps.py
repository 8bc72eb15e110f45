from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssetsConfig(AppConfig):
    name = "houqin.assets"
    label = "assets"
    verbose_name = _("Assets")

    def ready(self):
        from houqin.core.notify import register_category

        from . import (  # noqa: F401  (registrations: menu, roles, approvals, jobs)
            documents_disposal,
            documents_stocktake,
            jobs_ledger,
            jobs_movements,
            navigation,
            permissions,
        )

        register_category("assets", _("Assets"))
