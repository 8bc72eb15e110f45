"""The canteen menu section (imported by the app's ready()); each area adds its items in its own
``navigation_<area>.py``."""

from django.utils.translation import gettext_lazy as _

from houqin.core import navigation
from houqin.core.navigation import NavSection

navigation.register_section(
    NavSection(key="canteen", label=_("Canteen and water"), icon="tools-kitchen-2", order=55)
)
