"""Menu items: regulations, emergency plans, drills, and the compliance page."""

from django.utils.translation import gettext_lazy as _

from houqin.core import navigation
from houqin.core.navigation import NavItem

for _item in (
    NavItem(
        section="safety",
        label=_("Regulations and plans"),
        url_name="safety:document_list",
        perm="safety.view_safetydocument",
        icon="file-certificate",
        order=60,
    ),
    NavItem(
        section="safety",
        label=_("Drills"),
        url_name="safety:drill_list",
        perm="safety.view_drill",
        icon="run",
        order=62,
    ),
    NavItem(
        section="safety",
        label=_("Compliance"),
        url_name="compliance_overview",
        perm="core.view_compliancesetting",
        icon="scale",
        order=90,
    ),
):
    navigation.register(_item)
