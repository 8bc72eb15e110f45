"""Menu items of the print shop (imported by the app's ready())."""

from django.utils.translation import gettext_lazy as _

from houqin.core import navigation
from houqin.core.navigation import NavItem

for _item in (
    NavItem(
        section="stores",
        label=_("My print jobs"),
        url_name="stores:printjob_mine",
        perm="stores.add_printjob",
        icon="printer",
        order=60,
    ),
    NavItem(
        section="stores",
        label=_("Print room queue"),
        url_name="stores:printjob_queue",
        perm="stores.run_printjob",
        icon="list-numbers",
        order=61,
    ),
    NavItem(
        section="stores",
        label=_("All print jobs"),
        url_name="stores:printjob_list",
        icon="files",
        order=62,
        visible=lambda access: (
            access.has_perm("stores.view_printjob")
            or access.has_perm("stores.oversee_printjob")
            or access.has_role("dept_head")
        ),  # roles only: no query on every page
    ),
    NavItem(
        section="stores",
        label=_("Print volume"),
        url_name="stores:printjob_report",
        icon="chart-bar",
        order=63,
        visible=lambda access: (
            access.has_perm("stores.view_printjob") or access.has_perm("stores.oversee_printjob")
        ),
    ),
    NavItem(
        section="stores",
        label=_("Print quotas"),
        url_name="stores:printquota_list",
        perm="stores.view_printquota",
        icon="gauge",
        order=64,
    ),
    NavItem(
        section="stores",
        label=_("Print shop settings"),
        url_name="stores:printshop_settings",
        perm="stores.change_printshopsettings",
        icon="settings",
        order=65,
    ),
):
    navigation.register(_item)
