"""Tables of the catalogue and the stock ledger; their columns are also the exports' columns."""

from __future__ import annotations

from decimal import Decimal

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from houqin.core.tables import ActionsColumn, BaseTable, BooleanColumn

from .models import Item, ItemCategory, StockMove, Store

ITEM_LINK = ("stores:item_detail", [tables.A("pk")])
END = {"td": {"class": "text-end"}, "th": {"class": "text-end"}}


def plain(value) -> str:
    """3.000 → 3, 2.500 → 2.5 (quantities as people write them)."""
    if value is None or value == "":
        return ""
    return format(value.normalize(), "f") if hasattr(value, "normalize") else str(value)


class QuantityColumn(tables.Column):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", END)
        super().__init__(*args, **kwargs)

    def render(self, value):
        return plain(value)

    def value(self, value):
        return value


class MoneyColumn(QuantityColumn):
    """Yuan to the cent (sums come from SQLite as floats: 4.5 → 4.50)."""

    def render(self, value):
        return "" if value is None else str(Decimal(str(value)).quantize(Decimal("0.01")))

    def value(self, value):
        return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


class ItemTable(BaseTable):
    code = tables.Column(linkify=ITEM_LINK)
    name = tables.Column(linkify=ITEM_LINK, order_by=("name", "code"))
    specification = tables.Column(orderable=False)
    category = tables.Column(order_by=("category__sort_order", "category__name", "code"))
    unit = tables.Column(orderable=False)
    on_hand = QuantityColumn(verbose_name=_("On hand"), order_by=("on_hand", "code"))
    stock_value = MoneyColumn(verbose_name=_("Value (¥)"), order_by=("stock_value", "code"))
    reorder_level = QuantityColumn(order_by=("reorder_level", "code"))
    preferred_vendor = tables.Column(orderable=False)
    # Export only: what the import reads back.
    reorder_quantity = QuantityColumn(visible=False)
    reference_price = tables.Column(visible=False)
    sheets_per_unit = tables.Column(visible=False)
    paper_size = tables.Column(visible=False)
    is_active = BooleanColumn(visible=False)
    actions = ActionsColumn("stores:item_edit")

    class Meta(BaseTable.Meta):
        model = Item
        fields = (
            "code", "name", "specification", "category", "unit", "on_hand", "stock_value",
            "reorder_level", "preferred_vendor",
        )  # fmt: skip
        order_by = ("code",)
        row_attrs = {"class": lambda record: "table-warning" if _is_low(record) else ""}


def _is_low(item) -> bool:
    on_hand = getattr(item, "on_hand", None)
    return bool(item.reorder_level and on_hand is not None and on_hand <= item.reorder_level)


class StockMoveTable(BaseTable):
    occurred_at = tables.DateTimeColumn(
        format="Y-m-d H:i", verbose_name=_("When"), order_by=("occurred_at", "pk")
    )
    item = tables.Column(
        linkify=("stores:item_detail", [tables.A("item_id")]),
        order_by=("item__code", "occurred_at", "pk"),
    )
    store = tables.Column(order_by=("store__name", "occurred_at", "pk"))
    kind = tables.Column(order_by=("kind", "occurred_at", "pk"))
    quantity = QuantityColumn()
    unit_cost = QuantityColumn(orderable=False)
    amount = MoneyColumn(orderable=False)
    balance_quantity = QuantityColumn(orderable=False)
    balance_value = MoneyColumn(orderable=False)
    department = tables.Column(orderable=False)
    document_number = tables.Column(orderable=False)
    by = tables.Column(orderable=False)
    note = tables.Column(orderable=False)

    class Meta(BaseTable.Meta):
        model = StockMove
        fields = (
            "occurred_at", "item", "store", "kind", "quantity", "unit_cost", "amount",
            "balance_quantity", "balance_value", "department", "document_number", "by", "note",
        )  # fmt: skip
        order_by = ("-occurred_at",)

    def render_by(self, value):
        return getattr(value, "full_name", "") or str(value)

    def value_by(self, value):
        return self.render_by(value)


class ItemMoveTable(StockMoveTable):
    """An item's own ledger (its page): the item column is implied."""

    class Meta(StockMoveTable.Meta):
        exclude = ("item",)


class StoreTable(BaseTable):
    name = tables.Column(linkify=("stores:store_edit", [tables.A("pk")]))
    keeper = tables.Column(orderable=False)
    room = tables.Column(orderable=False)
    is_default = BooleanColumn()
    is_active = BooleanColumn()

    class Meta(BaseTable.Meta):
        model = Store
        fields = ("name", "keeper", "room", "is_default", "is_active")
        order_by = ("name",)

    def render_keeper(self, value):
        return getattr(value, "full_name", "") or str(value)


class CategoryTable(BaseTable):
    name = tables.Column(linkify=("stores:category_edit", [tables.A("pk")]))
    code = tables.Column()
    sort_order = tables.Column()
    item_count = tables.Column(verbose_name=_("Items"), attrs=END)

    class Meta(BaseTable.Meta):
        model = ItemCategory
        fields = ("sort_order", "code", "name", "item_count")
        order_by = ("sort_order", "name")
