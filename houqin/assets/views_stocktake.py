"""Stock-take pages: the list, starting one, the live progress, the phone scan page, the lines
with their corrections, the actions (close, cancel, submit) and the report (print and Excel).

Every change calls ``services_stocktake``; the phone page posts its scans to the API
(``api_stocktake``), which calls the same service.
"""

from __future__ import annotations

import io
from decimal import Decimal
from urllib.parse import quote

import django_filters
import django_tables2 as tables
from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from houqin.core.errors import DomainError
from houqin.core.excel import FORMULA_PREFIXES, XLSX_CONTENT_TYPE
from houqin.core.filters import TenantFilterSet
from houqin.core.scoping import can
from houqin.core.tables import BaseTable
from houqin.core.views.approvals import panel_for
from houqin.core.views.generic import (
    ObjectDetailView,
    ObjectListView,
    ScopedViewMixin,
    TenantModelForm,
    add_validation_error,
    style_form,
)
from houqin.org.models import Room

from . import services_stocktake as services
from .models import (
    AssetCategory,
    Correction,
    ScanResult,
    StockTake,
    StockTakeItem,
    StockTakeScan,
    StockTakeStatus,
)

LINES_PER_PAGE = 50
RECENT_SCANS = 10
# The desktop progress page asks again this often while counting (seconds).
PROGRESS_REFRESH = 10


# ---------------------------------------------------------------- list


class StockTakeFilterSet(TenantFilterSet):
    search_fields = ("number", "name")
    status = django_filters.ChoiceFilter(
        choices=StockTakeStatus.choices, label=_("Status"), empty_label=_("All")
    )

    class Meta:
        model = StockTake
        fields = ["q", "status"]


def _line_count(**conditions):
    lines = (
        StockTakeItem.objects.filter(stocktake=OuterRef("pk"), **conditions)
        .order_by()
        .values("stocktake")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(lines, output_field=IntegerField()), 0)


class StockTakeTable(BaseTable):
    number = tables.Column(linkify=("assets:stocktake_detail", [tables.A("pk")]))
    name = tables.Column(linkify=("assets:stocktake_detail", [tables.A("pk")]))
    status = tables.Column()
    expected = tables.Column(verbose_name=_("Expected"), orderable=False, default=0)
    counted = tables.Column(verbose_name=_("Counted"), orderable=False, default=0)
    surplus = tables.Column(verbose_name=_("Surplus"), orderable=False, default=0)
    started_at = tables.DateTimeColumn(verbose_name=_("Started at"), format="Y-m-d H:i")
    started_by = tables.Column(orderable=False)
    closed_at = tables.DateTimeColumn(format="Y-m-d H:i")

    class Meta(BaseTable.Meta):
        model = StockTake
        fields = (
            "number",
            "name",
            "status",
            "expected",
            "counted",
            "surplus",
            "started_at",
            "started_by",
            "closed_at",
        )
        order_by = ("-started_at",)


class StockTakeMixin:
    model = StockTake
    route_prefix = "assets:stocktake"


class StockTakeListView(StockTakeMixin, ObjectListView):
    queryset = StockTake.objects.select_related("started_by")
    filterset_class = StockTakeFilterSet
    table_class = StockTakeTable
    title = _("Stock-takes")

    def base_queryset(self):
        # Counted per row of the page only (a subquery each), not over every line of the school.
        return (
            super()
            .base_queryset()
            .annotate(
                expected=_line_count(result__in=services.EXPECTED_RESULTS),
                counted=_line_count(result__in=(ScanResult.FOUND, ScanResult.MOVED)),
                surplus=_line_count(result=ScanResult.SURPLUS),
            )
        )


# ---------------------------------------------------------------- start


class StockTakeForm(TenantModelForm):
    choice_select_related = {"rooms": ("floor__building",)}

    class Meta:
        model = StockTake
        fields = ["name", "buildings", "rooms", "departments", "categories", "notes"]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 2}),
            "buildings": forms.SelectMultiple(attrs={"size": 4, "data-tom-select": ""}),
            "rooms": forms.SelectMultiple(attrs={"size": 6, "data-tom-select": ""}),
            "departments": forms.SelectMultiple(attrs={"size": 4, "data-tom-select": ""}),
            "categories": forms.SelectMultiple(attrs={"size": 6, "data-tom-select": ""}),
        }
        help_texts = {
            "buildings": _("Assets in these buildings or in the rooms below."),
            "categories": _(
                "Sub-categories are included. Leave every scope empty to count "
                "the whole active register."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].initial = _("Stock-take %(date)s") % {
            "date": timezone.localdate().strftime("%Y-%m")
        }
        categories = self.fields["categories"]
        categories.queryset = categories.queryset.filter(is_active=True)


class StockTakeAddView(StockTakeMixin, ScopedViewMixin, View):
    template_name = "core/generic/object_edit.html"

    def check(self):
        if not can(self.request.user, "add", StockTake):
            raise PermissionDenied

    def form(self, data=None):
        instance = StockTake(school_id=self.access.school_id)
        return StockTakeForm(
            data, instance=instance, user=self.request.user, school_id=self.access.school_id
        )

    def get(self, request):
        self.check()
        return self.render_form(self.form())

    def post(self, request):
        self.check()
        form = self.form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                stocktake = services.start(
                    school=self.access.school_id,
                    by=request.user,
                    name=data["name"],
                    buildings=list(data["buildings"]),
                    rooms=list(data["rooms"]),
                    departments=list(data["departments"]),
                    categories=list(data["categories"]),
                    notes=data["notes"],
                )
            except DomainError as exc:
                add_validation_error(form, exc)
            else:
                messages.success(request, _("%(number)s started.") % {"number": stocktake.number})
                return redirect("assets:stocktake_detail", stocktake.pk)
        return self.render_form(form)

    def render_form(self, form):
        context = {
            "form": form,
            "title": _("Start a stock-take"),
            "cancel_url": reverse("assets:stocktake_list"),
        }
        return render(self.request, self.template_name, context)


# ---------------------------------------------------------------- detail and live progress


def _stocktake(request, pk, action="view") -> StockTake:
    return get_object_or_404(
        StockTake.objects.restrict(request.user, action).select_related(
            "school", "started_by", "closed_by"
        ),
        pk=pk,
    )


def _may(request, perm) -> bool:
    access = getattr(request, "access", None)
    return bool(access and access.is_member and access.has_perm(perm))


def _scope_labels(stocktake: StockTake) -> list[str]:
    parts = [str(b) for b in stocktake.buildings.all()]
    parts += [str(r) for r in stocktake.rooms.select_related("floor__building")]
    parts += [str(d) for d in stocktake.departments.all()]
    parts += [str(c) for c in stocktake.categories.all()]
    return parts


def progress_context(stocktake: StockTake) -> dict:
    report = services.progress(stocktake)
    return {
        "object": stocktake,
        "progress": report,
        "refresh_seconds": PROGRESS_REFRESH if stocktake.status == StockTakeStatus.OPEN else None,
    }


class StockTakeDetailView(StockTakeMixin, ObjectDetailView):
    queryset = StockTake.objects.select_related("started_by", "closed_by")
    template_name = "assets/stocktake_detail.html"
    detail_fields = (
        "number",
        "name",
        "status",
        "started_by",
        "started_at",
        "closed_by",
        "closed_at",
        "applied_at",
        "notes",
    )
    detail_optional_fields = ("closed_by", "closed_at", "applied_at", "notes")

    def get_extra_context(self, obj):
        from houqin.core import approvals

        flow = approvals.flow_for(obj)
        request = self.request
        manage = _may(request, services.MANAGE_PERM)
        is_open = obj.status == StockTakeStatus.OPEN
        editable = services.corrections_editable(obj, flow)
        return {
            **progress_context(obj),
            "edit_url": None,
            "delete_url": None,
            "scope": _scope_labels(obj),
            "may_scan": is_open and _may(request, services.SCAN_PERM),
            "may_close": is_open and manage,
            "may_cancel": manage and (is_open or editable),
            "may_submit": manage and editable,
            "editable": manage and editable,
            "approval": panel_for(flow, request.user) if flow else None,
            "surplus": services.report_lines(obj, ScanResult.SURPLUS, limit=LINES_PER_PAGE),
        }


class StockTakeProgressView(LoginRequiredMixin, View):
    """The progress table alone: the detail page asks for it every few seconds (htmx)."""

    model = StockTake  # (read by the tenancy walk)

    def get(self, request, pk):
        stocktake = _stocktake(request, pk)
        return render(request, "assets/stocktake_progress.html", progress_context(stocktake))


# ---------------------------------------------------------------- actions


class StockTakeActionView(LoginRequiredMixin, View):
    """POST close / cancel / submit; refusals come back as a message on the detail page."""

    model = StockTake  # (read by the tenancy walk)

    http_method_names = ["post"]

    def post(self, request, pk, action):
        stocktake = _stocktake(request, pk)
        try:
            if action == "close":
                services.close(stocktake, by=request.user)
                text = _(
                    "%(number)s is closed. Check the corrections, then send them for approval."
                )
            elif action == "cancel":
                services.cancel(stocktake, by=request.user, reason=request.POST.get("reason", ""))
                text = _("%(number)s is cancelled.")
            elif action == "submit":
                services.submit(stocktake, by=request.user)
                text = _("%(number)s: the corrections are sent for approval.")
            else:
                raise Http404
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, text % {"number": stocktake.number})
        return redirect("assets:stocktake_detail", stocktake.pk)


# ---------------------------------------------------------------- the phone scan page


def room_groups(stocktake: StockTake) -> list[tuple[str, list[dict]]]:
    """The school's rooms for the room picker: those the stock-take expects assets in first."""
    expected = set(
        StockTakeItem.objects.filter(stocktake=stocktake, expected_room__isnull=False)
        .order_by()
        .values_list("expected_room_id", flat=True)
        .distinct()
    )
    rooms = (
        Room.objects.filter(school_id=stocktake.school_id, is_active=True)
        .order_by("floor__building__name", "floor__number", "number")
        .values_list("pk", "number", "name", "floor_id", "floor__building__name", "qr_token")
    )
    inside, outside = [], []
    for pk, number, name, floor_id, building, token in rooms:
        label = f"{number} {name}".strip() if name and name != number else number
        option = {"pk": pk, "label": f"{building} {label}" if floor_id else label, "token": token}
        (inside if pk in expected else outside).append(option)
    groups = []
    if inside:
        groups.append((_("Rooms of this stock-take"), inside))
    if outside:
        groups.append((_("Other places"), outside))
    return groups


# Tabler badge colours of each result (static/js/stocktake.js has the same).
RESULT_BADGES = {
    ScanResult.FOUND: "bg-green-lt",
    ScanResult.MOVED: "bg-azure-lt",
    ScanResult.SURPLUS: "bg-orange-lt",
    ScanResult.MISSING: "bg-red-lt",
    ScanResult.PENDING: "bg-secondary-lt",
}


def scan_row(scan: StockTakeScan) -> dict:
    """What the phone's list shows for one scan (also the API's answer)."""
    item = scan.item
    asset = item.asset if item is not None else None
    return {
        "client_id": str(scan.client_id),
        "code": scan.code,
        "asset": f"{asset.number} {asset.name}" if asset is not None else "",
        "result": item.result if item is not None else "",
        "result_label": services.result_label(item) if item is not None else "",
        "badge": RESULT_BADGES.get(item.result, "") if item is not None else "",
        "room": scan.room_id,
        "room_label": services.room_label(scan.room),
        "expected_room_label": (
            services.room_label(item.expected_room)
            if item is not None and item.expected_room_id
            else ""
        ),
        "scanned_at": timezone.localtime(scan.scanned_at).strftime("%H:%M:%S"),
    }


class StockTakeScanView(LoginRequiredMixin, View):
    model = StockTake  # (read by the tenancy walk)

    template_name = "assets/stocktake_scan.html"

    def get(self, request, pk):
        stocktake = _stocktake(request, pk)
        if not _may(request, services.SCAN_PERM):
            raise PermissionDenied
        recent = (
            StockTakeScan.objects.filter(stocktake=stocktake, scanned_by=request.user)
            .select_related(
                "room__floor__building",
                "item__asset",
                "item__expected_room__floor__building",
            )
            .order_by("-scanned_at", "-pk")[:RECENT_SCANS]
        )
        context = {
            "object": stocktake,
            "title": _("Scan: %(number)s") % {"number": stocktake.number},
            "room_groups": room_groups(stocktake),
            "recent": [scan_row(s) for s in recent],
            "is_open": stocktake.status == StockTakeStatus.OPEN,
            "scan_url": reverse("api:assets:stocktake-scan", args=[stocktake.pk]),
            "progress_url": reverse("api:assets:stocktake-progress", args=[stocktake.pk]),
        }
        return render(request, self.template_name, context)


# ---------------------------------------------------------------- lines and corrections


class LineFilterForm(forms.Form):
    result = forms.ChoiceField(
        label=_("Result"),
        required=False,
        choices=[("", _("Differences")), ("all", _("All")), *ScanResult.choices],
    )
    room = forms.TypedChoiceField(label=_("Place"), required=False, coerce=int, empty_value=None)
    q = forms.CharField(label=_("Search"), required=False)

    def __init__(self, *args, stocktake, **kwargs):
        super().__init__(*args, **kwargs)
        options = [("", _("All places"))]
        for _group, rooms in room_groups(stocktake):
            options += [(r["pk"], r["label"]) for r in rooms]
        self.fields["room"].choices = options
        style_form(self)


DIFFERENCES = (ScanResult.MOVED, ScanResult.MISSING, ScanResult.SURPLUS, ScanResult.PENDING)


class LineForm(forms.Form):
    """One line's correction (and, for an unknown code, what it is)."""

    correction = forms.ChoiceField(label=_("Correction"), required=False)
    name = forms.CharField(label=_("Name"), required=False, max_length=100)
    # Choices from a list read once per page, not a query per line.
    category = forms.TypedChoiceField(
        label=_("Category"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, item, categories=(), **kwargs):
        super().__init__(*args, prefix=f"line{item.pk}", **kwargs)
        allowed = services.allowed_corrections(item)
        self.fields["correction"].choices = [
            (value, label) for value, label in Correction.choices if value in allowed
        ]
        if services.line_kind(item) == "unknown_surplus":
            self.fields["category"].choices = [("", _("Category…"))] + [
                (c.pk, str(c)) for c in categories
            ]
            name, category_id = services.proposal(item)
            self.initial.setdefault("name", name)
            self.initial.setdefault("category", category_id)
        else:
            del self.fields["name"]
            del self.fields["category"]
        self.initial.setdefault("correction", item.correction)
        style_form(self)
        for field in self.fields.values():
            field.widget.attrs["class"] += (
                " form-control-sm"
                if not isinstance(field.widget, forms.Select)
                else " form-select-sm"
            )


def _categories(stocktake):
    return AssetCategory.objects.filter(school_id=stocktake.school_id, is_active=True).order_by(
        "code"
    )


class StockTakeLinesView(LoginRequiredMixin, View):
    """Every line with its result; while the corrections may change, each line's form."""

    model = StockTake  # (read by the tenancy walk)

    template_name = "assets/stocktake_lines.html"
    row_template_name = "assets/stocktake_line_row.html"

    def dispatch(self, request, pk, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.stocktake = _stocktake(request, pk)
        self.editable = _may(request, services.MANAGE_PERM) and services.corrections_editable(
            self.stocktake
        )
        return super().dispatch(request, pk, *args, **kwargs)

    def lines(self, filters):
        lines = StockTakeItem.objects.filter(stocktake=self.stocktake).select_related(
            *services.LINE_RELATED
        )
        data = filters.cleaned_data if filters.is_valid() else {}
        result = data.get("result") or ""
        if result == "":
            lines = lines.filter(result__in=DIFFERENCES)
        elif result != "all":
            lines = lines.filter(result=result)
        if data.get("room"):
            lines = lines.filter(Q(expected_room_id=data["room"]) | Q(found_room_id=data["room"]))
        if data.get("q"):
            text = data["q"].strip()
            lines = lines.filter(
                Q(asset__number__icontains=text)
                | Q(asset__name__icontains=text)
                | Q(code__icontains=text)
            )
        return lines.order_by("expected_room_id", "pk")

    def row(self, item, form=None, categories=None, message=""):
        if self.editable and form is None:
            form = LineForm(item=item, categories=categories)
        item.result_label = services.result_label(item)
        proposed = ""
        if services.line_kind(item) == "unknown_surplus":
            name, category_id = services.proposal(item)
            labels = {c.pk: c for c in categories or ()}
            proposed = " · ".join(str(p) for p in (name, labels.get(category_id, "")) if p)
        return {
            "item": item,
            "form": form if self.editable else None,
            "message": message,
            "proposed": proposed,
        }

    def get(self, request, pk):
        filters = LineFilterForm(request.GET or None, stocktake=self.stocktake)
        page = Paginator(self.lines(filters), LINES_PER_PAGE).get_page(request.GET.get("page"))
        categories = list(_categories(self.stocktake))
        context = {
            "object": self.stocktake,
            "title": _("Lines of %(number)s") % {"number": self.stocktake.number},
            "filters": filters,
            "page": page,
            "rows": [self.row(item, categories=categories) for item in page.object_list],
            "editable": self.editable,
            "bulk_choices": [
                (ScanResult.MISSING, Correction.MARK_LOST, _("All missing: mark as lost")),
                (ScanResult.MISSING, Correction.NONE, _("All missing: keep on the register")),
                (ScanResult.MOVED, Correction.MOVE, _("All found elsewhere: move")),
                (ScanResult.MOVED, Correction.NONE, _("All found elsewhere: leave as is")),
            ],
        }
        return render(request, self.template_name, context)

    def post(self, request, pk):
        if not self.editable:
            raise PermissionDenied
        if "bulk" in request.POST:
            return self.bulk(request)
        item = get_object_or_404(
            StockTakeItem.objects.filter(stocktake=self.stocktake).select_related(
                *services.LINE_RELATED, "stocktake"
            ),
            pk=request.POST.get("line"),
        )
        categories = list(_categories(self.stocktake))
        form = LineForm(request.POST, item=item, categories=categories)
        message = ""
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.set_correction(
                    item,
                    by=request.user,
                    correction=data["correction"],
                    name=data.get("name", ""),
                    category=data.get("category"),
                )
            except DomainError as exc:
                form.add_error(None, str(exc.message))
            else:
                message = _("Saved.")
                form = LineForm(item=item, categories=categories)
        context = self.row(item, form, categories=categories, message=message)
        if getattr(request, "htmx", None):
            return render(request, self.row_template_name, context)
        if message:
            messages.success(request, message)
        else:
            for error in form.errors.get("__all__", []):
                messages.error(request, error)
        return redirect(request.get_full_path())

    def bulk(self, request):
        result, _sep, correction = request.POST.get("bulk", "").partition(":")
        try:
            changed = services.set_corrections_for(
                self.stocktake, by=request.user, result=result, correction=correction
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("%(count)d lines changed.") % {"count": changed})
        return redirect(request.get_full_path())


# ---------------------------------------------------------------- report: print and Excel


def report_context(stocktake: StockTake) -> dict:
    return {
        "object": stocktake,
        "school": stocktake.school,
        "progress": services.progress(stocktake),
        "missing": services.report_lines(stocktake, ScanResult.MISSING),
        "pending": services.report_lines(stocktake, ScanResult.PENDING),
        "moved": services.report_lines(stocktake, ScanResult.MOVED),
        "surplus": services.report_lines(stocktake, ScanResult.SURPLUS),
        "limit": services.REPORT_LIMIT,
        "scope": _scope_labels(stocktake),
        "printed_at": timezone.now(),
    }


class StockTakeReportView(LoginRequiredMixin, View):
    """The 盘点报告 on A4: summary by room, the missing, moved and surplus lists, signatures."""

    model = StockTake  # (read by the tenancy walk)
    template_name = "assets/stocktake_report.html"

    def get(self, request, pk):
        stocktake = _stocktake(request, pk)
        context = {
            **report_context(stocktake),
            "title": _("Stock-take report %(number)s") % {"number": stocktake.number},
            "back_url": reverse("assets:stocktake_detail", args=[stocktake.pk]),
        }
        return render(request, self.template_name, context)


def _text(value):
    """A cell: dates as local time, text that looks like a formula kept as text."""
    if value is None:
        return ""
    if hasattr(value, "tzinfo") and hasattr(value, "hour"):
        return timezone.localtime(value).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, (int, float, Decimal)):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _sheet(workbook, title, headers, rows):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    sheet = workbook.create_sheet(title=str(title)[:31])
    header = []
    for text in headers:
        cell = WriteOnlyCell(sheet, value=str(text))
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append([_text(v) for v in row])
    return sheet


def _place(room) -> str:
    return str(room) if room is not None else ""


def report_workbook(stocktake: StockTake) -> bytes:
    """The report as an xlsx: summary by room, then the missing, moved and surplus lists."""
    from openpyxl import Workbook

    data = report_context(stocktake)
    workbook = Workbook(write_only=True)
    summary = [
        (_("Stock-take"), f"{stocktake.number} {stocktake.name}"),
        (_("Status"), stocktake.get_status_display()),
        (_("Scope"), "、".join(data["scope"]) or _("The whole active register")),
        (_("Started at"), stocktake.started_at),
        (_("Closed at"), stocktake.closed_at),
        ("", ""),
    ]
    rows = [list(r) for r in summary]
    rows.append(
        [
            _("Place"),
            _("Expected"),
            _("Found in place"),
            _("Found elsewhere"),
            _("Missing"),
            _("Moved in"),
            _("Surplus"),
        ]
    )
    for r in [*data["progress"].rooms, data["progress"].total]:
        rows.append([r.label, r.expected, r.found, r.moved_out, r.missing, r.moved_in, r.surplus])
    _sheet(workbook, _("Summary"), [_("Stock-take report"), ""], rows)

    def asset_cells(item):
        asset = item.asset
        if asset is None:
            return ["", "", ""]
        return [asset.number, asset.name, str(asset.category)]

    _sheet(
        workbook,
        _("Missing"),
        [
            _("Asset number"),
            _("Name"),
            _("Category"),
            _("Expected place"),
            _("Total value (¥)"),
            _("Correction"),
        ],
        (
            [
                *asset_cells(i),
                _place(i.expected_room),
                i.asset.total_value if i.asset else "",
                i.get_correction_display(),
            ]
            for i in [*data["missing"], *data["pending"]]
        ),
    )
    _sheet(
        workbook,
        _("Found elsewhere"),
        [
            _("Asset number"),
            _("Name"),
            _("Category"),
            _("Expected place"),
            _("Found in"),
            _("Scanned by"),
            _("Scanned at"),
            _("Correction"),
        ],
        (
            [
                *asset_cells(i),
                _place(i.expected_room),
                _place(i.found_room),
                i.scanned_by,
                i.scanned_at,
                i.get_correction_display(),
            ]
            for i in data["moved"]
        ),
    )
    _sheet(
        workbook,
        _("Surplus"),
        [
            _("Scanned code"),
            _("Asset number"),
            _("Name"),
            _("Category"),
            _("Place on the register"),
            _("Found in"),
            _("Scanned at"),
            _("Correction"),
        ],
        (
            [
                i.code,
                *asset_cells(i),
                _place(i.expected_room),
                _place(i.found_room),
                i.scanned_at,
                i.get_correction_display(),
            ]
            for i in data["surplus"]
        ),
    )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


class StockTakeExportView(LoginRequiredMixin, View):
    """The report as an Excel workbook."""

    model = StockTake  # (read by the tenancy walk)

    def get(self, request, pk):
        stocktake = _stocktake(request, pk)
        response = HttpResponse(report_workbook(stocktake), content_type=XLSX_CONTENT_TYPE)
        filename = quote(f"{stocktake.number}.xlsx")
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
        return response
