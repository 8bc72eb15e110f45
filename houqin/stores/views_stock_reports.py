"""Stock reports: valuation (by store and category, today), consumption by department or item
per term against the term before (paper also in sheets and reams), and slow-moving items.
Each page exports what it shows to Excel or CSV (``?export=xlsx|csv``)."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Sum
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from houqin.core.excel import export_response
from houqin.core.scoping import access_for
from houqin.org.models import Term

from . import selectors
from .models import Store
from .tables_catalogue import plain

EXPORTS = ("xlsx", "csv")


class _ReportView(LoginRequiredMixin, View):
    perm = "stores.view_stockbalance"
    template_name = ""
    title = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.access = access_for(request.user)
        if not self.access.is_member or not self.access.has_perm(self.perm):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def store(self):
        value = self.request.GET.get("store", "")
        if not value.isdigit():
            return None
        return Store.objects.filter(school_id=self.access.school_id, pk=int(value)).first()

    def stores(self):
        return Store.objects.filter(school_id=self.access.school_id)

    def export(self, headers, rows):
        fmt = self.request.GET.get("export")
        if not self.access.has_perm("stores.export_item"):
            raise PermissionDenied
        name = f"{self.title}-{timezone.localdate():%Y%m%d}"
        return export_response(name, [str(h) for h in headers], rows, fmt)


class ValuationView(_ReportView):
    title = _("Stock valuation")

    def get(self, request):
        store = self.store()
        report = selectors.stock_valuation(self.access.school_id, store)
        if request.GET.get("export") in EXPORTS:
            rows = [[r.store, r.category, r.items, r.value] for r in report.rows]
            rows.append([str(_("Total")), "", report.items, report.total])
            return self.export((_("Store"), _("Category"), _("Items"), _("Value (¥)")), rows)
        context = {
            "title": self.title,
            "report": report,
            "stores": self.stores(),
            "store": store,
        }
        return render(request, "stores/catalogue/report_valuation.html", context)


class ConsumptionView(_ReportView):
    perm = "stores.view_stockmove"
    title = _("Consumption by term")

    def get(self, request):
        terms = list(Term.objects.filter(school_id=self.access.school_id).order_by("-start_date"))
        term = self._term(terms)
        by = "item" if request.GET.get("by") == "item" else "department"
        report = selectors.consumption(self.access.school_id, term, by=by) if term else None
        if report is not None and request.GET.get("export") in EXPORTS:
            return self.export(*self._table(report))
        context = {
            "title": self.title,
            "terms": terms,
            "term": term,
            "by": by,
            "report": report,
        }
        return render(request, "stores/catalogue/report_consumption.html", context)

    def _term(self, terms):
        value = self.request.GET.get("term", "")
        if value.isdigit():
            return next((t for t in terms if t.pk == int(value)), None)
        today = timezone.localdate()
        current = next((t for t in terms if t.start_date <= today <= t.end_date), None)
        return current or (terms[0] if terms else None)

    @staticmethod
    def _table(report):
        headers = [
            _("Item") if report.by == "item" else _("Department"),
            *((_("Unit"), _("Quantity"), _("Previous quantity")) if report.by == "item" else ()),
            _("Value (¥)"),
            _("Previous value (¥)"),
            _("Change (%)"),
            _("Paper (sheets)"),
            _("Paper (reams)"),
            _("Previous paper (sheets)"),
            _("Paper change (%)"),
        ]
        rows = []
        for r in report.rows:
            quantities = (r.unit, r.quantity, r.previous_quantity) if report.by == "item" else ()
            paper = (
                (r.sheets, r.reams, r.previous_sheets, r.sheets_change_percent)
                if r.is_paper
                else ("", "", "", "")
            )
            rows.append(
                [r.label, *quantities, r.value, r.previous_value, r.value_change_percent, *paper]
            )
        return headers, rows


class SlowMovingView(_ReportView):
    title = _("Slow-moving items")
    per_page = 50

    def get(self, request):
        days = request.GET.get("days", "")
        days = int(days) if days.isdigit() and 0 < int(days) <= 3650 else 180
        store = self.store()
        balances = selectors.slow_moving(self.access.school_id, days=days, store=store)
        if request.GET.get("export") in EXPORTS:
            rows = (
                [
                    b.item.code, str(b.item), b.item.category.name if b.item.category_id else "",
                    b.store.name, b.quantity, b.item.unit, b.value,
                    timezone.localtime(b.last_out).date() if b.last_out else "",
                ]
                for b in balances
            )  # fmt: skip
            headers = (
                _("Item code"), _("Item"), _("Category"), _("Store"), _("On hand"), _("Unit"),
                _("Value (¥)"), _("Last issued"),
            )  # fmt: skip
            return self.export(headers, rows)
        page = Paginator(balances, self.per_page).get_page(request.GET.get("page"))
        context = {
            "title": self.title,
            "page": page,
            "days": days,
            "stores": self.stores(),
            "store": store,
            "tied_up": selectors.money(balances.aggregate(total=Sum("value"))["total"]),
            "plain": plain,
        }
        return render(request, "stores/catalogue/report_slow.html", context)
