"""Damage and compensation pages (公物损坏赔偿): the list with filters and Excel export,
recording (class teachers in their own classes), the detail page with payments, waivers and
the repair order, and the per-class term totals in Excel for the class assessment. Every
change goes through ``services_damage``.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from houqin.core.errors import DomainError
from houqin.core.excel import export_response
from houqin.core.scoping import access_for
from houqin.core.views.generic import (
    ObjectDetailView,
    ObjectListView,
    ScopedViewMixin,
    add_validation_error,
)
from houqin.org.terms import current_term

from . import forms_disposal as forms
from . import services_damage as damage
from .models import DamageRecord, DamageStatus
from .views_disposal import _error_text, _safe_next

# ---------------------------------------------------------------- damage: list and detail


class DamageMixin:
    model = DamageRecord
    route_prefix = "assets:damage"


DAMAGE_RELATED = ("asset", "room__floor__building", "school_class", "responsible_user")


class DamageListView(DamageMixin, ObjectListView):
    queryset = DamageRecord.objects.select_related(*DAMAGE_RELATED)
    filterset_class = forms.DamageFilterSet
    table_class = forms.DamageTable
    template_name = "assets/damage_list.html"
    title = _("Damage records")

    def get_extra_context(self):
        return {"totals_url": reverse("assets:damage_class_totals")}


def damage_actions(record: DamageRecord, user, data=None) -> list[dict]:
    access = access_for(user, record.school_id)
    if not access.is_member or not access.has_perm(damage.MANAGE_PERM):
        return []
    school_id = record.school_id
    entries = []

    def add(name, label, form):
        entries.append(
            {
                "name": name,
                "label": label,
                "form": form,
                "url": reverse("assets:damage_action", args=[record.pk, name]),
            }
        )

    if record.status == DamageStatus.OPEN:
        add("pay", _("Record a payment"), forms.PaymentForm(data, record=record, prefix="pay"))
        add(
            "reassess",
            _("Assess again"),
            forms.ReassessForm(data, record=record, prefix="reassess"),
        )
        add("waive", _("Waive"), forms.ReasonForm(data, prefix="waive"))
    add(
        "link",
        _("Link a repair order"),
        forms.LinkOrderForm(data, user=user, school_id=school_id, prefix="link"),
    )
    if record.work_order_id is None:
        add(
            "report_repair",
            _("Report the repair"),
            forms.ReportRepairForm(data, user=user, school_id=school_id, prefix="report_repair"),
        )
    return entries


class DamageDetailView(DamageMixin, ObjectDetailView):
    queryset = DamageRecord.objects.select_related(*DAMAGE_RELATED, "work_order", "recorded_by")
    template_name = "assets/damage_detail.html"
    detail_fields = (
        "number",
        "status",
        "occurred_on",
        "asset",
        "room",
        "description",
        "cause",
        "responsible_user",
        "responsible_name",
        "school_class",
        "assessed_amount",
        "paid_amount",
        "paid_on",
        "class_points",
        "work_order",
        "recorded_by",
    )
    detail_optional_fields = (
        "asset",
        "room",
        "responsible_user",
        "responsible_name",
        "school_class",
        "paid_on",
        "work_order",
    )

    def get_extra_context(self, obj):
        return {
            "edit_url": None,
            "delete_url": None,
            "actions": damage_actions(obj, self.request.user),
        }


class DamageActionView(LoginRequiredMixin, View):
    http_method_names = ["post"]
    services = {
        "pay": damage.record_payment,
        "reassess": damage.reassess,
        "waive": damage.waive,
        "link": damage.link_work_order,
        "report_repair": damage.report_repair,
    }

    def post(self, request, pk, action):
        record = get_object_or_404(DamageRecord.objects.restrict(request.user, "view"), pk=pk)
        detail = reverse("assets:damage_detail", args=[record.pk])
        entry = next(
            (e for e in damage_actions(record, request.user, request.POST) if e["name"] == action),
            None,
        )
        if entry is None:
            messages.error(request, _("This action is not possible on this record now."))
            return redirect(detail)
        form = entry["form"]
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(detail)
        kwargs = (
            {"reason": form.cleaned_data["reason"]} if action == "waive" else form.service_kwargs()
        )
        try:
            self.services[action](record, by=request.user, **kwargs)
        except (DomainError, ValidationError) as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(
                request,
                _("%(number)s: %(action)s done.")
                % {"number": record.number, "action": entry["label"]},
            )
        return redirect(_safe_next(request, detail))


# ---------------------------------------------------------------- damage: recording


class DamageAddView(ScopedViewMixin, View):
    model = DamageRecord
    template_name = "assets/damage_form.html"

    def check(self):
        access = self.access
        if not access.is_member or not access.has_perm(damage.ADD_PERM):
            raise PermissionDenied
        return access

    def get_form(self, data=None, files=None, initial=None):
        access = self.access
        own = None if access.has_perm(damage.MANAGE_PERM) else access.class_ids
        return forms.DamageForm(
            data,
            files,
            user=self.request.user,
            school_id=access.school_id,
            own_classes=own,
            initial=initial,
        )

    def get(self, request):
        self.check()
        from .models import Asset

        initial = {}
        asset_pk = request.GET.get("asset", "")
        if asset_pk.isdigit():
            # Any asset of the school: its number is on its label, for anyone to type anyway.
            school_id = self.access.school_id
            asset = Asset.objects.filter(school_id=school_id, pk=asset_pk).first()
            if asset is not None:
                initial.update(asset_number=asset.number, room=asset.room_id)
        room_pk = request.GET.get("room", "")
        if room_pk.isdigit():
            initial["room"] = int(room_pk)
        own = list(getattr(self.access, "class_ids", ()))
        if len(own) == 1:
            initial["school_class"] = own[0]
        return self.render_form(self.get_form(initial=initial))

    def post(self, request):
        access = self.check()
        form = self.get_form(request.POST, request.FILES)
        if form.is_valid():
            try:
                record = damage.create_damage(
                    by=request.user, school=access.school_id, **form.service_kwargs()
                )
            except (DomainError, ValidationError) as exc:
                add_validation_error(form, exc)
            else:
                messages.success(
                    request,
                    _("%(number)s recorded: ¥%(amount)s (%(status)s).")
                    % {
                        "number": record.number,
                        "amount": record.assessed_amount,
                        "status": record.get_status_display(),
                    },
                )
                return redirect("assets:damage_detail", record.pk)
        return self.render_form(form)

    def render_form(self, form):
        context = {
            "form": form,
            "title": _("Record damage"),
            "cancel_url": reverse("assets:damage_list"),
        }
        return render(self.request, self.template_name, context)


# ---------------------------------------------------------------- damage: term totals per class


class DamageClassTotalsView(ScopedViewMixin, View):
    """Per class, for a term: records, assessed, paid, outstanding, class points (Excel too).
    Class teachers see their own classes; the hygiene module's class assessment reads the
    same figures through ``services_damage.class_totals``."""

    model = DamageRecord
    template_name = "assets/damage_class_totals.html"

    def get(self, request):
        if not self.may("view"):
            raise PermissionDenied
        form = forms.ClassTotalsForm(
            request.GET or None, user=request.user, school_id=self.access.school_id
        )
        term = None
        if form.is_bound and form.is_valid():
            term = form.cleaned_data["term"]
        if term is None:
            term = current_term(list(form.fields["term"].queryset), timezone.localdate())
        start, end = (term.start_date, term.end_date) if term else (date.min, date.max)
        records = DamageRecord.objects.restrict(request.user, "view")
        rows = damage.class_totals(records, start=start, end=end)
        if request.GET.get("export") in ("xlsx", "csv"):
            return self.export(rows, term, request.GET["export"])
        context = {
            "title": _("Damage by class"),
            "form": form,
            "term": term,
            "rows": rows,
            "totals": {
                key: sum((r[key] for r in rows), 0)
                for key in ("records", "assessed", "paid", "outstanding", "waived", "class_points")
            },
        }
        return render(request, self.template_name, context)

    def export(self, rows, term, fmt):
        headers = [
            _("Class"),
            _("Class teacher"),
            _("Records"),
            _("Assessed (¥)"),
            _("Paid (¥)"),
            _("Outstanding (¥)"),
            _("Waived"),
            _("Class points deducted"),
        ]
        data = (
            [
                str(r["school_class"]),
                str(r["school_class"].class_teacher or "") if r["school_class"] else "",
                r["records"],
                r["assessed"],
                r["paid"],
                r["outstanding"],
                r["waived"],
                r["class_points"],
            ]
            for r in rows
        )
        name = _("Damage by class")
        filename = f"{name}-{term}" if term else str(name)
        return export_response(filename, headers, data, fmt)
