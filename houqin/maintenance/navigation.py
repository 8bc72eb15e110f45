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
navigation.register(
    NavItem(
        section="repairs", label=_("QR posters"), url_name="maintenance:room_posters",
        perm="maintenance.dispatch_workorder", icon="qrcode", order=18,
    )
)


def _is_worker(access) -> bool:
    from houqin.org.roles import Role

    return Role.WORKER in getattr(access, "roles", ())


navigation.register(
    NavItem(
        section="repairs", label=_("Job pool"), url_name="maintenance:pool",
        icon="hand-grab", order=14, visible=_is_worker,
    )
)
navigation.register(
    NavItem(
        section="repairs", label=_("Assign many"), url_name="maintenance:bulk_assign",
        perm="maintenance.dispatch_workorder", icon="users-group", order=15,
    )
)
navigation.register(
    NavItem(
        section="repairs", label=_("Maintenance plans"), url_name="maintenance:plan_list",
        perm="maintenance.view_maintenanceplan", icon="calendar-repeat", order=16,
    )
)
navigation.register(
    NavItem(
        section="repairs", label=_("Repair settings"), url_name="maintenance:settings",
        perm="maintenance.change_maintenancesettings", icon="settings", order=19,
    )
)
navigation.register(
    NavItem(
        section="repairs", label=_("Dashboard"), url_name="maintenance:dashboard",
        perm="maintenance.view_workorder", icon="chart-bar", order=17,
    )
)
