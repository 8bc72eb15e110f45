"""Core's own menu entries and the sections other apps file theirs under."""

from django.utils.translation import gettext_lazy as _

from houqin.core import navigation
from houqin.core.navigation import NavItem, NavSection

navigation.register_section(NavSection(key="home", label=_("Home"), icon="home", order=0))
# The bell in the top bar shows the unread count of notifications.
# The org app registers its items (rooms, people, classes, calendar) into this section.
navigation.register_section(NavSection(key="org", label=_("School"), icon="building", order=90))

navigation.register(NavItem(section="home", label=_("Home"), url_name="home", icon="home", order=0))


navigation.register(
    NavItem(
        section="home",
        label=_("My approvals"),
        url_name="approval_inbox",
        icon="checklist",
        order=10,
    )
)
navigation.register(
    NavItem(
        section="home",
        label=_("Notifications"),
        url_name="notification_list",
        icon="bell",
        order=20,
    )
)
navigation.register(
    NavItem(
        section="home",
        label=_("Delegations"),
        url_name="delegation_list",
        icon="arrows-exchange",
        order=30,
    )
)
# School-wide settings, filed under "School" after the registers.
navigation.register(
    NavItem(
        section="org",
        label=_("Approval policies"),
        url_name="approval_policy_list",
        perm="core.change_approvalpolicy",
        icon="list-check",
        order=990,
    )
)
navigation.register(
    NavItem(
        section="org",
        label=_("Notification channels"),
        url_name="channel_list",
        perm="core.view_schoolchannel",
        icon="robot",
        order=991,
    )
)
