"""The assets menu (imported by the app's ready())."""

from django.utils.translation import gettext_lazy as _

from houqin.core import navigation
from houqin.core.navigation import NavItem, NavSection

navigation.register_section(
    NavSection(key="assets", label=_("Assets"), icon="building-warehouse", order=20)
)

for item in (
    NavItem(
        section="assets",
        label=_("Asset register"),
        url_name="assets:asset_list",
        perm="assets.view_asset",
        icon="list-details",
        order=21,
    ),
    NavItem(
        section="assets",
        label=_("Import a ledger"),
        url_name="assets:import_list",
        perm="assets.import_asset",
        icon="file-import",
        order=22,
    ),
    NavItem(
        section="assets",
        label=_("Loans"),
        url_name="assets:loan_list",
        perm="assets.view_assetloan",
        icon="arrows-exchange",
        order=23,
    ),
    NavItem(
        section="assets",
        label=_("Stock-takes"),
        url_name="assets:stocktake_list",
        perm="assets.view_stocktake",
        icon="scan",
        order=24,
    ),
    NavItem(
        section="assets",
        label=_("Disposals"),
        url_name="assets:disposal_list",
        perm="assets.view_disposal",
        icon="trash",
        order=25,
    ),
    NavItem(
        section="assets",
        label=_("Damage records"),
        url_name="assets:damage_list",
        icon="hammer",
        order=26,
    ),
    NavItem(
        section="assets",
        label=_("Asset ledger"),
        url_name="assets:ledger",
        perm="assets.view_depreciationrun",
        icon="report-money",
        order=27,
    ),
    NavItem(
        section="assets",
        label=_("Categories"),
        url_name="assets:category_list",
        perm="assets.change_assetcategory",
        icon="category",
        order=28,
    ),
    NavItem(
        section="assets",
        label=_("Asset settings"),
        url_name="assets:settings",
        perm="assets.change_assetsettings",
        icon="settings",
        order=29,
    ),
):
    navigation.register(item)
