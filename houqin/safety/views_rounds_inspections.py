"""Round pages: the list (with export), a round's record, and the phone pages an inspector walks
with — "my rounds today", the round (choose or scan the place), one place's checklist, and the
signatures."""

from __future__ import annotations

import re
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from houqin.core.errors import DomainError
from houqin.core.views.generic import ObjectListView, ScopedViewMixin
from houqin.org.models import Room

from . import services_inspections
from .filters_inspections import RoundFilterSet
from .forms_inspections import CompleteForm, SecondSignatureForm
from .models.inspections import (
    OPEN_ROUND_STATUSES,
    AnswerType,
    EquipmentCheck,
    InspectionAnswer,
    InspectionRound,
    InspectionSchedule,
    RoundStatus,
    RoundStop,
)
from .services_inspections import Answer
from .tables_inspections import RoundTable

ROOM_TOKEN = re.compile(r"(?:/r/)?([A-Za-z0-9_-]{8,32})/?$")


class RoundListView(ObjectListView):
    queryset = InspectionRound.objects.select_related("template", "assignee")
    filterset_class = RoundFilterSet
    table_class = RoundTable
    route_prefix = "safety:inspection_round"
    title = _("Inspection rounds")


class RoundMixin(ScopedViewMixin):
    model = InspectionRound
    route_prefix = "safety:inspection_round"

    def get_round(self, pk, *related):
        if not self.may("view"):
            raise PermissionDenied
        return get_object_or_404(
            self.restricted("view").select_related(
                "template", "version", "schedule", "assignee", *related
            ),
            pk=pk,
        )


def _stops(found):
    return list(
        RoundStop.objects.filter(round=found)
        .select_related("room__floor__building", "visited_by")
        .prefetch_related(
            Prefetch(
                "answers",
                queryset=InspectionAnswer.objects.select_related("item", "hazard").order_by(
                    "item__position", "pk"
                ),
            ),
            Prefetch(
                "equipment_checks",
                queryset=EquipmentCheck.objects.select_related("equipment", "hazard").order_by(
                    "equipment__code"
                ),
            ),
        )
        .order_by("position", "pk")
    )


class RoundDetailView(RoundMixin, View):
    template_name = "safety/inspections/round_detail.html"

    def get(self, request, pk):
        found = self.get_round(pk, "signature", "second_signature", "completed_by")
        return render(
            request,
            self.template_name,
            {
                "title": str(found),
                "round": found,
                "object": found,
                "stops": _stops(found),
                "may_walk": found.status not in (RoundStatus.DONE, RoundStatus.CANCELLED)
                and services_inspections.may_walk(request.user, found),
            },
        )


class MyRoundsView(ScopedViewMixin, View):
    """The inspector's phone home: today's open rounds, then the missed ones of the last week."""

    model = InspectionRound
    template_name = "safety/inspections/my_rounds.html"

    def get(self, request):
        access = self.access
        if not access.is_member:
            raise PermissionDenied
        user_id = request.user.pk
        now = timezone.now()
        mine = InspectionSchedule.inspectors.through.objects.filter(user_id=user_id).values(
            "inspectionschedule_id"
        )
        base = (
            InspectionRound.objects.filter(
                Q(assignee_id=user_id) | Q(schedule_id__in=mine), school_id=access.school_id
            )
            .select_related("template")
            .order_by("window_end", "pk")
        )
        context = {
            "title": _("My rounds today"),
            "today": list(
                base.filter(
                    status__in=OPEN_ROUND_STATUSES, window_start__lte=now, window_end__gt=now
                )[:50]
            ),
            "later": list(
                base.filter(
                    status=RoundStatus.DUE,
                    window_start__gt=now,
                    window_start__lte=now + timedelta(days=1),
                )[:20]
            ),
            "missed": list(
                base.filter(status=RoundStatus.MISSED, window_end__gte=now - timedelta(days=7))[:20]
            ),
        }
        return render(request, self.template_name, context)


class WalkView(RoundMixin, View):
    """The round on a phone: its places (done or not), a place by QR or by choice, signatures."""

    template_name = "safety/inspections/walk.html"

    def get(self, request, pk):
        found = self.get_round(pk)
        if not services_inspections.may_walk(request.user, found):
            raise PermissionDenied
        return self.show(
            found,
            CompleteForm(initial={"signed_by": request.user.get_full_name()}),
            SecondSignatureForm(),
        )

    def show(self, found, form, second_form):
        stops = list(found.stops.select_related("room__floor__building").order_by("position", "pk"))
        return render(
            self.request,
            self.template_name,
            {
                "title": found.template.name,
                "round": found,
                "stops": stops,
                "done_count": sum(1 for s in stops if s.visited_at),
                "form": form,
                "second_form": second_form,
                "closed": found.status in (RoundStatus.DONE, RoundStatus.CANCELLED),
            },
        )

    def post(self, request, pk):
        """Find the place by its QR token (scanned or typed) or by the choice, then go there."""
        found = self.get_round(pk)
        code = (request.POST.get("code") or "").strip()
        stop = None
        if code:
            match = ROOM_TOKEN.search(code)
            token = match.group(1) if match else ""
            stop = found.stops.filter(room__qr_token=token).first()
            if stop is None:
                messages.error(request, _("This QR code is not a place of this round."))
                return redirect("safety:inspection_walk", pk=pk)
            return redirect(
                reverse("safety:inspection_stop", args=[pk, stop.room_id]) + "?scanned=1"
            )
        room_id = request.POST.get("room")
        if room_id and found.stops.filter(room_id=room_id).exists():
            return redirect("safety:inspection_stop", pk=pk, room=room_id)
        messages.error(request, _("Choose the place."))
        return redirect("safety:inspection_walk", pk=pk)


class StopView(RoundMixin, View):
    """One place's checklist on a phone: every item, photos, the equipment there."""

    template_name = "safety/inspections/stop.html"

    def get_stop(self, pk, room):
        found = self.get_round(pk)
        if not services_inspections.may_walk(self.request.user, found):
            raise PermissionDenied
        stop = (
            RoundStop.objects.filter(round=found, room_id=room)
            .select_related("room__floor__building")
            .first()
        )
        if stop is None:
            raise Http404
        return found, stop

    def get(self, request, pk, room):
        found, stop = self.get_stop(pk, room)
        previous = {a.item_id: a for a in stop.answers.all()}
        return self.show(found, stop, previous, {}, None)

    def show(self, found, stop, previous, marks, error):
        items = list(found.version.items.all())
        rows = [{"item": i, "answer": previous.get(i.pk)} for i in items]
        kit = services_inspections.equipment_at(found, stop.room)
        checks = {c.equipment_id: c for c in stop.equipment_checks.all()}
        return render(
            self.request,
            self.template_name,
            {
                "title": str(stop.room),
                "round": found,
                "stop": stop,
                "rows": rows,
                "kit": [
                    {"piece": p, "check": checks.get(p.pk), "mark": marks.get(p.pk)} for p in kit
                ],
                "error": error,
                "scanned": self.request.GET.get("scanned") == "1",
                "AnswerType": {t.name: t.value for t in AnswerType},
            },
            status=400 if error else 200,
        )

    def post(self, request, pk, room):
        found, stop = self.get_stop(pk, room)
        items = list(found.version.items.all())
        answers = {}
        for item in items:
            key = f"item_{item.pk}"
            raw = request.POST.get(key, "")
            answers[item.pk] = Answer(
                passed={"pass": True, "fail": False}.get(raw),
                value=raw if item.answer_type == AnswerType.NUMBER else None,
                choice=raw if item.answer_type == AnswerType.CHOICE else "",
                text=request.POST.get(f"{key}_note", "")
                or (raw if item.answer_type == AnswerType.NOTE else ""),
                photos=request.FILES.getlist(f"{key}_photo"),
            )
        marks = {}
        for piece in services_inspections.equipment_at(found, stop.room):
            value = request.POST.get(f"equipment_{piece.pk}")
            if value in ("ok", "faulty"):
                marks[piece.pk] = (
                    value == "ok",
                    request.POST.get(f"equipment_{piece.pk}_note", ""),
                )
        try:
            services_inspections.record_stop(
                found,
                by=request.user,
                room=stop.room,
                answers=answers,
                equipment=marks,
                scanned=request.POST.get("scanned") == "1",
                note=request.POST.get("note", ""),
            )
        except DomainError as exc:
            previous = {a.item_id: a for a in stop.answers.all()}
            return self.show(
                found, stop, previous, {k: v[0] for k, v in marks.items()}, exc.message
            )
        messages.success(request, _("%(place)s recorded.") % {"place": stop.room})
        return redirect("safety:inspection_walk", pk=pk)


class CompleteView(RoundMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        found = self.get_round(pk)
        form = CompleteForm(request.POST)
        if form.is_valid():
            try:
                services_inspections.complete_round(
                    found,
                    by=request.user,
                    signature=form.cleaned_data["signature"],
                    signed_by=form.cleaned_data["signed_by"],
                    note=form.cleaned_data["note"],
                )
            except DomainError as exc:
                form.add_error(None, str(exc.message))
            else:
                messages.success(
                    request, _("Round %(number)s completed.") % {"number": found.number}
                )
                return redirect("safety:my_rounds")
        return WalkView(request=request, kwargs={"pk": pk}).show(found, form, SecondSignatureForm())


class SecondSignView(RoundMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        found = self.get_round(pk)
        form = SecondSignatureForm(request.POST)
        if form.is_valid():
            try:
                services_inspections.sign_second(
                    found,
                    by=request.user,
                    signature=form.cleaned_data["second_signature"],
                    signed_by=form.cleaned_data["second_signed_by"],
                )
            except DomainError as exc:
                form.add_error(None, str(exc.message))
            else:
                messages.success(request, _("The department head has signed."))
                return redirect("safety:inspection_walk", pk=pk)
        view = WalkView(request=request, kwargs={"pk": pk})
        return view.show(
            found, CompleteForm(initial={"signed_by": request.user.get_full_name()}), form
        )


class RoundCancelView(RoundMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        found = self.get_round(pk)
        try:
            services_inspections.cancel_round(
                found, by=request.user, reason=request.POST.get("reason", "")
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Round cancelled."))
        return redirect("safety:inspection_round_detail", pk=pk)


__all__ = ["Room"]
