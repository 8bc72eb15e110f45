"""Menu items of the requisitions (imported by the app's ready())."""

from django.utils.translation import gettext_lazy as _

from houqin.core import navigation
from houqin.core.navigation import NavItem

for _item in (
    NavItem(
        section="stores",
        label=_("Requisitions"),
        url_name="stores:requisition_list",
        visible=lambda access: access.has_perm("stores.add_requisition")
        or access.has_perm("stores.view_requisition"),
        icon="shopping-cart",
        order=42,
    ),
    NavItem(
        section="stores",
        label=_("To issue"),
        url_name="stores:requisition_queue",
        perm="stores.issue_stock",
        icon="package-export",
        order=43,
    ),
    NavItem(
        section="stores",
        label=_("Requisition quotas"),
        url_name="stores:quota_list",
        perm="stores.view_requisitionquota",
        icon="gauge",
        order=47,
    ),
):
    navigation.register(_item)
