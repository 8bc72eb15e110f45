from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "houqin.org"
    label = "org"
    verbose_name = _("Schools and people")

    def ready(self):
        from . import navigation  # noqa: F401
