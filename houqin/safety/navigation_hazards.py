"""Menu items: hazards (隐患) and their closed loop."""

from django.utils.translation import gettext_lazy as _

from houqin.core import navigation
from houqin.core.navigation import NavItem

for _item in (
    NavItem(
        section="safety",
        label=_("Hazards"),
        url_name="safety:hazard_list",
        visible=lambda access: (
            access.has_perm("safety.add_hazard") or access.has_perm("safety.view_hazard")
        ),
        icon="alert-triangle",
        order=30,
    ),
    NavItem(
        section="safety",
        label=_("Report a hazard"),
        url_name="safety:hazard_add",
        perm="safety.add_hazard",
        icon="camera-plus",
        order=31,
    ),
    NavItem(
        section="safety",
        label=_("Hazard register"),
        url_name="safety:hazard_register",
        perm="safety.view_hazard",
        icon="notebook",
        order=32,
    ),
):
    navigation.register(_item)
