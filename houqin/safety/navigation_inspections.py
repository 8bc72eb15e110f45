"""Menu items: inspection templates, schedules, rounds, safety equipment."""

from django.utils.translation import gettext_lazy as _

from houqin.core import navigation
from houqin.core.navigation import NavItem


def _walks_rounds(access) -> bool:
    return access.has_perm("safety.change_inspectionround") or access.has_role(
        "guard", "inspector", "worker", "contractor", "canteen_manager", "dept_head"
    )


for item in (
    NavItem(section="safety", label=_("My rounds today"), url_name="safety:my_rounds",
            icon="walk", order=10, visible=_walks_rounds),
    NavItem(section="safety", label=_("Inspection rounds"), url_name="safety:inspection_round_list",
            perm="safety.view_inspectionround", icon="list-check", order=11),
    NavItem(section="safety", label=_("Inspection schedules"),
            url_name="safety:inspection_schedule_list", perm="safety.view_inspectionschedule",
            icon="calendar-repeat", order=12),
    NavItem(section="safety", label=_("Inspection templates"),
            url_name="safety:inspection_template_list", perm="safety.change_inspectiontemplate",
            icon="checklist", order=13),
    NavItem(section="safety", label=_("Safety equipment"), url_name="safety:equipment_list",
            perm="safety.view_safetyequipment", icon="fire-extinguisher", order=14),
):  # fmt: skip
    navigation.register(item)
