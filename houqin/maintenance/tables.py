"""The work-order list table; its columns are also the Excel export's columns.

Every sort ends with the row id, so pages never repeat or skip a row when many orders share a
value, and each sort walks one index of ``WorkOrder.Meta.indexes`` (fast with 500,000 orders).
Category, place and assignee sort by the foreign key itself (``category_id``, not ``category``,
which would follow RepairCategory's ordering through a join): they group the orders by category
(in the order the categories were added), by place (in the order the places were added,
normally building by building) and by person. Sorting by a related table's name cannot use an
index: the whole school's orders would be sorted for every page. Title and contractor are not
sortable for the same reason; filter or search instead.
"""

from __future__ import annotations

import django_tables2 as tables
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from houqin.core.tables import BaseTable

from .models import WorkOrder

NEWEST_FIRST = ("-created_at", "-pk")
# A URL name, not a callable: django-tables2 inspects a callable's signature for every cell.
DETAIL_LINK = ("maintenance:workorder_detail", [tables.A("pk")])


def with_places(queryset: QuerySet) -> QuerySet:
    """The orders with their place (room, floor, building) in one more query.

    Joining the three into the page's query as well (seven joins) costs PostgreSQL ~10 ms of
    planning on every page, for a query that runs in 1 ms; four joins plan in 0.5 ms.
    """
    from houqin.org.models import Room

    return queryset.prefetch_related(
        Prefetch("room", queryset=Room.objects.select_related("floor__building"))
    )


class WorkOrderTable(BaseTable):
    number = tables.Column(linkify=DETAIL_LINK, order_by=("number", "pk"))
    title = tables.Column(linkify=DETAIL_LINK, orderable=False)
    status = tables.Column(order_by=("status", *NEWEST_FIRST))
    urgency = tables.Column(order_by=("urgency", *NEWEST_FIRST))
    category = tables.Column(order_by=("category_id", *NEWEST_FIRST))
    room = tables.Column(verbose_name=_("Place"), order_by=("room_id", *NEWEST_FIRST))
    assignee = tables.Column(order_by=("assignee_id", *NEWEST_FIRST))
    company = tables.Column(orderable=False)
    created_at = tables.DateTimeColumn(
        verbose_name=_("Reported at"), format="Y-m-d H:i", order_by=("created_at", "pk")
    )

    class Meta(BaseTable.Meta):
        model = WorkOrder
        fields = (
            "number", "title", "status", "urgency", "category", "room", "assignee", "company",
            "created_at",
        )
        order_by = ("-created_at",)

    def render_room(self, record, value):
        return f"{value} {record.location_note}".strip() if record.location_note else value
