"""The item import: the school's stock list in Excel, with opening quantities and prices.

An item is matched by its code (created or updated). An opening quantity becomes an
"opening balance" move through the ledger, into the named store (or the default one), and
only where the item has no stock history in that store yet: after that, stock changes by
receipts, issues and counts, never by re-importing.
"""

from __future__ import annotations

from decimal import Decimal

from django.apps import apps
from django.utils.translation import gettext_lazy as _

from houqin.core.importing import Column, Importer, Outcome, Row, cells, set_fields
from houqin.core.importing.cells import normalize_key

from . import ledger
from .models import Item, ItemCategory, MoveKind, PaperSize, StockBalance, StockMove, Store
from .selectors import default_store

_PAPER_SIZES = {label: value for value, label in PaperSize.choices} | {
    value: value for value in PaperSize.values
}


class ItemImporter(Importer):
    key = "items"
    title = _("Items")
    permission = "stores.add_item"
    columns = [
        Column("code", ["物品编码", "编码", "编号", "item code", "code"], required=True,
               parse=cells.text(30), example="BG-001"),
        Column("name", ["物品名称", "名称", "品名", "name"], required=True,
               parse=cells.text(100), example="A4复印纸"),
        Column("specification", ["规格型号", "规格", "型号", "specification"],
               parse=cells.text(100), example="70g 500张/包"),
        Column("unit", ["单位", "计量单位", "unit"], required=True, parse=cells.text(10),
               example="包"),
        Column("category", ["类别", "分类", "物品类别", "category"], parse=cells.text(60),
               example="纸张", help=_("A new category is created when the name is new.")),
        Column("reorder_level", ["最低库存", "补货点", "reorder level"],
               parse=cells.decimal(14, 3, min_value=0), example="20"),
        Column("reorder_quantity", ["补货数量", "reorder quantity"],
               parse=cells.decimal(14, 3, min_value=0), example="50"),
        Column("reference_price", ["参考单价", "参考价", "reference price"],
               parse=cells.decimal(16, 2, min_value=0, units="元"), example="23.50"),
        Column("sheets_per_unit", ["每单位张数", "张数", "sheets per unit"],
               parse=cells.integer(1, 100000, units="张"), example="500",
               help=_("Paper only: sheets in one unit (a ream: 500).")),
        Column("paper_size", ["纸张规格", "纸张尺寸", "paper size"],
               parse=cells.choice(_PAPER_SIZES), example="A4"),
        Column("vendor", ["供应商", "首选供应商", "preferred vendor", "vendor"],
               parse=cells.text(100), example="",
               help=_("The name of a company already in the school's list.")),
        Column("store", ["仓库", "存放仓库", "store"], parse=cells.text(60), example="总务仓库",
               help=_("Where the opening quantity is; blank: the default store.")),
        Column("opening_quantity", ["期初数量", "库存数量", "数量", "opening quantity"],
               parse=cells.decimal(14, 3, min_value=0), example="40"),
        Column("opening_price", ["期初单价", "单价", "opening unit price"],
               parse=cells.decimal(14, 4, min_value=0, units="元"), example="23.50",
               help=_("Blank: the reference price.")),
    ]  # fmt: skip
    # One row per item and store (an export lists an item once for each store holding it).
    natural_key = ("code", "store")

    def prepare(self, rows: list[Row]) -> None:
        school = self.school
        self.items = {normalize_key(i.code): i for i in Item.objects.filter(school=school)}
        self.categories = {
            normalize_key(c.name): c for c in ItemCategory.objects.filter(school=school)
        }
        self.stores = {normalize_key(s.name): s for s in Store.objects.filter(school=school)}
        Company = apps.get_model("org", "Company")
        self.vendors = {normalize_key(c.name): c for c in Company.objects.filter(school=school)}
        self.with_history = set(
            StockMove.objects.filter(school=school).values_list("item_id", "store_id").distinct()
        )
        self.balances = {
            (b.item_id, b.store_id): b.quantity for b in StockBalance.objects.filter(school=school)
        }
        self.default_store = None

    def clean_row(self, row: Row) -> None:
        if row.get("vendor"):
            vendor = self.vendors.get(normalize_key(row.get("vendor")))
            if vendor is None:
                row.error("vendor", _("No company of this school has this name."))
            row.resolved["vendor"] = vendor
        if row.get("store"):
            store = self.stores.get(normalize_key(row.get("store")))
            if store is None:
                row.error("store", _("No store of this school has this name."))
            row.resolved["store"] = store
        if row.get("paper_size") and not row.get("sheets_per_unit"):
            row.error("sheets_per_unit", _("Paper needs the number of sheets in one unit."))
        quantity = row.get("opening_quantity")
        if quantity:
            item = self.items.get(normalize_key(row.get("code") or ""))
            store = row.resolved.get("store")
            store_id = store.pk if store else self._default_store_id()
            key = (item.pk, store_id) if item is not None else None
            if key in self.with_history and self.balances.get(key) == quantity:
                row.resolved["stock_as_is"] = True  # an export read back: nothing to move
            elif key in self.with_history:
                row.error(
                    "opening_quantity",
                    _("This item already has stock history in this store: count it instead."),
                )
            if row.get("opening_price") is None and row.get("reference_price") is None:
                price = item.reference_price if item is not None else None
                if price is None:
                    row.error("opening_price", _("Give the unit price of the opening stock."))

    def _default_store_id(self):
        default = next((s for s in self.stores.values() if s.is_default), None)
        return default.pk if default else None

    def _category(self, name: str) -> ItemCategory:
        key = normalize_key(name)
        category = self.categories.get(key)
        if category is None:
            category = ItemCategory.objects.create(school=self.school, name=name.strip()[:60])
            self.categories[key] = category
        return category

    def save_row(self, row: Row) -> Outcome:
        fields = {"name": row.get("name"), "unit": row.get("unit")}
        for key in ("specification",):
            if row.has(key):
                fields[key] = row.get(key) or ""
        for key in ("reorder_level", "reorder_quantity"):
            if row.has(key):
                fields[key] = row.get(key) or Decimal("0")
        for key in ("reference_price", "sheets_per_unit"):
            if row.has(key):
                fields[key] = row.get(key)
        if row.has("paper_size"):
            fields["paper_size"] = row.get("paper_size") or ""
        if row.has("category"):
            fields["category"] = (
                self._category(row.get("category")) if row.get("category") else None
            )
        if row.has("vendor"):
            fields["preferred_vendor"] = row.resolved.get("vendor")
        key = normalize_key(row.get("code"))
        item = self.items.get(key)
        if item is None:
            item = Item(school=self.school, code=row.get("code"), **fields)
            item.full_clean(validate_unique=False, validate_constraints=False)
            item._history_user = self.by
            item.save()
            self.items[key] = item
            outcome = Outcome.CREATED
        elif set_fields(item, fields):
            item.full_clean(validate_unique=False, validate_constraints=False)
            item._history_user = self.by
            item.save()
            outcome = Outcome.UPDATED
        else:
            outcome = Outcome.UNCHANGED
        quantity = row.get("opening_quantity")
        if quantity and not row.resolved.get("stock_as_is"):
            store = row.resolved.get("store") or self._store()
            price = row.get("opening_price")
            if price is None:
                price = item.reference_price or Decimal("0")
            ledger.receive(
                item=item, store=store, quantity=quantity, unit_cost=price, by=self.by,
                kind=MoveKind.OPENING, note=str(_("Opening balance (import)")),
            )  # fmt: skip
            self.with_history.add((item.pk, store.pk))
            if outcome is Outcome.UNCHANGED:
                outcome = Outcome.UPDATED
        return outcome

    def _store(self) -> Store:
        if self.default_store is None:
            self.default_store = default_store(self.school)
        return self.default_store


def item_export_rows(items):
    """Rows in the importer's layout (pass items annotated by ``selectors.with_stock``), one
    per item and store holding it: a file exported here imports back unchanged."""
    items = list(items)
    held: dict[int, list[StockBalance]] = {}
    balances = StockBalance.objects.filter(item__in=[i.pk for i in items], quantity__gt=0)
    for balance in balances.select_related("store").order_by("store__name"):
        held.setdefault(balance.item_id, []).append(balance)
    for item in items:
        for balance in held.get(item.pk) or [None]:
            yield _export_row(item, balance)


def _export_row(item, balance):
    average = balance.average_cost if balance is not None else None
    return [
        item.code,
        item.name,
        item.specification,
        item.unit,
        item.category.name if item.category_id else "",
        item.reorder_level,
        item.reorder_quantity,
        item.reference_price,
        item.sheets_per_unit,
        item.paper_size,
        item.preferred_vendor.name if item.preferred_vendor_id else "",
        balance.store.name if balance is not None else "",
        balance.quantity if balance is not None else None,
        average,
    ]
