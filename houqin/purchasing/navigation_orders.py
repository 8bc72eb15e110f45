"""Menu items of this area (imported by the app's ready())."""

from django.utils.translation import gettext_lazy as _

from houqin.core import navigation
from houqin.core.navigation import NavItem

for item in (
    NavItem(
        section="purchasing",
        label=_("To order"),
        url_name="purchasing:order_add",
        perm="purchasing.add_purchaseorder",
        icon="shopping-cart-plus",
        order=34,
    ),
    NavItem(
        section="purchasing",
        label=_("Purchase orders"),
        url_name="purchasing:order_list",
        perm="purchasing.view_purchaseorder",
        icon="file-invoice",
        order=35,
    ),
    NavItem(
        section="purchasing",
        label=_("Deliveries"),
        url_name="purchasing:receipt_list",
        perm="purchasing.view_receipt",
        icon="truck-delivery",
        order=36,
    ),
    NavItem(
        section="purchasing",
        label=_("Spending"),
        url_name="purchasing:spending_report",
        perm="purchasing.view_purchaseorder",
        icon="chart-bar",
        order=37,
    ),
):
    navigation.register(item)
