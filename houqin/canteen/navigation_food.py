"""Menu items: food-safety records: samples, morning checks, accompanied meals, goods, disinfection, certificates."""

from django.utils.translation import gettext_lazy as _

from houqin.core import navigation
from houqin.core.navigation import NavItem

for _item in (
    NavItem(
        section="canteen",
        label=_("Canteen today"),
        url_name="canteen:today",
        perm="canteen.view_meal",
        icon="calendar-event",
        order=10,
    ),
    NavItem(
        section="canteen",
        label=_("Morning checks"),
        url_name="canteen:checks",
        perm="canteen.view_morningcheck",
        icon="stethoscope",
        order=11,
    ),
    NavItem(
        section="canteen",
        label=_("Meals"),
        url_name="canteen:meal_list",
        perm="canteen.view_meal",
        icon="tools-kitchen-2",
        order=12,
    ),
    NavItem(
        section="canteen",
        label=_("Food samples"),
        url_name="canteen:sample_list",
        perm="canteen.view_foodsample",
        icon="fridge",
        order=13,
    ),
    NavItem(
        section="canteen",
        label=_("Accompanied meals"),
        url_name="canteen:accompanied_list",
        perm="canteen.view_accompaniedmeal",
        icon="users",
        order=14,
    ),
    NavItem(
        section="canteen",
        label=_("Disinfection"),
        url_name="canteen:disinfection_list",
        perm="canteen.view_disinfection",
        icon="flame",
        order=15,
    ),
    NavItem(
        section="canteen",
        label=_("Food handlers"),
        url_name="canteen:handler_list",
        perm="canteen.view_foodhandler",
        icon="id-badge",
        order=16,
    ),
    NavItem(
        section="canteen",
        label=_("Incoming goods"),
        url_name="canteen:goods_list",
        perm="canteen.view_goodscheck",
        icon="truck-delivery",
        order=17,
    ),
    NavItem(
        section="canteen",
        label=_("Supplier licences"),
        url_name="canteen:licence_list",
        perm="canteen.view_supplierlicence",
        icon="license",
        order=18,
    ),
    NavItem(
        section="canteen",
        label=_("Canteen ledgers"),
        url_name="canteen:ledgers",
        perm="canteen.view_foodsample",
        icon="printer",
        order=30,
    ),
    NavItem(
        section="canteen",
        label=_("Dish list"),
        url_name="canteen:dish_list",
        perm="canteen.change_dish",
        icon="list",
        order=40,
    ),
    NavItem(
        section="canteen",
        label=_("Canteen settings"),
        url_name="canteen:settings",
        perm="canteen.change_canteensettings",
        icon="settings",
        order=41,
    ),
):
    navigation.register(_item)
