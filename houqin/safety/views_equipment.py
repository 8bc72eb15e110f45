"""Safety equipment pages: the register (due and expired highlighted, Excel export), one piece
with its checks, add/edit, and the printable register."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from houqin.core.views.generic import (
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ScopedViewMixin,
)
from houqin.org.models import School

from . import services_equipment
from .filters_inspections import EquipmentFilterSet
from .forms_inspections import EquipmentForm
from .models.equipment import SafetyEquipment
from .models.inspections import EquipmentCheck
from .tables_inspections import EquipmentTable

RELATED = ("room__floor__building",)
PRINT_LIMIT = 2000


class EquipmentListView(ObjectListView):
    queryset = SafetyEquipment.objects.select_related(*RELATED)
    filterset_class = EquipmentFilterSet
    table_class = EquipmentTable
    route_prefix = "safety:equipment"
    title = _("Safety equipment")
    template_name = "safety/equipment/list.html"

    def get_extra_context(self):
        return {"print_url": reverse("safety:equipment_print")}


class EquipmentDetailView(ObjectDetailView):
    queryset = SafetyEquipment.objects.select_related(*RELATED)
    route_prefix = "safety:equipment"
    template_name = "safety/equipment/detail.html"
    detail_fields = (
        "code",
        "kind",
        "model_name",
        "size",
        "room",
        "location_note",
        "installed_on",
        "last_checked_on",
        "next_check_on",
        "refill_due_on",
        "expires_on",
        "status",
        "note",
    )

    def get_extra_context(self, obj):
        checks = (
            EquipmentCheck.objects.filter(equipment=obj)
            .select_related("stop__round", "stop__visited_by", "hazard")
            .order_by("-stop__visited_at")[:20]
        )
        return {
            "checks": list(checks),
            "state": services_equipment.state_of(obj, timezone.localdate()),
        }


class EquipmentEditView(ObjectEditView):
    model = SafetyEquipment
    form_class = EquipmentForm
    route_prefix = "safety:equipment"

    def get(self, request, pk=None):
        return super().get(request, pk)

    def save(self, form):
        piece = form.save(commit=False)
        piece.school_id = self.access.school_id
        return services_equipment.save_equipment(piece, by=self.request.user)


class EquipmentPrintView(ScopedViewMixin, View):
    """The register on A4 (消防器材台账), with the same filters as the list."""

    model = SafetyEquipment
    template_name = "safety/equipment/print.html"

    def get(self, request):
        if not self.may("view"):
            raise PermissionDenied
        queryset = SafetyEquipment.objects.select_related(*RELATED).restrict(request.user, "view")
        filterset = EquipmentFilterSet(request.GET or None, queryset=queryset, request=request)
        rows = filterset.qs if not filterset.is_bound or filterset.is_valid() else queryset.none()
        today = timezone.localdate()
        pieces = list(
            rows.order_by(
                "room__floor__building__name", "room__floor__number", "room__number", "kind", "code"
            )[:PRINT_LIMIT]
        )
        return render(
            request,
            self.template_name,
            {
                "title": _("Safety equipment register"),
                "rows": [
                    {"piece": p, "state": services_equipment.state_of(p, today)} for p in pieces
                ],
                "school": School.objects.get(pk=self.access.school_id),
                "printed_at": timezone.now(),
                "back_url": reverse("safety:equipment_list"),
            },
        )
