"""Printing: the work-order slip (half an A4 sheet, cut off) and sheets of room QR labels.

Both pages stand alone (no menu) with a Print / Back toolbar that is hidden on paper; the
layout is in mm in static/css/print-labels.css. QR codes are inline SVG made here by segno
(``houqin.org.qr``), so printing needs no image requests.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views import View

from houqin.core.views.generic import ScopedViewMixin, style_form
from houqin.org.models import Building, Room, RoomType
from houqin.org.qr import qr_svg, room_report_path

from .models import DISPATCH_PERM, WorkOrder

# One print job at most: beyond this the page is slow to make and to send to the printer.
MAX_LABELS = 400
# Who may print room labels: whoever manages rooms, or dispatches repairs.
POSTER_PERMS = ("org.change_room", DISPATCH_PERM)
# Empty rows on the slip's parts table, so the worker can write parts in by hand.
MIN_PART_ROWS = 3


def _svg(url: str) -> str:
    # segno writes the SVG from our own URL: nothing user-typed reaches the markup.
    return mark_safe(qr_svg(url, omitsize=True))  # noqa: S308


# ---------------------------------------------------------------- work-order slip


class WorkOrderSlipView(ScopedViewMixin, View):
    """``/repairs/<pk>/print/``: the 维修工单 for the worker to take along and have signed.

    Whoever may open the order's page may print it (same ``restrict(user, "view")``); others
    get 404, as on the page. ``?copies=2`` puts two slips on the sheet (worker and file)."""

    model = WorkOrder
    queryset = WorkOrder.objects.select_related(
        "school", "category", "room__floor__building", "assignee", "company", "requester"
    )
    template_name = "maintenance/print/slip.html"

    def get(self, request, pk):
        order = get_object_or_404(self.restricted("view"), pk=pk)
        detail_url = reverse("maintenance:workorder_detail", args=[order.pk])
        order_url = request.build_absolute_uri(detail_url)
        parts = list(order.parts.all())
        copies = 2 if request.GET.get("copies") == "2" else 1
        context = {
            "order": order,
            "school": order.school,
            "title": _("Work order %(number)s") % {"number": order.number},
            "order_url": order_url,
            "qr_svg": _svg(order_url),
            "parts": parts,
            "parts_total": sum((p.total for p in parts), start=0),
            "blank_part_rows": range(max(0, MIN_PART_ROWS - len(parts))),
            "checklist": _checklist_lines(order.checklist),
            "copies": range(copies),
            "copies_count": copies,
            "back_url": detail_url,
            "printed_at": timezone.now(),
        }
        return render(request, self.template_name, context)


def _checklist_lines(checklist) -> list[dict]:
    """The order's checklist as clean rows (bad rows from old data are skipped, not fatal)."""
    lines = []
    for line in checklist or ():
        if isinstance(line, dict) and str(line.get("item") or "").strip():
            lines.append(
                {
                    "item": str(line["item"]),
                    "done": bool(line.get("done")),
                    "note": str(line.get("note") or ""),
                }
            )
        elif isinstance(line, str) and line.strip():
            lines.append({"item": line, "done": False, "note": ""})
    return lines


# ---------------------------------------------------------------- room QR posters


class LabelSize:
    def __init__(self, key, label, css, per_sheet):
        self.key, self.label, self.css, self.per_sheet = key, label, css, per_sheet


LABEL_SIZES = {
    size.key: size
    for size in (
        LabelSize("a4-2x4", _("A4, 2×4 labels (105×74 mm)"), "labels-2x4", 8),
        LabelSize("a4-3x8", _("A4, 3×8 labels (70×37 mm)"), "labels-3x8", 24),
        LabelSize("a4-1", _("A4, one poster per page"), "labels-1", 1),
    )
}
DEFAULT_SIZE = "a4-2x4"


class BuildingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        if getattr(self, "show_campus", False):
            return f"{obj.name} ({obj.campus.name})"
        return obj.name


class PosterForm(forms.Form):
    """Which rooms get a label, and on which label sheet."""

    building = BuildingChoiceField(
        label=_("Building"),
        queryset=Building.objects.none(),
        required=False,
        empty_label=_("All buildings"),
    )
    floor = forms.IntegerField(
        label=_("Floor number"),
        required=False,
        min_value=-10,
        max_value=200,
        help_text=_("Leave empty for every floor."),
    )
    room_type = forms.ChoiceField(
        label=_("Room type"),
        required=False,
        choices=[("", _("All room types")), *RoomType.choices],
    )
    size = forms.ChoiceField(
        label=_("Label size"),
        choices=[(s.key, s.label) for s in LABEL_SIZES.values()],
        initial=DEFAULT_SIZE,
    )
    cut_lines = forms.BooleanField(
        label=_("Print thin cut lines around the labels (for plain paper)"),
        required=False,
        initial=True,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        buildings = Building.objects.restrict(user, "view").select_related("campus")
        field = self.fields["building"]
        field.queryset = buildings.order_by("campus__name", "name")
        field.show_campus = buildings.values("campus").distinct().count() > 1
        style_form(self)

    def rooms(self, user):
        """The active rooms chosen, in print order, with what a label shows (one query)."""
        data = self.cleaned_data
        rooms = (
            Room.objects.restrict(user, "view")
            .filter(is_active=True)
            .select_related("floor__building")
            .order_by("floor__building__name", "floor__number", "number", "pk")
        )
        if data.get("building"):
            rooms = rooms.filter(floor__building=data["building"])
        if data.get("floor") is not None:
            rooms = rooms.filter(floor__number=data["floor"])
        if data.get("room_type"):
            rooms = rooms.filter(room_type=data["room_type"])
        return rooms


class RoomPostersView(ScopedViewMixin, View):
    """``/repairs/posters/``: choose rooms (GET form), then A4 sheets of "扫码报修" labels.

    Each label's QR opens the room's public report form ``/r/<token>/``. Only people who
    manage rooms or dispatch repairs print them (403 otherwise)."""

    model = Room
    form_template_name = "maintenance/print/posters_form.html"
    template_name = "maintenance/print/posters.html"

    def get(self, request):
        access = self.access
        if not access.is_member or not any(access.has_perm(p) for p in POSTER_PERMS):
            raise PermissionDenied
        bound = "size" in request.GET
        form = PosterForm(request.GET if bound else None, user=request.user)
        if not bound or "edit" in request.GET or not form.is_valid():
            return self.render_form(form)
        rooms = list(form.rooms(request.user)[: MAX_LABELS + 1])
        if len(rooms) > MAX_LABELS:
            total = form.rooms(request.user).count()
            form.add_error(
                None,
                _(
                    "These choices give %(count)d rooms; one print takes at most %(limit)d "
                    "labels. Choose a building, a floor or a room type."
                )
                % {"count": total, "limit": MAX_LABELS},
            )
            return self.render_form(form)
        if not rooms:
            form.add_error(None, _("No room in use matches these choices."))
            return self.render_form(form)
        size = LABEL_SIZES[form.cleaned_data["size"]]
        labels = [
            {"room": room, "url": url, "qr_svg": _svg(url)}
            for room in rooms
            for url in (request.build_absolute_uri(room_report_path(room)),)
        ]
        sheets = [labels[i : i + size.per_sheet] for i in range(0, len(labels), size.per_sheet)]
        edit_query = request.GET.copy()
        edit_query["edit"] = "1"
        context = {
            "title": _("QR posters"),
            "school": request.school,
            "size": size,
            "sheets": sheets,
            "label_count": len(labels),
            "cut_lines": form.cleaned_data["cut_lines"],
            "back_url": f"{request.path}?{edit_query.urlencode()}",
        }
        return render(request, self.template_name, context)

    def render_form(self, form):
        context = {"title": _("QR posters"), "form": form, "max_labels": MAX_LABELS}
        return render(self.request, self.form_template_name, context)
