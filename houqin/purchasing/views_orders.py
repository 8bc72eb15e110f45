"""Purchase order pages: the list, "to order" (approved request lines grouped by vendor, chosen
with checkboxes, one order per vendor), the detail page with its lines, deliveries and actions,
editing a draft, and the printable order (A4, the amount in Chinese capitals). Every change goes
through ``services_orders``."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from houqin.core.errors import DomainError
from houqin.core.views.generic import (
    ObjectDetailView,
    ObjectListView,
    ScopedViewMixin,
    add_validation_error,
)

from . import forms_orders as forms
from . import services_orders as orders
from .filters_orders import OrderFilterSet
from .models import OrderStatus, PurchaseOrder
from .tables_orders import OrderLineTable, OrderTable

ORDER_RELATED = ("vendor", "buyer")
LINE_RELATED = ("request_line__request", "request_line__item")


def error_text(exc) -> str:
    return str(exc.message) if isinstance(exc, DomainError) else "; ".join(exc.messages)


# ---------------------------------------------------------------- 大写: amounts in capitals

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_UNITS = ("", "拾", "佰", "仟")
_GROUPS = ("", "万", "亿", "万亿")


def _four(value: int) -> str:
    text, zero = "", False
    for position in (3, 2, 1, 0):
        digit = value // 10**position % 10
        if digit == 0:
            zero = bool(text)
            continue
        if zero:
            text += "零"
            zero = False
        text += _DIGITS[digit] + _UNITS[position]
    return text


def chinese_capital(amount) -> str:
    """¥12,345.67 → 壹万贰仟叁佰肆拾伍元陆角柒分 (as written on orders, cheques and invoices)."""
    amount = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "负" if amount < 0 else ""
    cents = int(abs(amount) * 100)
    yuan, rest = divmod(cents, 100)
    jiao, fen = divmod(rest, 10)
    if not cents:
        return "零元整"
    text = ""
    if yuan:
        groups = []
        while yuan:
            groups.append(yuan % 10000)
            yuan //= 10000
        gap = False
        for index in range(len(groups) - 1, -1, -1):
            group = groups[index]
            if group == 0:
                gap = bool(text)
                continue
            if text and (gap or group < 1000):
                text += "零"
            text += _four(group) + _GROUPS[index]
            gap = False
        text += "元"
    if not rest:
        return sign + text + "整"
    if jiao:
        text += _DIGITS[jiao] + "角"
    elif text:
        text += "零"
    if fen:
        text += _DIGITS[fen] + "分"
    return sign + text


# ---------------------------------------------------------------- list and detail


class OrderMixin:
    model = PurchaseOrder
    route_prefix = "purchasing:order"


class OrderListView(OrderMixin, ObjectListView):
    queryset = PurchaseOrder.objects.select_related(*ORDER_RELATED)
    filterset_class = OrderFilterSet
    table_class = OrderTable
    template_name = "purchasing/orders/order_list.html"
    title = _("Purchase orders")

    def get_extra_context(self):
        return {"add_url": reverse("purchasing:order_add") if self.may("add") else None}


def order_actions(order: PurchaseOrder, user) -> list[dict]:
    entries = []
    for transition in orders.available_actions(order, user):
        entries.append(
            {
                "name": transition.name,
                "label": transition.display,
                "form": forms.ReasonForm(prefix="cancel") if transition.name == "cancel" else None,
                "url": reverse("purchasing:order_action", args=[order.pk, transition.name]),
            }
        )
    return entries


class OrderDetailView(OrderMixin, ObjectDetailView):
    queryset = PurchaseOrder.objects.select_related(*ORDER_RELATED)
    template_name = "purchasing/orders/order_detail.html"
    detail_fields = (
        "number",
        "vendor",
        "status",
        "buyer",
        "placed_on",
        "expected_on",
        "total",
        "funding_source",
        "note",
    )
    detail_optional_fields = ("placed_on", "expected_on", "funding_source", "note")

    def get_extra_context(self, obj):
        lines = list(obj.lines.select_related(*LINE_RELATED).order_by("pk"))
        access = self.access
        receipts = list(
            obj.receipts.select_related("recorded_by", "accepted_by").order_by(
                "-received_on", "-pk"
            )
        )
        may_receive = obj.status in (
            OrderStatus.PLACED,
            OrderStatus.PARTLY_RECEIVED,
        ) and access.has_perm("purchasing.add_receipt")
        editable = obj.status == OrderStatus.DRAFT and access.has_perm(orders.CHANGE_PERM)
        return {
            "edit_url": reverse("purchasing:order_edit", args=[obj.pk]) if editable else None,
            "delete_url": None,
            "lines_table": OrderLineTable(lines, orderable=False),
            "receipts": receipts,
            "actions": order_actions(obj, self.request.user),
            "receive_url": reverse("purchasing:order_receive", args=[obj.pk])
            if may_receive
            else None,
            "print_url": reverse("purchasing:order_print", args=[obj.pk]),
        }


class OrderActionView(OrderMixin, ScopedViewMixin, View):
    """POST place or cancel; refusals come back as a message on the page."""

    http_method_names = ["post"]

    def post(self, request, pk, action):
        order = get_object_or_404(self.restricted("view"), pk=pk)
        try:
            if action == "place":
                orders.place(order, by=request.user)
                message = _("%(number)s was placed with the vendor.")
            elif action == "cancel":
                orders.cancel(order, by=request.user, reason=request.POST.get("cancel-reason", ""))
                message = _("%(number)s was cancelled.")
            else:
                raise Http404
        except (DomainError, ValidationError) as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, message % {"number": order.number})
        return redirect("purchasing:order_detail", order.pk)


# ---------------------------------------------------------------- to order


class ToOrderView(OrderMixin, ScopedViewMixin, View):
    """Approved request lines not yet ordered, by vendor; the chosen ones become draft orders
    (one per vendor). Quantities and a vendor for lines without one are given per line."""

    template_name = "purchasing/orders/to_order.html"

    def check(self):
        if not self.access.is_member or not self.access.has_perm(orders.BUY_PERM):
            raise PermissionDenied

    def vendors(self):
        from houqin.org.models import Company

        return Company.objects.restrict(self.request.user, "view").filter(is_active=True)

    def get(self, request):
        self.check()
        return self.render_page(forms.CreateOrdersForm())

    def post(self, request):
        self.check()
        form = forms.CreateOrdersForm(request.POST)
        chosen = [int(v) for v in request.POST.getlist("line") if v.isdigit()]
        if form.is_valid():
            quantities = forms.line_values(request.POST, "qty")
            vendor_ids = forms.line_values(request.POST, "vendor")
            vendors = self.vendors().in_bulk([int(v) for v in vendor_ids.values() if v.isdigit()])
            selections = [
                orders.Selection(
                    pk,
                    quantity=quantities.get(pk),
                    vendor=vendors.get(int(vendor_ids[pk])) if pk in vendor_ids else None,
                )
                for pk in chosen
            ]
            try:
                made = orders.create_orders(
                    by=request.user,
                    school=self.access.school_id,
                    selections=selections,
                    expected_on=form.cleaned_data["expected_on"],
                    note=form.cleaned_data["note"],
                )
            except (DomainError, ValidationError) as exc:
                add_validation_error(form, exc)
            else:
                messages.success(
                    request,
                    _("Draft orders made: %(numbers)s.")
                    % {"numbers": "、".join(o.number for o in made)},
                )
                if len(made) == 1:
                    return redirect("purchasing:order_detail", made[0].pk)
                return redirect("purchasing:order_list")
        return self.render_page(form, chosen=set(chosen))

    def render_page(self, form, chosen=frozenset()):
        lines = list(orders.orderable_lines(self.access.school_id)[:500])
        context = {
            "title": _("To order"),
            "form": form,
            "groups": orders.group_by_vendor(lines),
            "vendors": list(self.vendors().only("pk", "name")),
            "chosen": chosen,
            "cancel_url": reverse("purchasing:order_list"),
        }
        return render(self.request, self.template_name, context)


# ---------------------------------------------------------------- editing a draft


class OrderEditView(OrderMixin, ScopedViewMixin, View):
    template_name = "purchasing/orders/order_edit.html"

    def get_order(self, pk):
        order = get_object_or_404(self.restricted("view").select_related(*ORDER_RELATED), pk=pk)
        if order.status != OrderStatus.DRAFT or not self.access.has_perm(orders.CHANGE_PERM):
            raise PermissionDenied
        return order

    def get(self, request, pk):
        order = self.get_order(pk)
        form = forms.OrderEditForm(
            initial={
                "expected_on": order.expected_on,
                "funding_source": order.funding_source,
                "note": order.note,
            }
        )
        return self.render_form(order, form)

    def post(self, request, pk):
        order = self.get_order(pk)
        form = forms.OrderEditForm(request.POST)
        if form.is_valid():
            quantities = forms.line_values(request.POST, "qty")
            prices = forms.line_values(request.POST, "price")
            lines = {
                pk: {"quantity": quantities.get(pk), "unit_price": prices.get(pk)}
                for pk in set(quantities) | set(prices)
            }
            try:
                orders.update_order(
                    order,
                    by=request.user,
                    lines=lines,
                    expected_on=form.cleaned_data["expected_on"] or "",
                    funding_source=form.cleaned_data["funding_source"],
                    note=form.cleaned_data["note"],
                )
            except (DomainError, ValidationError) as exc:
                add_validation_error(form, exc)
            else:
                messages.success(request, _("%(number)s was saved.") % {"number": order.number})
                return redirect("purchasing:order_detail", order.pk)
        return self.render_form(order, form)

    def render_form(self, order, form):
        context = {
            "title": _("Change %(number)s") % {"number": order.number},
            "order": order,
            "form": form,
            "lines": list(order.lines.select_related(*LINE_RELATED).order_by("pk")),
            "cancel_url": reverse("purchasing:order_detail", args=[order.pk]),
        }
        return render(self.request, self.template_name, context)


# ---------------------------------------------------------------- the printed order


class OrderPrintView(OrderMixin, ScopedViewMixin, View):
    """The 采购单 on A4: school, vendor, lines, totals in figures and in capitals, signatures."""

    template_name = "purchasing/orders/order_print.html"

    def get(self, request, pk):
        order = get_object_or_404(
            self.restricted("view").select_related(*ORDER_RELATED, "school"), pk=pk
        )
        lines = list(order.lines.select_related(*LINE_RELATED).order_by("pk"))
        context = {
            "title": _("Purchase order %(number)s") % {"number": order.number},
            "order": order,
            "school": order.school,
            "lines": lines,
            "requests": sorted({line.request_line.request.number for line in lines}),
            "total_capital": chinese_capital(order.total),
            "back_url": reverse("purchasing:order_detail", args=[order.pk]),
            "printed_at": timezone.now(),
        }
        return render(request, self.template_name, context)


__all__ = [
    "OrderActionView",
    "OrderDetailView",
    "OrderEditView",
    "OrderListView",
    "OrderPrintView",
    "ToOrderView",
    "chinese_capital",
]
