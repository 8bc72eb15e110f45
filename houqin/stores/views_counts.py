"""Stock count pages: the list, starting a count, the counting page (phone-friendly, one row
per item, search, each row saved as it is typed with htmx or all at once), the approval
panel, the printable count sheet and the Excel export of the result. Every change goes
through ``services_counts``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from houqin.core.errors import DomainError
from houqin.core.excel import export_response
from houqin.core.views.approvals import panel_for
from houqin.core.views.generic import ObjectDetailView, ObjectListView, ScopedViewMixin

from . import forms_counts as forms
from . import services_counts as counts
from .models.counts import StockCount, StockCountLine, StockCountStatus

# Rows on the counting page at once (search or filter for the others; the sheet prints all).
LINES_SHOWN = 200


class CountMixin:
    model = StockCount
    route_prefix = "stores:count"


class CountListView(CountMixin, ObjectListView):
    queryset = StockCount.objects.select_related("store", "started_by")
    filterset_class = forms.StockCountFilterSet
    table_class = forms.StockCountTable
    title = _("Stock counts")

    def get_extra_context(self):
        return {"add_url": reverse("stores:count_add") if self.may_start() else None}

    def may_start(self) -> bool:
        return self.access.has_perm(counts.COUNT_PERM)


class CountStartView(CountMixin, ScopedViewMixin, View):
    template_name = "stores/counts/start.html"

    def _check(self):
        if not self.access.has_perm(counts.COUNT_PERM):
            raise PermissionDenied

    def _form(self, data=None):
        return forms.StartCountForm(
            data, user=self.request.user, school_id=self.access.school_id
        )

    def get(self, request):
        self._check()
        return self._render(self._form())

    def post(self, request):
        self._check()
        form = self._form(request.POST)
        if form.is_valid():
            try:
                count = counts.start(
                    store=form.cleaned_data["store"],
                    categories=form.cleaned_data["categories"],
                    note=form.cleaned_data["note"],
                    by=request.user,
                )
            except DomainError as exc:
                form.add_error(None, str(exc.message))
            else:
                messages.success(request, _("%(number)s started.") % {"number": count.number})
                return redirect(count.get_absolute_url())
        return self._render(form)

    def _render(self, form):
        return render(
            self.request,
            self.template_name,
            {"form": form, "title": _("Start a stock count"), "cancel_url": reverse("stores:count_list")},
        )


def _lines(count, request):
    query = request.GET.get("q", "")
    only = request.GET.get("only", "")
    return counts.lines_matching(count, query, only), query, only


class CountDetailView(CountMixin, ObjectDetailView):
    queryset = StockCount.objects.select_related("store", "started_by")
    template_name = "stores/counts/detail.html"
    detail_fields = (
        "number",
        "store",
        "status",
        "started_by",
        "started_at",
        "submitted_at",
        "applied_at",
        "difference_value",
        "note",
    )
    detail_optional_fields = ("submitted_at", "applied_at", "note")

    def get(self, request, pk):
        if request.GET.get("export"):
            count = get_object_or_404(self.restricted("view"), pk=pk)
            return export_count(count, request.GET.get("export"))
        return super().get(request, pk)

    def get_extra_context(self, obj):
        lines, query, only = _lines(obj, self.request)
        shown = list(lines.select_related("adjustment")[: LINES_SHOWN + 1])
        editable = obj.status == StockCountStatus.COUNTING and self.access.has_perm(
            counts.COUNT_PERM
        )
        return {
            "edit_url": None,
            "delete_url": None,
            "lines": shown[:LINES_SHOWN],
            "more_lines": len(shown) > LINES_SHOWN,
            "filter_form": forms.CountLineFilterForm(self.request.GET or None),
            "query": query,
            "only": only,
            "editable": editable,
            "summary": counts.summary(obj),
            "categories": counts.categories_of(obj),
            "approval": panel_for(obj, self.request.user),
            "actions": count_actions(obj, self.request.user),
            "print_url": reverse("stores:count_print", args=[obj.pk]),
            "lines_url": reverse("stores:count_lines", args=[obj.pk]),
            "add_item_form": forms.AddItemForm(user=self.request.user, school_id=obj.school_id)
            if editable
            else None,
            "add_item_url": reverse("stores:count_action", args=[obj.pk, "add_item"]),
        }


def count_actions(count: StockCount, user) -> list[dict]:
    return [
        {
            "name": t.name,
            "label": t.display,
            "url": reverse("stores:count_action", args=[count.pk, t.name]),
        }
        for t in counts.MACHINE.available(count, user)
    ]


def export_count(count: StockCount, fmt: str = "xlsx"):
    rows = (
        forms.export_row(line)
        for line in count.lines.select_related("item__category", "adjustment").order_by(
            "item__code"
        )
    )
    return export_response(
        f"{count.number}-{timezone.localdate():%Y%m%d}",
        forms.export_headers(),
        rows,
        "csv" if fmt == "csv" else "xlsx",
    )


class CountLinesView(LoginRequiredMixin, View):
    """POST the counted quantities (``c-<line id>``, notes ``n-<line id>``). An htmx request
    (one row changed) gets the row back; a plain post goes back to the page."""

    http_method_names = ["post"]

    def post(self, request, pk):
        count = get_object_or_404(counts.counts_for(request.user), pk=pk)
        values, notes = {}, {}
        for key, value in request.POST.items():
            if key.startswith("c-"):
                values[key[2:]] = value.strip()
            elif key.startswith("n-"):
                notes[key[2:]] = value.strip()
        error = ""
        try:
            changed = counts.record_counts(count, values, by=request.user, notes=notes)
        except DomainError as exc:
            error, changed = str(exc.message), 0
        htmx = getattr(request, "htmx", None)
        if htmx and len(values) == 1:
            line_id = next(iter(values))
            line = get_object_or_404(
                StockCountLine.objects.select_related("item", "adjustment"),
                count=count,
                pk=line_id if line_id.isdigit() else 0,
            )
            return render(
                request,
                "stores/counts/_line_row.html",
                {
                    "line": line,
                    "editable": True,
                    "error": error,
                    "saved": not error,
                    "lines_url": reverse("stores:count_lines", args=[count.pk]),
                },
            )
        if error:
            messages.error(request, error)
        else:
            messages.success(
                request, _("%(count)d counts saved.") % {"count": changed}
            )
        query = request.POST.get("back_query", "")
        return redirect(f"{count.get_absolute_url()}{'?' + query if query else ''}")


class CountActionView(LoginRequiredMixin, View):
    """POST submit or cancel; refusals come back as a message on the page."""

    http_method_names = ["post"]

    def post(self, request, pk, action):
        count = get_object_or_404(counts.counts_for(request.user), pk=pk)
        try:
            if action == "submit":
                counts.submit(
                    count,
                    by=request.user,
                    uncounted_as_expected=bool(request.POST.get("uncounted_as_expected")),
                )
                message = _("%(number)s was sent for approval.")
            elif action == "cancel":
                counts.cancel(count, by=request.user, reason=request.POST.get("reason", ""))
                message = _("%(number)s was cancelled.")
            elif action == "add_item":
                form = forms.AddItemForm(
                    request.POST, user=request.user, school_id=count.school_id
                )
                if not form.is_valid():
                    raise DomainError(_("Choose the item and how many were found."))
                counts.add_item(
                    count,
                    item=form.cleaned_data["item"],
                    counted=form.cleaned_data["counted"],
                    by=request.user,
                )
                message = _("The item was added to %(number)s.")
            else:
                raise Http404
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, message % {"number": count.number})
        return redirect(count.get_absolute_url())


class CountPrintView(CountMixin, ScopedViewMixin, View):
    """``…/print/``: the count sheet on A4: every item with its expected and counted quantity
    (``?blind=1`` leaves the expected column empty, for a blind count), signature lines."""

    template_name = "stores/counts/print.html"

    def get(self, request, pk):
        count = get_object_or_404(
            self.restricted("view").select_related("school", "store", "started_by"), pk=pk
        )
        lines = count.lines.select_related("item", "item__category").order_by("item__code")
        return render(
            request,
            self.template_name,
            {
                "title": _("Stock count sheet %(number)s") % {"number": count.number},
                "count": count,
                "school": count.school,
                "lines": lines,
                "blind": bool(request.GET.get("blind")),
                "summary": counts.summary(count),
                "back_url": count.get_absolute_url(),
                "printed_at": timezone.now(),
            },
        )
