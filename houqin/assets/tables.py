"""The register's table; its columns (visible or not) are also the Excel/CSV export's columns.

Every sort walks one index and ends with a unique column, so pages neither repeat nor skip rows
and a page of 2,000,000 assets costs one index walk: number (unique per school, in code-point
order: ``asset_number_c_idx``); status (the active register: ``asset_active_status_idx``),
category, place, department and custodian then number (``Asset.Meta.indexes``);
name, value and acquisition date then id. Category, place, department and custodian sort by
the foreign key (grouping the rows), not by the related row's name, which no index can serve.
"""

from __future__ import annotations

import django_tables2 as tables
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from houqin.core.tables import BaseTable

from .models import Asset

DETAIL_LINK = ("assets:asset_detail", [tables.A("pk")])
BY_NUMBER = ("number",)


def with_places(queryset: QuerySet) -> QuerySet:
    """Assets with their place (room, floor, building) in one more query, not three more
    joins in the page's query (see maintenance.tables.with_places)."""
    from houqin.org.models import Room

    return queryset.prefetch_related(
        Prefetch("room", queryset=Room.objects.select_related("floor__building"))
    )


def with_deep_pages(queryset: QuerySet) -> QuerySet:
    """Deep pages read their ids first (an index-only walk), then the page's rows."""
    from houqin.maintenance.tables import with_deep_pages as deep

    return deep(queryset)


class AssetTable(BaseTable):
    # number_key: the number in code-point order (filters.with_number_key; the view adds it).
    number = tables.Column(linkify=DETAIL_LINK, order_by=("number_key",))
    name = tables.Column(linkify=DETAIL_LINK, order_by=("name", "pk"))
    category = tables.Column(order_by=("category_id", *BY_NUMBER))
    model = tables.Column(orderable=False)
    quantity = tables.Column(orderable=False, attrs={"td": {"class": "text-end"}})
    total_value = tables.Column(order_by=("total_value", "pk"), attrs={"td": {"class": "text-end"}})
    room = tables.Column(verbose_name=_("Place"), order_by=("room_id", *BY_NUMBER))
    department = tables.Column(order_by=("department_id", *BY_NUMBER))
    custodian = tables.Column(order_by=("custodian_id", *BY_NUMBER))
    status = tables.Column(order_by=("status", *BY_NUMBER))
    acquired_on = tables.DateColumn(format="Y-m-d", order_by=("acquired_on", "pk"))
    # Export only: the card's other facts, for the school's ledger in Excel.
    kind = tables.Column(visible=False)
    brand = tables.Column(visible=False)
    serial_number = tables.Column(visible=False)
    unit = tables.Column(visible=False)
    unit_price = tables.Column(visible=False)
    funding_source = tables.Column(visible=False)
    acquisition_mode = tables.Column(visible=False)
    use_direction = tables.Column(visible=False)
    supplier = tables.Column(visible=False)
    invoice_number = tables.Column(visible=False)
    warranty_until = tables.DateColumn(format="Y-m-d", visible=False)
    category_code = tables.Column(
        verbose_name=_("classification code"), accessor="category__code", visible=False
    )
    notes = tables.Column(visible=False)

    class Meta(BaseTable.Meta):
        model = Asset
        # The rows in one template loop (as the work-order list): a fraction of the cost of
        # django-tables2's per-cell rendering. A new visible column needs its cell there too.
        template_name = "assets/asset_list_table.html"
        fields = (
            "number",
            "name",
            "category",
            "model",
            "quantity",
            "total_value",
            "room",
            "department",
            "custodian",
            "status",
            "acquired_on",
        )
        sequence = (
            "number",
            "name",
            "category",
            "model",
            "quantity",
            "total_value",
            "room",
            "department",
            "custodian",
            "status",
            "acquired_on",
            "category_code",
            "kind",
            "brand",
            "serial_number",
            "unit",
            "unit_price",
            "funding_source",
            "acquisition_mode",
            "use_direction",
            "supplier",
            "invoice_number",
            "warranty_until",
            "notes",
        )
        order_by = ("-number",)

    def render_quantity(self, record, value):
        return f"{value.normalize():f} {record.unit}".strip()

    def value_quantity(self, record, value):
        return value

    def value_category(self, record, value):
        return record.category.name
