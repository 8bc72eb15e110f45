"""The hygiene menu section (imported by the app's ready()); each area adds its items in its own
``navigation_<area>.py``."""

from django.utils.translation import gettext_lazy as _

from houqin.core import navigation
from houqin.core.navigation import NavSection

navigation.register_section(
    NavSection(key="hygiene", label=_("Hygiene and greening"), icon="plant-2", order=60)
)
