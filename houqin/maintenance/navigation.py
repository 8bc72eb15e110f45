"""The repairs menu (imported by the app's ready())."""

from django.utils.translation import gettext_lazy as _

from houqin.core import navigation
from houqin.core.navigation import NavItem, NavSection

navigation.register_section(NavSection(key="repairs", label=_("Repairs"), icon="tool", order=10))
navigation.register(
    NavItem(
        section="repairs", label=_("Report a problem"), url_name="maintenance:workorder_add",
        icon="alert-triangle", order=11,
    )
)
# Workers hold no school-wide right on work orders (their rows come from owned_q), so the
# queue is shown to every member; it is simply empty for people who fix nothing.
navigation.register(
    NavItem(
        section="repairs", label=_("My queue"), url_name="maintenance:my_queue",
        icon="list-check", order=12,
    )
)
navigation.register(
    NavItem(
        section="repairs", label=_("Work orders"), url_name="maintenance:workorder_list",
        perm="maintenance.view_workorder", icon="tool", order=13,
    )
)
