"""The org app's menu entries (registered when the app is ready)."""

from django.utils.translation import gettext_lazy as _

from houqin.core import navigation
from houqin.core.navigation import NavItem, NavSection

navigation.register_section(NavSection(key="org", label=_("School"), icon="school", order=90))

for order, (label, url_name, perm, icon) in enumerate(
    [
        (_("Places"), "org:places", "org.view_room", "map-pin"),
        (_("Rooms"), "org:room_list", "org.view_room", "door"),
        (_("Buildings"), "org:building_list", "org.view_building", "building"),
        (_("Floors"), "org:floor_list", "org.view_floor", "stairs"),
        (_("Campuses"), "org:campus_list", "org.view_campus", "building-community"),
        (_("Departments"), "org:department_list", "org.view_department", "hierarchy"),
        (_("Classes"), "org:class_list", "org.view_schoolclass", "users-group"),
        (_("People"), "org:member_list", "org.view_membership", "users"),
        (_("Companies"), "org:company_list", "org.view_company", "briefcase"),
        (_("Academic years"), "org:year_list", "org.view_academicyear", "calendar"),
        (_("Terms"), "org:term_list", "org.view_term", "calendar-event"),
        (_("Holidays"), "org:holiday_list", "org.view_holiday", "beach"),
    ],
    start=1,
):
    navigation.register(
        NavItem(
            section="org", label=label, url_name=url_name, perm=perm, icon=icon, order=900 + order
        )
    )

for order, (label, url_name) in enumerate(
    [
        (_("Import places"), "org:import_places"),
        (_("Import staff"), "org:import_staff"),
        (_("Import classes"), "org:import_classes"),
    ],
    start=1,
):
    navigation.register(
        NavItem(
            section="org", label=label, url_name=url_name, perm="org.import_org", icon="file-import",
            order=950 + order,
        )
    )
