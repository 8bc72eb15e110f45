"""List tables of rounds, schedules and equipment (also what their Excel exports write)."""

from __future__ import annotations

import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from houqin.core.tables import BaseTable, BooleanColumn, link_record

from . import services_equipment
from .models.equipment import SafetyEquipment
from .models.inspections import InspectionRound, InspectionSchedule

STATUS_BADGES = {
    "due": "bg-blue-lt",
    "in_progress": "bg-azure-lt",
    "done": "bg-green-lt",
    "missed": "bg-red-lt",
    "cancelled": "bg-secondary-lt",
}
STATE_BADGES = {"expired": "bg-red-lt", "due": "bg-orange-lt", "soon": "bg-yellow-lt"}


class RoundTable(BaseTable):
    number = tables.Column(linkify=link_record)
    template = tables.Column(verbose_name=_("Template"))
    due_date = tables.DateColumn(format="Y-m-d")
    window_end = tables.DateTimeColumn(format="m-d H:i", verbose_name=_("Until"))
    status = tables.Column()
    is_late = BooleanColumn(verbose_name=_("Late"))
    assignee = tables.Column(verbose_name=_("Inspector"))
    failed_count = tables.Column(verbose_name=_("Failed items"))
    signed_by = tables.Column(verbose_name=_("Signed by"))
    second_signed_by = tables.Column(verbose_name=_("Department head"))

    class Meta(BaseTable.Meta):
        model = InspectionRound
        fields = (
            "number",
            "template",
            "due_date",
            "window_end",
            "status",
            "is_late",
            "assignee",
            "failed_count",
            "signed_by",
            "second_signed_by",
        )
        order_by = ("-due_date",)

    def render_status(self, record, value):
        return format_html(
            '<span class="badge {}">{}</span>', STATUS_BADGES.get(record.status, ""), value
        )

    def value_status(self, record):
        return record.get_status_display()


class ScheduleTable(BaseTable):
    name = tables.Column(linkify=link_record)
    template = tables.Column(verbose_name=_("Template"))
    recurrence = tables.Column()
    starts_on = tables.DateColumn(format="Y-m-d")
    ends_on = tables.DateColumn(format="Y-m-d")
    is_active = BooleanColumn()

    class Meta(BaseTable.Meta):
        model = InspectionSchedule
        fields = ("name", "template", "recurrence", "starts_on", "ends_on", "is_active")


class EquipmentTable(BaseTable):
    code = tables.Column(linkify=link_record)
    kind = tables.Column()
    model_name = tables.Column()
    size = tables.Column()
    room = tables.Column(verbose_name=_("Place"))
    location_note = tables.Column()
    last_checked_on = tables.DateColumn(format="Y-m-d")
    next_check_on = tables.DateColumn(format="Y-m-d")
    refill_due_on = tables.DateColumn(format="Y-m-d")
    expires_on = tables.DateColumn(format="Y-m-d")
    status = tables.Column()
    state = tables.Column(empty_values=(), orderable=False, verbose_name=_("Dates"))

    class Meta(BaseTable.Meta):
        model = SafetyEquipment
        fields = (
            "code",
            "kind",
            "model_name",
            "size",
            "room",
            "location_note",
            "last_checked_on",
            "next_check_on",
            "refill_due_on",
            "expires_on",
            "status",
            "state",
        )
        row_attrs = {
            "class": lambda record: {
                "expired": "table-danger",
                "due": "table-warning",
                "soon": "table-info",
            }.get(services_equipment.state_of(record, timezone.localdate()), "")
        }

    def _state(self, record):
        return services_equipment.state_of(record, timezone.localdate())

    def render_state(self, record):
        state = self._state(record)
        if not state:
            return ""
        label = {"expired": _("Expired"), "due": _("Due"), "soon": _("Due soon")}[state]
        return format_html('<span class="badge {}">{}</span>', STATE_BADGES[state], label)

    def value_state(self, record):
        state = self._state(record)
        return {"expired": _("Expired"), "due": _("Due"), "soon": _("Due soon")}.get(state, "")
