"""The work-order list table; its columns are also the Excel export's columns."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from houqin.core.tables import BaseTable, link_record

from .models import WorkOrder


class WorkOrderTable(BaseTable):
    number = tables.Column(linkify=link_record)
    title = tables.Column(linkify=link_record)
    status = tables.Column()
    urgency = tables.Column()
    category = tables.Column(order_by=("category__order", "category__pk"))
    room = tables.Column(
        verbose_name=_("Place"),
        order_by=("room__floor__building__name", "room__floor__number", "room__number"),
    )
    assignee = tables.Column(order_by=("assignee__full_name",))
    company = tables.Column(order_by=("company__name",))
    created_at = tables.DateTimeColumn(verbose_name=_("Reported at"), format="Y-m-d H:i")

    class Meta(BaseTable.Meta):
        model = WorkOrder
        fields = (
            "number", "title", "status", "urgency", "category", "room", "assignee", "company",
            "created_at",
        )
        order_by = ("-created_at",)

    def render_room(self, record, value):
        return f"{value} {record.location_note}".strip() if record.location_note else value
