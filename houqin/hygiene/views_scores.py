"""Hygiene pages: areas, score items, settings, the sheets list and detail, and the inspector's
phone pages (pick a grade, walk class to class, tap deductions). Every write goes through
``services_scores``."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _
from django.views import View

from houqin.core.errors import DomainError
from houqin.core.views.generic import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ScopedViewMixin,
)
from houqin.org.models import GRADE_NAMES, SchoolClass

from . import forms_scores as forms
from . import rankings
from . import services_scores as services
from .models.scores import HygieneArea, InspectorKind, ScoreItem, ScoreSheet
from .registry_scores import INSPECT

# ---------------------------------------------------------------- areas


class AreaMixin:
    model = HygieneArea
    route_prefix = "hygiene:area"


class AreaListView(AreaMixin, ObjectListView):
    queryset = HygieneArea.objects.select_related(
        "term", "room__floor__building", "school_class__class_teacher", "company"
    )
    filterset_class = forms.HygieneAreaFilterSet
    table_class = forms.HygieneAreaTable
    title = _("Hygiene areas")


class AreaDetailView(AreaMixin, ObjectDetailView):
    queryset = HygieneArea.objects.select_related(
        "term", "room__floor__building", "school_class", "company"
    )
    detail_fields = ("name", "term", "kind", "room", "school_class", "company", "note")


class AreaEditView(AreaMixin, ObjectEditView):
    form_class = forms.HygieneAreaForm


class AreaDeleteView(AreaMixin, ObjectDeleteView):
    pass


# ---------------------------------------------------------------- items


class ItemMixin:
    model = ScoreItem
    route_prefix = "hygiene:item"


class ItemListView(ItemMixin, ObjectListView):
    queryset = ScoreItem.objects.all()
    table_class = forms.ScoreItemTable
    title = _("Score sheet items")

    def get_extra_context(self):
        settings = rankings.settings_for(self.access.school_id)
        return {
            "page_note": _("Base score %(base)s; deductions per item are capped at its full marks.")
            % {"base": settings.base_score}
        }


class ItemEditView(ItemMixin, ObjectEditView):
    form_class = forms.ScoreItemForm

    def success_url(self, obj):
        return reverse("hygiene:item_list")


class ItemDeleteView(ItemMixin, ObjectDeleteView):
    pass


# ---------------------------------------------------------------- settings


class SettingsView(ScopedViewMixin, View):
    template_name = "hygiene/scores/settings.html"

    def _check(self):
        if not self.access.has_perm("hygiene.change_hygienesettings"):
            raise PermissionDenied

    def get(self, request):
        self._check()
        settings = rankings.settings_for(self.access.school_id)
        return self._render(forms.HygieneSettingsForm(instance=settings))

    def post(self, request):
        self._check()
        settings = rankings.settings_for(self.access.school_id)
        form = forms.HygieneSettingsForm(request.POST, instance=settings)
        if form.is_valid():
            try:
                services.save_settings(form.save(commit=False), by=request.user)
            except (DomainError, ValidationError) as exc:
                form.add_error(None, getattr(exc, "message", str(exc)))
            else:
                messages.success(request, _("Hygiene settings saved."))
                return redirect("hygiene:settings")
        return self._render(form)

    def _render(self, form):
        return render(
            self.request, self.template_name, {"form": form, "title": _("Hygiene settings")}
        )


# ---------------------------------------------------------------- sheets


class SheetMixin:
    model = ScoreSheet
    route_prefix = "hygiene:sheet"


class SheetListView(SheetMixin, ObjectListView):
    queryset = ScoreSheet.objects.select_related("school_class", "inspector")
    filterset_class = forms.ScoreSheetFilterSet
    table_class = forms.ScoreSheetTable
    title = _("Hygiene score sheets")

    def get_extra_context(self):
        return {"add_url": reverse("hygiene:inspect") if self.access.has_perm(INSPECT) else None}


class SheetDetailView(SheetMixin, ObjectDetailView):
    queryset = ScoreSheet.objects.select_related("school_class__class_teacher", "inspector", "term")
    template_name = "hygiene/scores/sheet_detail.html"
    detail_fields = (
        "school_class",
        "inspected_on",
        "slot",
        "inspector",
        "inspector_kind",
        "base_score",
        "deducted",
        "bonus",
        "bonus_reason",
        "total",
        "note",
    )
    detail_optional_fields = ("bonus_reason", "note")

    def get_extra_context(self, obj):
        return {
            "deductions": obj.deductions.select_related("item"),
            "published": services.is_published(obj.school_id, obj.week),
            "may_withdraw": self._may_withdraw(obj),
        }

    def _may_withdraw(self, obj):
        access = self.access
        return access.has_perm("hygiene.delete_scoresheet") or (
            obj.inspector_id == self.request.user.pk and access.has_perm(INSPECT)
        )


class SheetWithdrawView(SheetMixin, ScopedViewMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        sheet = get_object_or_404(self.restricted("view"), pk=pk)
        try:
            services.delete_sheet(sheet, by=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect(sheet.get_absolute_url())
        messages.success(request, _("The sheet was withdrawn."))
        return redirect("hygiene:sheet_list")


# ---------------------------------------------------------------- the phone pages


class InspectMixin(ScopedViewMixin):
    model = ScoreSheet

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not self.access.has_perm(INSPECT):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def day(self):
        day = (
            parse_date(self.request.GET.get("day") or self.request.POST.get("day") or "")
            or timezone.localdate()
        )
        return min(day, timezone.localdate())


class InspectStartView(InspectMixin, View):
    """Pick a grade and a day; then the grade's classes, each marked when already scored."""

    template_name = "hygiene/scores/inspect_start.html"

    def get(self, request):
        school_id = self.access.school_id
        grades = sorted(
            set(
                SchoolClass.objects.filter(school_id=school_id, is_active=True).values_list(
                    "grade", flat=True
                )
            )
        )
        day = self.day()
        grade = request.GET.get("grade")
        form = forms.InspectStartForm(initial={"grade": grade, "day": day}, grades=grades)
        classes = []
        if grade and grade.isdigit():
            settings = rankings.settings_for(school_id)
            slot = rankings.slot_of(day, settings.slot_mode)
            mine = dict(
                ScoreSheet.objects.filter(
                    school_id=school_id, slot=slot, inspector=request.user
                ).values_list("school_class_id", "pk")
            )
            totals = dict(
                ScoreSheet.objects.filter(pk__in=mine.values()).values_list(
                    "school_class_id", "total"
                )
            )
            for klass in SchoolClass.objects.filter(
                school_id=school_id, grade=int(grade), is_active=True
            ).order_by("number"):
                classes.append(
                    {"klass": klass, "sheet_id": mine.get(klass.pk), "total": totals.get(klass.pk)}
                )
        return render(
            request,
            self.template_name,
            {
                "title": _("Hygiene inspection"),
                "form": form,
                "classes": classes,
                "day": day,
                "grade": grade,
                "grade_name": GRADE_NAMES.get(int(grade)) if grade and grade.isdigit() else "",
                "done": sum(1 for c in classes if c["sheet_id"]),
            },
        )


def _decimal(value, default="0") -> Decimal:
    try:
        return Decimal(str(value).strip() or default)
    except (InvalidOperation, ValueError):
        raise ValidationError(_("“%(value)s” is not a number.") % {"value": value}) from None


class InspectClassView(InspectMixin, View):
    """One class's sheet on the phone: big deduction buttons per item, a reason and a photo."""

    template_name = "hygiene/scores/inspect_class.html"

    def klass(self, pk):
        return get_object_or_404(
            SchoolClass.objects.filter(school_id=self.access.school_id, is_active=True), pk=pk
        )

    def items(self):
        return list(ScoreItem.objects.filter(school_id=self.access.school_id, is_active=True))

    def get(self, request, pk):
        return self._render(self.klass(pk), self.items(), self.day(), {}, None)

    def post(self, request, pk):
        klass = self.klass(pk)
        items = self.items()
        day = self.day()
        values = request.POST
        error = None
        try:
            deductions = [
                services.DeductionInput(
                    item=item,
                    points=_decimal(values.get(f"d_{item.pk}", "0")),
                    reason=values.get(f"r_{item.pk}", ""),
                    photos=tuple(request.FILES.getlist(f"p_{item.pk}")),
                )
                for item in items
            ]
            kind = values.get("inspector_kind")
            sheet = services.create_sheet(
                by=request.user,
                school_class=klass,
                inspected_on=day,
                deductions=deductions,
                bonus=_decimal(values.get("bonus", "0")),
                bonus_reason=values.get("bonus_reason", ""),
                note=values.get("note", ""),
                inspector_kind=kind if kind in InspectorKind.values else None,
            )
        except ValidationError as exc:
            error = "; ".join(exc.messages)
        except DomainError as exc:
            error = str(exc.message)
        if error:
            return self._render(klass, items, day, values, error, status=400)
        messages.success(
            request,
            _("%(klass)s: %(total)s points recorded.") % {"klass": klass, "total": sheet.total},
        )
        return redirect(self._next_url(klass, day))

    def _next_url(self, klass, day):
        base = reverse("hygiene:inspect")
        return f"{base}?grade={klass.grade}&day={day:%Y-%m-%d}"

    def _render(self, klass, items, day, values, error, status=200):
        rows = []
        for item in items:
            chosen = values.get(f"d_{item.pk}", "0")
            rows.append(
                {
                    "item": item,
                    "steps": [(str(s), s) for s in forms.deduction_steps(item.full_marks)],
                    "chosen": chosen,
                    "reason": values.get(f"r_{item.pk}", ""),
                }
            )
        settings = rankings.settings_for(self.access.school_id)
        kind = values.get("inspector_kind") or services.default_inspector_kind(self.access)
        return render(
            self.request,
            self.template_name,
            {
                "title": str(klass),
                "klass": klass,
                "rows": rows,
                "day": day,
                "error": error,
                "base_score": settings.base_score,
                "kinds": InspectorKind.choices,
                "kind": kind,
                "bonus": values.get("bonus", ""),
                "bonus_reason": values.get("bonus_reason", ""),
                "note": values.get("note", ""),
                "back_url": self._next_url(klass, day),
            },
            status=status,
        )
