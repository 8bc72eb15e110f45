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
from django.db.models.query import ModelIterable
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from houqin.core.tables import BaseTable

from .models import WorkOrder

NEWEST_FIRST = ("-created_at", "-pk")
# A URL name, not a callable: django-tables2 inspects a callable's signature for every cell.
DETAIL_LINK = ("maintenance:workorder_detail", [tables.A("pk")])


def with_places(queryset: QuerySet, *, labels_only: bool = False) -> QuerySet:
    """The orders with their place (room, floor, building) in one more query.

    Joining the three into the page's query as well (seven joins) costs PostgreSQL ~10 ms of
    planning on every page, for a query that runs in 1 ms; four joins plan in 0.5 ms.
    ``labels_only``: only what ``str(room)`` needs (the list's table), not every column.
    """
    from houqin.org.models import Room

    rooms = Room.objects.select_related("floor__building")
    if labels_only:
        rooms = rooms.only(*ROOM_LABEL_FIELDS)
    return queryset.prefetch_related(Prefetch("room", queryset=rooms))


# What the list's table and its export read of an order (WorkOrderTable's columns and
# rows_html) and of its place (``str(room)``): loading only these makes a page's 50 orders
# and their places ~3 ms cheaper to build (an order has some 40 columns). A new column of
# WorkOrderTable needs its fields here too (otherwise one more query per row:
# test_list_performance.py's bounded-queries tests fail).
LIST_FIELDS = (
    "number", "title", "status", "urgency", "category__name", "room", "location_note",
    "assignee__full_name", "assignee__username", "company__name", "created_at",
)  # fmt: skip
ROOM_LABEL_FIELDS = ("number", "name", "floor__building__name")


class _DeepPages:
    """A queryset whose deep pages read their ids first ("deferred join").

    ``OFFSET 9950`` over the page's query makes PostgreSQL fetch and join 10,000 orders to
    keep 50 (20 ms); the ids alone come from the sort's index (an index-only scan, ~3 ms), then
    the 50 orders by id. One more query, from ``DEEP_OFFSET`` rows on only."""

    DEEP_OFFSET = 1000

    def __getitem__(self, k):
        if (
            isinstance(k, slice)
            and self._result_cache is None
            and (k.start or 0) >= self.DEEP_OFFSET
            and k.stop is not None
            and k.step is None
            and self._iterable_class is ModelIterable  # not values() or values_list()
        ):
            ids = list(super(_DeepPages, self.values_list("pk", flat=True)).__getitem__(k))
            rows = {row.pk: row for row in self.order_by().filter(pk__in=ids)}
            return [rows[pk] for pk in ids if pk in rows]
        return super().__getitem__(k)


_DEEP_CLASSES: dict[type, type] = {}


def with_deep_pages(queryset: QuerySet) -> QuerySet:
    """``queryset`` (a clone) with ``_DeepPages`` slicing; its clones keep it."""
    base = type(queryset)
    if issubclass(base, _DeepPages):
        return queryset
    if base not in _DEEP_CLASSES:
        _DEEP_CLASSES[base] = type(f"DeepPages{base.__name__}", (_DeepPages, base), {})
    clone = queryset.all()
    clone.__class__ = _DEEP_CLASSES[base]
    return clone


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
        # The rows written by rows_html: django-tables2 costs ~2 ms per row of 9 cells.
        template_name = "maintenance/workorder_list.html"
        fields = (
            "number",
            "title",
            "status",
            "urgency",
            "category",
            "room",
            "assignee",
            "company",
            "created_at",
        )
        order_by = ("-created_at",)

    def render_room(self, record, value):
        return f"{value} {record.location_note}".strip() if record.location_note else value

    def rows_html(self) -> SafeString:
        """The page's rows (``<tbody>``'s content), as django-tables2 renders the columns above:
        the number and title linked to the order, labels for status and urgency, "—" for
        nothing, the place with its note, the local time. Written in Python (~1 ms for 50
        rows; a template loop took ~7 ms, django-tables2 ~100 ms): the template
        ``maintenance/workorder_list.html`` calls it, and test_list_performance.py compares
        the page with the generic table's. A new column needs its cell here too."""
        esc = conditional_escape
        status = dict(WorkOrder._meta.get_field("status").flatchoices)
        urgency = dict(WorkOrder._meta.get_field("urgency").flatchoices)

        def label(labels, value):  # get_<field>_display|default:"—"
            value = labels.get(value, value)
            return esc(value) if value else "—"

        def text(value):
            return "—" if value is None else esc(value)

        out = []
        for index, row in enumerate(self.paginated_rows):
            o = row.record
            detail = esc(reverse("maintenance:workorder_detail", args=[o.pk]))
            number = f'<a href="{detail}">{esc(o.number)}</a>' if o.number else "—"
            title = f'<a href="{detail}">{esc(o.title)}</a>' if o.title else "—"
            room = o.room
            if room is None:
                place = "—"
            elif o.location_note:
                place = f"{esc(room)} {esc(o.location_note)}"
            else:
                place = esc(room)
            created = o.created_at
            if created:
                if timezone.is_aware(created):
                    created = timezone.localtime(created)
                created = created.strftime("%Y-%m-%d %H:%M")
            cells = (
                number,
                title,
                label(status, o.status),
                label(urgency, o.urgency),
                text(o.category),
                place,
                text(o.assignee),
                text(o.company),
                created or "—",
            )
            parity = "odd" if index % 2 else "even"
            out.append(
                f'\n<tr class="{parity}">\n'
                + "\n".join(f"<td>{cell}</td>" for cell in cells)
                + "\n</tr>\n"
            )
        if not out and self.empty_text:
            colspan = len(self.columns)
            out.append(f'\n<tr><td colspan="{colspan}">{esc(self.empty_text)}</td></tr>\n')
        elif not out:
            out.append("\n\n")
        return mark_safe("".join(out))
