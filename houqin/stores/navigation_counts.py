"""Menu items of the stock counts (imported by the app's ready())."""

from django.utils.translation import gettext_lazy as _

from houqin.core import navigation
from houqin.core.navigation import NavItem

navigation.register(
    NavItem(
        section="stores",
        label=_("Stock counts"),
        url_name="stores:count_list",
        perm="stores.view_stockcount",
        icon="list-check",
        order=46,
    )
)
