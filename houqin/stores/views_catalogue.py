"""Catalogue pages: items (list, detail with balances and ledger, add/edit, import, export),
categories, stores, stock received or transferred by hand, the stock ledger and reorder
suggestions. Stock changes go through ``services_catalogue`` (and so through the ledger)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.views import View

from houqin.core.errors import DomainError
from houqin.core.excel import export_response
from houqin.core.importing.views import ImportView, report_response, template_response
from houqin.core.scoping import access_for
from houqin.core.views.generic import (
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    add_validation_error,
)

from . import selectors, services_catalogue, tables_catalogue
from .filters_catalogue import ItemFilterSet, StockMoveFilterSet
from .forms_catalogue import CategoryForm, ItemForm, ReceiveForm, StoreForm, TransferForm
from .importing_items import ItemImporter, item_export_rows
from .models import Item, ItemCategory, StockBalance, StockMove, Store

EXPORT_PERM = "stores.export_item"
MOVES_PER_PAGE = 25


def optional_url(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def stock_links(access) -> list[tuple[str, str, str]]:
    """Buttons to the stock pages the user may use (url, label, icon)."""
    links = []
    if access.has_perm("stores.receive_stock"):
        links.append((reverse("stores:stock_receive"), _("Receive by hand"), "download"))
    if access.has_perm("stores.adjust_stock"):
        links.append((reverse("stores:stock_transfer"), _("Transfer"), "arrows-exchange"))
    if access.has_perm("stores.view_stockmove"):
        links.append((reverse("stores:move_list"), _("Stock ledger"), "list"))
    if access.has_perm("stores.add_item"):
        links.append((reverse("stores:item_import"), _("Import"), "file-import"))
        links.append((reverse("stores:reorder"), _("Reorder suggestions"), "shopping-cart"))
    return links


# ---------------------------------------------------------------- items


class ItemMixin:
    model = Item
    route_prefix = "stores:item"


class ItemListView(ItemMixin, ObjectListView):
    queryset = Item.objects.select_related("category", "preferred_vendor")
    filterset_class = ItemFilterSet
    table_class = tables_catalogue.ItemTable
    template_name = "stores/catalogue/item_list.html"
    export_perm = EXPORT_PERM
    title = _("Items")

    def base_queryset(self):
        store = self.request.GET.get("store", "")
        return selectors.with_stock(
            super().base_queryset(), int(store) if store.isdigit() else None
        )

    def get_extra_context(self):
        return {"links": stock_links(self.access)}


class ItemDetailView(ItemMixin, ObjectDetailView):
    queryset = Item.objects.select_related("category", "preferred_vendor")
    template_name = "stores/catalogue/item_detail.html"
    detail_fields = (
        "code", "name", "specification", "unit", "category", "reorder_level",
        "reorder_quantity", "preferred_vendor", "reference_price", "sheets_per_unit",
        "paper_size", "is_active", "note",
    )  # fmt: skip
    detail_optional_fields = ("specification", "sheets_per_unit", "paper_size", "note")

    def get_extra_context(self, obj):
        balances = list(
            StockBalance.objects.filter(item=obj).select_related("store").order_by("store__name")
        )
        quantity = sum((b.quantity for b in balances), selectors.ZERO)
        value = sum((b.value for b in balances), selectors.ZERO)
        context = {
            "balances": balances,
            "total_quantity": quantity,
            "total_value": value,
            "average_cost": (value / quantity).quantize(selectors.Decimal("0.0001"))
            if quantity
            else None,
            "moves_table": None,
        }
        if self.access.has_perm("stores.view_stockmove"):
            moves = StockMove.objects.filter(item=obj).select_related("store", "department", "by")
            table = tables_catalogue.ItemMoveTable(moves, orderable=False)
            table.paginate(page=_page(self.request), per_page=MOVES_PER_PAGE)
            context["moves_table"] = table
            context["ledger_url"] = f"{reverse('stores:move_list')}?item={obj.pk}"
        return context


def _page(request) -> int:
    page = request.GET.get("page", "1")
    return int(page) if page.isdigit() and int(page) > 0 else 1


class ItemEditView(ItemMixin, ObjectEditView):
    form_class = ItemForm


# ---------------------------------------------------------------- categories and stores


class CategoryListView(ObjectListView):
    queryset = ItemCategory.objects.annotate(item_count=Count("items"))
    table_class = tables_catalogue.CategoryTable
    route_prefix = "stores:category"
    title = _("Item categories")


class CategoryEditView(ObjectEditView):
    model = ItemCategory
    form_class = CategoryForm
    route_prefix = "stores:category"

    def success_url(self, obj):
        return reverse("stores:category_list")


class StoreListView(ObjectListView):
    queryset = Store.objects.select_related("keeper", "room")
    table_class = tables_catalogue.StoreTable
    route_prefix = "stores:store"
    title = _("Stores")

    def get(self, request, *args, **kwargs):
        if self.may("view") and self.access.school_id:
            selectors.default_store(self.access.school_id)  # one default store, on first use
        return super().get(request, *args, **kwargs)


class StoreEditView(ObjectEditView):
    model = Store
    form_class = StoreForm
    route_prefix = "stores:store"

    def success_url(self, obj):
        return reverse("stores:store_list")


# ---------------------------------------------------------------- the ledger


class MoveListView(ObjectListView):
    queryset = StockMove.objects.select_related("item", "store", "department", "by")
    filterset_class = StockMoveFilterSet
    table_class = tables_catalogue.StockMoveTable
    route_prefix = "stores:move"
    export_perm = EXPORT_PERM
    count_limit = 10_000
    title = _("Stock ledger")


# ---------------------------------------------------------------- stock by hand


class _StockFormView(LoginRequiredMixin, View):
    perm = ""
    form_class = None
    title = ""
    template_name = "stores/catalogue/stock_form.html"

    def check(self):
        access = access_for(self.request.user)
        if not access.is_member or not access.has_perm(self.perm):
            raise PermissionDenied
        return access

    def form(self, data=None):
        initial = {}
        for name in ("item", "store", "from_store"):
            value = self.request.GET.get(name, "")
            if value.isdigit():
                initial[name] = int(value)
        return self.form_class(data, school_id=self.check().school_id, initial=initial)

    def get(self, request):
        return self.render(self.form())

    def post(self, request):
        form = self.form(request.POST)
        if form.is_valid():
            try:
                move = self.act(form.cleaned_data)
            except DomainError as exc:
                add_validation_error(form, exc)
            else:
                messages.success(request, self.done_message(move))
                return redirect("stores:item_detail", form.cleaned_data["item"].pk)
        return self.render(form, status=400)

    def render(self, form, status=200):
        context = {"form": form, "title": self.title, "cancel_url": reverse("stores:item_list")}
        return render(self.request, self.template_name, context, status=status)


class ReceiveView(_StockFormView):
    perm = services_catalogue.RECEIVE_PERM
    form_class = ReceiveForm
    title = _("Receive stock by hand")

    def act(self, data):
        return services_catalogue.receive_by_hand(
            item=data["item"], store=data["store"], quantity=data["quantity"],
            unit_cost=data["unit_cost"], kind=data["kind"], note=data["note"],
            by=self.request.user,
        )  # fmt: skip

    def done_message(self, move):
        return _("Received %(quantity)s %(unit)s of %(item)s into %(store)s.") % {
            "quantity": tables_catalogue.plain(move.quantity),
            "unit": move.item.unit,
            "item": move.item,
            "store": move.store,
        }


class TransferView(_StockFormView):
    perm = services_catalogue.ADJUST_PERM
    form_class = TransferForm
    title = _("Transfer between stores")

    def act(self, data):
        return services_catalogue.transfer_by_hand(
            item=data["item"], from_store=data["from_store"], to_store=data["to_store"],
            quantity=data["quantity"], note=data.get("note", ""), by=self.request.user,
        )  # fmt: skip

    def done_message(self, moves):
        out, into = moves
        return _("Moved %(quantity)s %(unit)s of %(item)s from %(from)s to %(to)s.") % {
            "quantity": tables_catalogue.plain(into.quantity),
            "unit": into.item.unit,
            "item": into.item,
            "from": out.store,
            "to": into.store,
        }


# ---------------------------------------------------------------- reorder suggestions


class ReorderView(LoginRequiredMixin, View):
    """Items at or below their reorder level; ticking some sends them to purchasing as one
    purchase request (purchasing's page, when it is installed)."""

    def get(self, request):
        access = access_for(request.user)
        if not access.is_member or not access.has_perm("stores.view_item"):
            raise PermissionDenied
        suggestions = selectors.reorder_suggestions(access.school_id)
        context = {
            "title": _("Reorder suggestions"),
            "suggestions": suggestions,
            "request_url": optional_url("purchasing:request_from_reorder"),
            "total": sum((s.amount for s in suggestions), selectors.ZERO),
        }
        if request.GET.get("export") in ("xlsx", "csv"):
            return export_response(
                str(context["title"]),
                [str(h) for h in (_("Item code"), _("Item"), _("Unit"), _("On hand"),
                                  _("Reorder level"), _("Suggested quantity"),
                                  _("Preferred vendor"), _("Unit price (¥)"), _("Amount (¥)"))],
                (
                    [s.item.code, str(s.item), s.item.unit, s.on_hand, s.item.reorder_level,
                     s.suggested_quantity, str(s.vendor or ""), s.unit_price, s.amount]
                    for s in suggestions
                ),
                request.GET["export"],
            )  # fmt: skip
        return render(request, "stores/catalogue/reorder.html", context)


# ---------------------------------------------------------------- import and export


class ItemImportView(ImportView):
    importer_class = ItemImporter
    template_url = ("stores:item_import_template",)
    report_url_name = "stores:item_import_report"
    export_url_name = "stores:item_export"


@login_required
def item_import_template(request):
    if not access_for(request.user).has_perm(ItemImporter.permission):
        raise PermissionDenied
    return template_response(ItemImporter)


@login_required
def item_import_report(request, token):
    if not access_for(request.user).has_perm(ItemImporter.permission):
        raise PermissionDenied
    return report_response(request, token)


@login_required
def item_export(request):
    """Every item in the import's layout, on-hand and average cost as the opening columns."""
    if not access_for(request.user).has_perm(EXPORT_PERM):
        raise PermissionDenied
    items = selectors.with_stock(
        Item.objects.restrict(request.user, "view").select_related("category", "preferred_vendor")
    ).order_by("code")
    fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
    return export_response(
        str(ItemImporter.title), ItemImporter.headers, item_export_rows(items), fmt
    )
