"""The hazard list table; its columns are also the Excel export's columns."""

from __future__ import annotations

import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from houqin.core.tables import BaseTable

from .models.hazards import Hazard, HazardLevel, HazardStatus

LIST_RELATED = ("room__floor__building", "owner", "department")

STATUS_BADGES = {
    HazardStatus.REPORTED: "bg-orange-lt",
    HazardStatus.RECTIFYING: "bg-blue-lt",
    HazardStatus.TO_VERIFY: "bg-purple-lt",
    HazardStatus.CLOSED: "bg-green-lt",
    HazardStatus.CANCELLED: "bg-secondary-lt",
}


class HazardTable(BaseTable):
    number = tables.LinkColumn(
        "safety:hazard_detail",
        args=[tables.A("pk")],
        verbose_name=_("Number"),
        order_by=("number",),
        attrs={"a": {"class": "text-nowrap"}},
    )
    found_at = tables.DateTimeColumn(
        format="Y-m-d", verbose_name=_("Found on"), attrs={"td": {"class": "text-nowrap"}}
    )
    title = tables.Column(
        verbose_name=_("Hazard"), orderable=False, attrs={"td": {"class": "houqin-cell-text"}}
    )
    place = tables.Column(
        accessor="place_label",
        verbose_name=_("Place"),
        order_by=("room_id", "pk"),
        attrs={"td": {"class": "houqin-cell-place"}},
    )
    level = tables.Column(verbose_name=_("Level"), attrs={"td": {"class": "text-nowrap"}})
    status = tables.Column(verbose_name=_("Status"), attrs={"td": {"class": "text-nowrap"}})
    source = tables.Column(verbose_name=_("Found by"), attrs={"td": {"class": "text-nowrap"}})
    owner = tables.Column(
        verbose_name=_("Responsible person"),
        order_by=("owner_id", "pk"),
        attrs={"td": {"class": "text-nowrap"}},
    )
    deadline = tables.DateColumn(format="Y-m-d", verbose_name=_("Deadline"))

    class Meta(BaseTable.Meta):
        model = Hazard
        fields = (
            "number",
            "found_at",
            "title",
            "place",
            "level",
            "status",
            "source",
            "owner",
            "deadline",
        )
        order_by = ("-found_at",)
        row_attrs = {"data-testid": "hazard-row"}

    def render_level(self, record, value):
        if record.level == HazardLevel.MAJOR:
            return format_html('<span class="badge bg-red-lt">{}</span>', value)
        return value

    def render_status(self, record, value):
        return format_html(
            '<span class="badge {}">{}</span>', STATUS_BADGES.get(record.status, ""), value
        )

    def render_deadline(self, record, value):
        if not value:
            return "—"
        day = value.strftime("%Y-%m-%d")
        if record.is_overdue:
            return format_html(
                '<span class="text-danger fw-bold text-nowrap">{} · {}</span>', day, _("overdue")
            )
        return format_html('<span class="text-nowrap">{}</span>', day)

    def value_level(self, record, value):
        return record.get_level_display()

    def value_status(self, record, value):
        return record.get_status_display()

    def value_deadline(self, record, value):
        return record.deadline

    def value_owner(self, record, value):
        return str(record.owner) if record.owner_id else ""

    def value_found_at(self, record, value):
        return timezone.localtime(record.found_at).replace(tzinfo=None)
