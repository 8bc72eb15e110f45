"""Menu items: drinking water: contract, quality tests, filter changes; education campaigns."""

from django.utils.translation import gettext_lazy as _

from houqin.core import navigation
from houqin.core.navigation import NavItem

for _item in (
    NavItem(
        section="canteen",
        label=_("Water dispensers"),
        url_name="canteen:dispenser_list",
        perm="canteen.view_dispenser",
        icon="droplet",
        order=20,
    ),
    NavItem(
        section="canteen",
        label=_("Water tests"),
        url_name="canteen:watertest_list",
        perm="canteen.view_watertest",
        icon="test-pipe",
        order=21,
    ),
    NavItem(
        section="canteen",
        label=_("Water contracts"),
        url_name="canteen:contract_list",
        perm="canteen.view_watercontract",
        icon="file-text",
        order=22,
    ),
    NavItem(
        section="canteen",
        label=_("Education campaigns"),
        url_name="canteen:campaign_list",
        perm="canteen.view_educationcampaign",
        icon="speakerphone",
        order=23,
    ),
):
    navigation.register(_item)
