"""Menu items of this area (imported by the app's ready())."""

from django.utils.translation import gettext_lazy as _

from houqin.core import navigation
from houqin.core.navigation import NavItem

for item in (
    # Every member of staff may ask to buy; the list shows what they may see.
    NavItem(
        section="purchasing",
        label=_("Purchase requests"),
        url_name="purchasing:request_list",
        perm="purchasing.add_purchaserequest",
        icon="file-dollar",
        order=31,
    ),
    NavItem(
        section="purchasing",
        label=_("Budgets"),
        url_name="purchasing:budget_grid",
        perm="purchasing.view_budget",
        icon="report-money",
        order=32,
    ),
    NavItem(
        section="purchasing",
        label=_("Budget categories"),
        url_name="purchasing:budget_categories",
        perm="purchasing.add_budgetcategory",
        icon="category",
        order=33,
    ),
    NavItem(
        section="purchasing",
        label=_("Purchasing rules"),
        url_name="purchasing:purchasing_settings",
        perm="purchasing.change_purchasingsettings",
        icon="settings",
        order=39,
    ),
):
    navigation.register(item)
