"""Menu items of this area (imported by the app's ready())."""

from django.utils.translation import gettext_lazy as _

from houqin.core import navigation
from houqin.core.navigation import NavItem

from . import selectors_budgets

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
    # Logistics and finance read every budget; a department head the rows of their own
    # departments (Budget.owned_q), by role, so that no query runs for the menu.
    NavItem(
        section="purchasing",
        label=_("Budgets"),
        url_name="purchasing:budget_grid",
        icon="report-money",
        order=32,
        visible=lambda access: selectors_budgets.may_read_budgets(access),
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
