"""Menu items of the catalogue area (imported by the app's ready())."""

from django.utils.translation import gettext_lazy as _

from houqin.core import navigation
from houqin.core.navigation import NavItem

for item in (
    NavItem(section="stores", label=_("Items and stock"), url_name="stores:item_list",
            perm="stores.view_item", icon="packages", order=41),
    NavItem(section="stores", label=_("Stock ledger"), url_name="stores:move_list",
            perm="stores.view_stockmove", icon="list-numbers", order=42),
    NavItem(section="stores", label=_("Reorder suggestions"), url_name="stores:reorder",
            perm="stores.add_item", icon="shopping-cart", order=43),
    NavItem(section="stores", label=_("Stock valuation"), url_name="stores:report_valuation",
            perm="stores.view_stockbalance", icon="report-money", order=55),
    NavItem(section="stores", label=_("Consumption by term"),
            url_name="stores:report_consumption", perm="stores.view_stockmove",
            icon="chart-bar", order=56),
    NavItem(section="stores", label=_("Slow-moving items"), url_name="stores:report_slow_moving",
            perm="stores.view_stockbalance", icon="hourglass", order=57),
    NavItem(section="stores", label=_("Stores"), url_name="stores:store_list",
            perm="stores.change_store", icon="building-warehouse", order=58),
    NavItem(section="stores", label=_("Item categories"), url_name="stores:category_list",
            perm="stores.change_itemcategory", icon="category", order=59),
):  # fmt: skip
    navigation.register(item)
