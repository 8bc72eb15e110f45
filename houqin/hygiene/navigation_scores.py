"""Menu items: hygiene areas, score sheets, rankings, red flag."""

from django.utils.translation import gettext_lazy as _

from houqin.core import navigation
from houqin.core.navigation import NavItem

for _item in (
    NavItem(
        section="hygiene",
        label=_("Inspect classes"),
        url_name="hygiene:inspect",
        perm="hygiene.add_scoresheet",
        icon="device-mobile",
        order=10,
    ),
    NavItem(
        section="hygiene",
        label=_("Week ranking"),
        url_name="hygiene:ranking_week",
        icon="trophy",
        order=11,
        visible=lambda access: access.is_member,
    ),
    NavItem(
        section="hygiene",
        label=_("Term ranking"),
        url_name="hygiene:ranking_term",
        icon="list-numbers",
        order=12,
        visible=lambda access: access.is_member,
    ),
    NavItem(
        section="hygiene",
        label=_("Red flag holders"),
        url_name="hygiene:red_flags",
        icon="flag",
        order=13,
        visible=lambda access: access.is_member,
    ),
    NavItem(
        section="hygiene",
        label=_("Score sheets"),
        url_name="hygiene:sheet_list",
        icon="clipboard-check",
        order=14,
        visible=lambda access: (
            access.has_perm("hygiene.view_scoresheet")
            or access.has_perm("hygiene.add_scoresheet")
            or access.has_role("class_teacher")
        ),
    ),
    NavItem(
        section="hygiene",
        label=_("Hygiene areas"),
        url_name="hygiene:area_list",
        icon="map-2",
        order=15,
        visible=lambda access: (
            access.has_perm("hygiene.view_hygienearea") or access.has_role("class_teacher")
        ),
    ),
    NavItem(
        section="hygiene",
        label=_("Score sheet items"),
        url_name="hygiene:item_list",
        perm="hygiene.change_scoreitem",
        icon="list-check",
        order=16,
    ),
    NavItem(
        section="hygiene",
        label=_("Hygiene settings"),
        url_name="hygiene:settings",
        perm="hygiene.change_hygienesettings",
        icon="settings",
        order=17,
    ),
):
    navigation.register(_item)
