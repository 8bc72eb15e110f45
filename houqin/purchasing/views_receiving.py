"""Receiving pages (验收入库): the list of deliveries, recording one against a placed order
(quantities per line, invoice, store), and the delivery's page with the acceptance check
(accept or refuse), the invoice and the timeline. Every change goes through
``services_receiving``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View

from houqin.core.errors import DomainError
from houqin.core.scoping import access_for
from houqin.core.views.generic import (
    ObjectDetailView,
    ObjectListView,
    ScopedViewMixin,
    add_validation_error,
)

from . import forms_orders as forms
from . import services_receiving as receiving
from .filters_orders import ReceiptFilterSet
from .models import ZERO, OrderStatus, PurchaseOrder, Receipt, ReceiptStatus
from .tables_orders import ReceiptLineTable, ReceiptTable
from .views_orders import LINE_RELATED, error_text

RECEIPT_RELATED = ("order__vendor", "order__buyer", "recorded_by", "accepted_by", "store")


class ReceiptMixin:
    model = Receipt
    route_prefix = "purchasing:receipt"


class ReceiptListView(ReceiptMixin, ObjectListView):
    queryset = Receipt.objects.select_related(*RECEIPT_RELATED)
    filterset_class = ReceiptFilterSet
    table_class = ReceiptTable
    title = _("Deliveries (验收入库)")

    def get_extra_context(self):
        return {"add_url": None}


def receipt_actions(receipt: Receipt, user) -> list[dict]:
    entries = []
    if receipt.status == ReceiptStatus.RECORDED and receiving.may_check(receipt, user):
        entries.append(
            {
                "name": "accept",
                "label": _("Accept the delivery"),
                "form": forms.CheckForm(prefix="accept"),
                "url": reverse("purchasing:receipt_action", args=[receipt.pk, "accept"]),
            }
        )
        entries.append(
            {
                "name": "refuse",
                "label": _("Refuse the delivery"),
                "form": forms.ReasonForm(prefix="refuse"),
                "url": reverse("purchasing:receipt_action", args=[receipt.pk, "refuse"]),
            }
        )
    access = access_for(user, receipt.school_id)
    if receipt.status != ReceiptStatus.REFUSED and access.has_perm(receiving.RECORD_PERM):
        entries.append(
            {
                "name": "invoice",
                "label": _("Add the invoice"),
                "form": forms.InvoiceForm(
                    prefix="invoice",
                    initial={
                        "invoice_number": receipt.invoice_number,
                        "invoice_amount": receipt.invoice_amount,
                    },
                ),
                "url": reverse("purchasing:receipt_action", args=[receipt.pk, "invoice"]),
            }
        )
    return entries


class ReceiptDetailView(ReceiptMixin, ObjectDetailView):
    queryset = Receipt.objects.select_related(*RECEIPT_RELATED)
    template_name = "purchasing/receipts/receipt_detail.html"
    detail_fields = (
        "number",
        "order",
        "status",
        "received_on",
        "store",
        "recorded_by",
        "accepted_by",
        "accepted_at",
        "check_note",
        "invoice_number",
        "invoice_amount",
    )
    detail_optional_fields = ("store", "accepted_by", "accepted_at", "check_note")

    def get_extra_context(self, obj):
        lines = list(
            obj.lines.select_related(
                "stock_move", *(f"order_line__{r}" for r in LINE_RELATED)
            ).order_by("pk")
        )
        return {
            "edit_url": None,
            "delete_url": None,
            "lines_table": ReceiptLineTable(lines, orderable=False),
            "actions": receipt_actions(obj, self.request.user),
            "is_buyer": obj.order.buyer_id == self.request.user.pk,
        }


class ReceiptActionView(ReceiptMixin, ScopedViewMixin, View):
    """POST accept, refuse or invoice; refusals come back as a message."""

    http_method_names = ["post"]

    def post(self, request, pk, action):
        receipt = get_object_or_404(self.restricted("view").select_related("order"), pk=pk)
        try:
            if action == "accept":
                receiving.accept(receipt, by=request.user, note=request.POST.get("accept-note", ""))
                message = _("%(number)s was accepted.")
            elif action == "refuse":
                receiving.refuse(
                    receipt, by=request.user, reason=request.POST.get("refuse-reason", "")
                )
                message = _("%(number)s was refused.")
            elif action == "invoice":
                form = forms.InvoiceForm(request.POST, request.FILES, prefix="invoice")
                if not form.is_valid():
                    raise ValidationError([e for errs in form.errors.values() for e in errs])
                receiving.attach_invoice(
                    receipt,
                    by=request.user,
                    files=form.cleaned_data["invoice_files"] or [],
                    invoice_number=form.cleaned_data["invoice_number"],
                    invoice_amount=form.cleaned_data["invoice_amount"],
                )
                message = _("The invoice of %(number)s was saved.")
            else:
                raise Http404
        except (DomainError, ValidationError) as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, message % {"number": receipt.number})
        return redirect("purchasing:receipt_detail", receipt.pk)


class ReceiveView(ScopedViewMixin, View):
    """Record a delivery against a placed order: what came of each line."""

    model = PurchaseOrder
    template_name = "purchasing/receipts/receipt_form.html"

    def get_order(self, pk):
        order = get_object_or_404(self.restricted("view").select_related("vendor", "buyer"), pk=pk)
        if not self.access.has_perm(receiving.RECORD_PERM):
            raise PermissionDenied
        return order

    def get_form(self, data=None, files=None):
        return forms.ReceiptForm(
            data, files, user=self.request.user, school_id=self.access.school_id
        )

    def get(self, request, pk):
        order = self.get_order(pk)
        return self.render_form(order, self.get_form())

    def post(self, request, pk):
        order = self.get_order(pk)
        form = self.get_form(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                receipt = receiving.record_receipt(
                    order,
                    by=request.user,
                    lines=forms.line_values(request.POST, "qty"),
                    received_on=data["received_on"],
                    store=data["store"],
                    invoice_number=data["invoice_number"],
                    invoice_amount=data["invoice_amount"],
                    invoice_files=data["invoice_files"] or [],
                    note=data["note"],
                )
            except (DomainError, ValidationError) as exc:
                add_validation_error(form, exc)
            else:
                messages.success(
                    request,
                    _("%(number)s was recorded; it waits for the acceptance check.")
                    % {"number": receipt.number},
                )
                return redirect("purchasing:receipt_detail", receipt.pk)
        return self.render_form(order, form)

    def render_form(self, order, form):
        lines = list(order.lines.select_related(*LINE_RELATED).order_by("pk"))
        waiting = receiving.waiting_quantities(order)
        rows = [
            {
                "line": line,
                "waiting": waiting.get(line.pk, ZERO),
                "left": max(line.quantity - line.received_quantity - waiting.get(line.pk, ZERO),
                            ZERO),
                "value": self.request.POST.get(f"qty-{line.pk}", "")
                if self.request.method == "POST"
                else "",
            }
            for line in lines
        ]  # fmt: skip
        context = {
            "title": _("Record a delivery of %(number)s") % {"number": order.number},
            "order": order,
            "form": form,
            "rows": rows,
            "receivable": order.status in (OrderStatus.PLACED, OrderStatus.PARTLY_RECEIVED),
            "cancel_url": reverse("purchasing:order_detail", args=[order.pk]),
        }
        return render(self.request, self.template_name, context)
