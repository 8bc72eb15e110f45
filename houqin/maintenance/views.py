"""Repair pages: the public QR report form, the staff report, the list, the detail with its
action buttons, and the worker's queue. Every change goes through ``services``."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View

from houqin.core.errors import DomainError
from houqin.core.scoping import access_for, can
from houqin.core.views.generic import (
    ObjectDetailView,
    ObjectListView,
    ScopedViewMixin,
    add_validation_error,
)

from . import filters, forms, tables
from .models import OPEN_STATUSES, Source, WorkOrder

# Reports one client address may send from QR codes per window (count, seconds).
DEFAULT_QR_RATE = (5, 600)
THANKS_SESSION_KEY = "maintenance_reported_number"

WORK_ORDER_RELATED = (
    "category",
    "room__floor__building",
    "assignee",
    "company",
    "requester",
)


def _services():
    from houqin.maintenance import services

    return services


# ---------------------------------------------------------------- public QR report


def client_ip(request) -> str:
    # Behind the school's reverse proxy the address comes from it; REMOTE_ADDR otherwise.
    header = getattr(settings, "HOUQIN_CLIENT_IP_HEADER", "")
    if header and request.META.get(header):
        return request.META[header].split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")


class QrRateLimit:
    """A fixed window per client address, in the shared cache."""

    def __init__(self, request):
        self.limit, self.window = getattr(settings, "HOUQIN_QR_REPORT_RATE", DEFAULT_QR_RATE)
        self.key = f"maintenance:qr-report:{client_ip(request)}"

    def exceeded(self) -> bool:
        return (cache.get(self.key) or 0) >= self.limit

    def hit(self) -> None:
        if cache.add(self.key, 1, self.window):
            return
        try:
            cache.incr(self.key)
        except ValueError:
            cache.set(self.key, 1, self.window)


def _room_for_token(token):
    from django.apps import apps

    Room = apps.get_model("org", "Room")
    room = (
        Room.objects.select_related("floor__building", "school")
        .filter(qr_token=token, is_active=True, school__is_active=True)
        .first()
    )
    if room is None:
        raise Http404
    return room


def _member_in(user, school):
    """The logged-in user when ``school`` is the school they act in now, else None."""
    if not getattr(user, "is_authenticated", False):
        return None
    access = access_for(user)
    return user if access.is_member and access.school_id == school.pk else None


class PublicReportView(View):
    """``/r/<token>/``: anyone with the room's QR code may report a problem there."""

    template_name = "maintenance/public_report.html"
    limited_template_name = "maintenance/public_limited.html"
    asset = None  # set when reporting from an asset's label (views_public_asset)
    thanks_url_name = "maintenance:public_thanks"

    def dispatch(self, request, token):
        self.room = _room_for_token(token)
        self.school = self.room.school
        self.member = _member_in(request.user, self.school)
        return super().dispatch(request, token)

    def open_orders(self):
        same = {"asset": self.asset} if self.asset is not None else {"room": self.room}
        return list(
            WorkOrder.objects.filter(school=self.school, status__in=OPEN_STATUSES, **same).order_by(
                "-created_at"
            )[:5]
        )

    def get_form(self, data=None, files=None):
        initial = {}
        if self.member is not None:
            initial = {"reporter_name": self.member.get_full_name()}
        return forms.PublicReportForm(
            data,
            files,
            school=self.school,
            room=self.room,
            member=self.member,
            duplicates=self.open_orders(),
            initial=initial,
        )

    def get(self, request, token):
        return self.render_form(self.get_form())

    def post(self, request, token):
        limit = QrRateLimit(request)
        if limit.exceeded():
            return render(
                request,
                self.limited_template_name,
                {"room": self.room, "school": self.school},
                status=429,
            )
        form = self.get_form(request.POST, request.FILES)
        if form.is_spam:
            # Robots get the thank-you page and nothing is saved.
            limit.hit()
            return render(request, "maintenance/public_thanks.html", {"number": ""})
        if form.is_valid() and self._join_decided(form):
            data = form.cleaned_data
            join = data["join"] if isinstance(data["join"], WorkOrder) else None
            try:
                order = _services().report(
                    school=self.school,
                    by=self.member,
                    room=self.room,
                    category=join.category if join else data["category"],
                    description=data["description"],
                    urgency=data["urgency"],
                    photos=data["photos"],
                    reporter_name=data["reporter_name"],
                    reporter_phone=data["reporter_phone"],
                    location_note=data["location_note"],
                    source=Source.QR,
                    join=join,
                    asset=self.asset,
                )
            except (DomainError, ValidationError) as exc:
                add_validation_error(form, exc)
            else:
                limit.hit()
                request.session[THANKS_SESSION_KEY] = order.number
                return redirect(self.thanks_url_name, token=token)
        return self.render_form(form)

    def _join_decided(self, form) -> bool:
        """When the same place+category already has an open order, ask before a new one."""
        if form.cleaned_data["join"]:
            return True
        same = _services().find_open_duplicates(
            school=self.school,
            room=self.room,
            category=form.cleaned_data["category"],
            asset=self.asset,
        )
        if not same.exists():
            return True
        form.set_duplicates(self.open_orders())
        form.add_error(
            "join",
            _("This problem may already be reported here. Join that report, or report a new one."),
        )
        return False

    def render_form(self, form):
        context = {
            "form": form,
            "room": self.room,
            "asset": self.asset,
            "school": self.school,
            "member": self.member,
        }
        return render(self.request, self.template_name, context)


def public_thanks(request, token):
    room = _room_for_token(token)
    number = request.session.pop(THANKS_SESSION_KEY, "")
    return render(request, "maintenance/public_thanks.html", {"number": number, "room": room})


# ---------------------------------------------------------------- staff report


class WorkOrderAddView(ScopedViewMixin, View):
    """A logged-in member reports a problem from the site."""

    model = WorkOrder
    template_name = "maintenance/workorder_add.html"

    def school(self):
        from django.apps import apps

        School = apps.get_model(settings.HOUQIN_TENANT_MODEL)
        return School.objects.get(pk=self.access.school_id)

    def get_form(self, school, data=None, files=None):
        initial = {}
        room_pk = self.request.GET.get("room")
        if room_pk and room_pk.isdigit():
            initial["room"] = int(room_pk)
        return forms.StaffReportForm(
            data, files, school=school, user=self.request.user, initial=initial
        )

    def check(self):
        if not can(self.request.user, "add", WorkOrder):
            raise PermissionDenied

    def get(self, request):
        self.check()
        return self.render_form(self.get_form(self.school()))

    def post(self, request):
        self.check()
        school = self.school()
        form = self.get_form(school, request.POST, request.FILES)
        if form.is_valid() and self._join_decided(form, school):
            data = form.cleaned_data
            join = data["join"] if isinstance(data["join"], WorkOrder) else None
            try:
                order = _services().report(
                    school=school,
                    by=request.user,
                    room=data["room"],
                    category=join.category if join else data["category"],
                    title=data["title"],
                    description=data["description"],
                    urgency=data["urgency"],
                    photos=data["photos"],
                    location_note=data["location_note"],
                    source=Source.WEB,
                    join=join,
                )
            except (DomainError, ValidationError) as exc:
                add_validation_error(form, exc)
            else:
                if join:
                    messages.success(request, _("Added to %(number)s.") % {"number": order.number})
                else:
                    messages.success(
                        request, _("Reported as %(number)s.") % {"number": order.number}
                    )
                if can(request.user, "view", order):
                    return redirect("maintenance:workorder_detail", order.pk)
                return redirect("maintenance:workorder_add")
        return self.render_form(form)

    def _join_decided(self, form, school) -> bool:
        data = form.cleaned_data
        if data["join"] or not data.get("room"):
            return True
        same = list(
            _services().find_open_duplicates(
                school=school, room=data["room"], category=data["category"]
            )[:5]
        )
        if not same:
            return True
        form.set_duplicates(same)
        form.add_error(
            "join",
            _("This problem may already be reported here. Join that report, or report a new one."),
        )
        return False

    def render_form(self, form):
        context = {"form": form, "title": _("Report a problem"), "cancel_url": "/"}
        return render(self.request, self.template_name, context)


# ---------------------------------------------------------------- list and detail


class WorkOrderMixin:
    model = WorkOrder
    route_prefix = "maintenance:workorder"


class WorkOrderListView(WorkOrderMixin, ObjectListView):
    queryset = WorkOrder.objects.select_related("category", "assignee", "company")
    filterset_class = filters.WorkOrderFilterSet
    table_class = tables.WorkOrderTable
    export_perm = "maintenance.export_workorder"
    # 200 pages of 50: counting further costs more than anyone reads (docs/performance.md).
    count_limit = 10_000

    def base_queryset(self):
        # Places come in a second query: joining room, floor and building into the page's query
        # as well makes PostgreSQL spend ~10 ms planning its 7 joins, for a 1 ms query.
        # Only the columns the table shows (tables.LIST_FIELDS).
        orders = super().base_queryset().only(*tables.LIST_FIELDS)
        return tables.with_deep_pages(tables.with_places(orders, labels_only=True))


def action_forms(order, user, data=None, files=None) -> list[dict]:
    """One entry per button the user may press now: name, label and its form (or None)."""
    machine = getattr(WorkOrder, "machine", None)
    if machine is None:
        return []
    entries = []
    for transition in machine.available(order, user):
        form_class = forms.ACTION_FORMS.get(transition.name)
        form = None
        if form_class is not None:
            initial = {}
            if form_class is forms.AssignForm and data is None:
                worker, company = _services().suggest_assignee(order)
                initial = {
                    "worker": getattr(worker, "pk", None),
                    "company": getattr(company, "pk", None),
                }
            form = form_class(data, files, order=order, initial=initial, prefix=transition.name)
        entries.append(
            {
                "name": transition.name,
                "label": transition.label or transition.name,
                "form": form,
                "url": reverse("maintenance:workorder_action", args=[order.pk, transition.name]),
            }
        )
    return entries


class WorkOrderDetailView(WorkOrderMixin, ObjectDetailView):
    queryset = WorkOrder.objects.select_related(*WORK_ORDER_RELATED, "duplicate_of", "plan")
    template_name = "maintenance/workorder_detail.html"
    detail_fields = (
        "number",
        "status",
        "urgency",
        "category",
        "room",
        "location_note",
        "description",
        "source",
        "requester",
        "reporter_name",
        "reporter_phone",
        "assignee",
        "company",
        "duplicate_of",
        "hold_reason",
        "labour_minutes",
        "outside_cost",
        "rating",
        "rating_comment",
        "plan",
        "plan_due",
        "signed_by",
        "signed_at",
        "created_at",
        "done_at",
    )
    detail_optional_fields = (
        "location_note",
        "company",
        "duplicate_of",
        "hold_reason",
        "rating",
        "rating_comment",
        "plan",
        "plan_due",
        "signed_by",
        "signed_at",
        "done_at",
    )

    def get_extra_context(self, obj):
        parts = list(obj.parts.all())
        return {
            # Pages never edit a work order directly: changes are actions.
            "edit_url": None,
            "delete_url": None,
            "actions": action_forms(obj, self.request.user),
            "parts": parts,
            "parts_total": sum((p.total for p in parts), start=0),
        }


class WorkOrderActionView(LoginRequiredMixin, View):
    """POST one action (assign, start, finish, …); refusals come back as a message."""

    http_method_names = ["post"]

    def post(self, request, pk, action):
        order = get_object_or_404(WorkOrder.objects.restrict(request.user, "view"), pk=pk)
        detail = reverse("maintenance:workorder_detail", args=[order.pk])
        entry = next(
            (
                e
                for e in action_forms(order, request.user, request.POST, request.FILES)
                if e["name"] == action
            ),
            None,
        )
        if entry is None:
            messages.error(request, _("This action is not possible on this work order now."))
            return redirect(detail)
        service = getattr(_services(), action, None)
        if service is None:
            raise Http404
        kwargs = {}
        form = entry["form"]
        if form is not None:
            if not form.is_valid():
                for errors in form.errors.values():
                    for error in errors:
                        messages.error(request, error)
                return redirect(detail)
            kwargs = form.service_kwargs()
        try:
            service(order, by=request.user, **kwargs)
        except (DomainError, ValidationError) as exc:
            text = exc.message if isinstance(exc, DomainError) else "; ".join(exc.messages)
            messages.error(request, text)
        else:
            messages.success(
                request,
                _("%(number)s: %(action)s done.")
                % {"number": order.number, "action": entry["label"]},
            )
        return redirect(request.POST["next"] if _safe_next(request) else detail)


def _safe_next(request) -> bool:
    from django.utils.http import url_has_allowed_host_and_scheme

    nxt = request.POST.get("next")
    return bool(nxt) and url_has_allowed_host_and_scheme(
        nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


# ---------------------------------------------------------------- my queue


class MyQueueView(LoginRequiredMixin, View):
    """The worker's open orders, urgent first then oldest, with one-tap actions."""

    template_name = "maintenance/my_queue.html"

    def get(self, request):
        from houqin.maintenance import selectors

        access = access_for(request.user)
        if not access.is_member:
            raise PermissionDenied
        orders = selectors.queue_for(request.user)
        if hasattr(orders, "select_related"):
            orders = orders.select_related(*WORK_ORDER_RELATED)
        context = {"title": _("My queue"), "orders": list(orders)}
        return render(request, self.template_name, context)
