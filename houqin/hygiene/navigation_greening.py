"""Menu items: greening plots, plants and care tasks."""

from django.utils.translation import gettext_lazy as _

from houqin.core import navigation
from houqin.core.navigation import NavItem


def _greening(access):
    # Roles only (no query on every page): the office, or a contractor's staff.
    return access.has_perm("hygiene.view_caretask") or bool(access.company_id)


for _item in (
    NavItem(
        section="hygiene",
        label=_("Greening care"),
        url_name="hygiene:task_list",
        icon="plant",
        order=30,
        visible=_greening,
    ),
    NavItem(
        section="hygiene",
        label=_("Green plots"),
        url_name="hygiene:plot_list",
        icon="trees",
        order=31,
        visible=_greening,
    ),
    NavItem(
        section="hygiene",
        label=_("Plant register"),
        url_name="hygiene:plant_list",
        icon="leaf",
        order=32,
        visible=_greening,
    ),
):
    navigation.register(_item)
