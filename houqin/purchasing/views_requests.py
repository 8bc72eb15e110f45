"""Purchase request pages: the list (mine, my department's, all for logistics) with filters and
Excel export, the request form with its line editor, the detail page (lines, budget figures,
quotes, approval panel, timeline, actions), the printable request form, the purchasing
settings, and "restock these" from the stores' reorder list. Every change goes through
``services_requests``.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from houqin.core.errors import DomainError
from houqin.core.models import ApprovalFlow
from houqin.core.scoping import access_for
from houqin.core.views.approvals import panel_for
from houqin.core.views.generic import (
    ObjectDetailView,
    ObjectListView,
    ScopedViewMixin,
    add_validation_error,
)

from . import forms_requests as forms
from . import selectors_budgets
from . import services_requests as services
from .filters_requests import RequestFilterSet
from .models import PurchaseRequest, PurchasingSettings, Quote, RequestStatus
from .models.orders import PurchaseOrder, Receipt
from .tables_requests import RequestLineTable, RequestTable

RELATED = ("department", "requested_by", "budget_category")


def _error_text(exc) -> str:
    return str(exc.message) if isinstance(exc, DomainError) else "; ".join(exc.messages)


# ---------------------------------------------------------------- who sees which request


def requests_for(user):
    """Requests ``user`` may open: ``restrict`` (logistics and readers: all; their own; their
    departments' as head), plus those whose approval they decide or decided."""
    visible = PurchaseRequest.objects.restrict(user, "view")
    access = access_for(user)
    if not access.is_member or access.has_perm("purchasing.view_purchaserequest"):
        return visible
    flows = (
        ApprovalFlow.objects.restrict(user, "view")
        .filter(content_type=ContentType.objects.get_for_model(PurchaseRequest))
        .values("object_id")
    )
    return PurchaseRequest.objects.filter(school_id=access.school_id).filter(
        Q(pk__in=visible.values("pk")) | Q(pk__in=flows)
    )


def departments_for(access):
    """The departments ``access`` may ask for: all (logistics), else their own and headed."""
    Department = apps.get_model("org", "Department")
    rows = Department.objects.filter(school_id=access.school_id, is_active=True)
    if access.has_perm(services.MANAGE_PERM):
        return rows.order_by("name")
    own = {access.department_id, *getattr(access, "headed_department_ids", ())} - {None}
    return rows.filter(pk__in=own).order_by("name")


class RequestMixin:
    model = PurchaseRequest
    route_prefix = "purchasing:request"

    def restricted(self, action):
        if action == "view":
            return requests_for(self.request.user).select_related(*RELATED)
        return super().restricted(action)


# ---------------------------------------------------------------- list and detail


class RequestListView(RequestMixin, ObjectListView):
    queryset = PurchaseRequest.objects.select_related(*RELATED)
    filterset_class = RequestFilterSet
    table_class = RequestTable
    template_name = "purchasing/requests/request_list.html"
    title = _("Purchase requests")

    def get_extra_context(self):
        access = self.access
        return {
            "settings_url": reverse("purchasing:purchasing_settings")
            if access.has_perm(services.SETTINGS_PERM)
            else None,
            "mine_url": "?mine=yes",
            "budgets_url": reverse("purchasing:budget_grid")
            if selectors_budgets.may_read_budgets(access)
            else None,
        }


def request_actions(request_obj: PurchaseRequest, user) -> list[dict]:
    """The buttons ``user`` may press on the request now."""
    access = access_for(user, request_obj.school_id)
    entries = []
    for transition in services.MACHINE.available(request_obj, user):
        entries.append(
            {
                "name": transition.name,
                "label": transition.display,
                "form": forms.ReasonForm(prefix="cancel") if transition.name == "cancel" else None,
                "url": reverse("purchasing:request_action", args=[request_obj.pk, transition.name]),
            }
        )
    mine = request_obj.requested_by_id == getattr(user, "pk", None)
    if (mine or access.has_perm(services.MANAGE_PERM)) and request_obj.status not in (
        RequestStatus.CANCELLED,
        RequestStatus.REJECTED,
    ):
        entries.append(
            {
                "name": "files",
                "label": _("Add files"),
                "form": forms.FilesForm(prefix="files"),
                "url": reverse("purchasing:request_action", args=[request_obj.pk, "files"]),
            }
        )
    return entries


def orders_of(purchase_request, user) -> list:
    """The orders placed for this request that the user may read, with their deliveries
    (two queries)."""
    orders = list(
        PurchaseOrder.objects.restrict(user, "view")
        .filter(lines__request_line__request=purchase_request)
        .select_related("vendor")
        .distinct()
        .order_by("created_at", "pk")
        .prefetch_related(
            Prefetch(
                "receipts",
                queryset=Receipt.objects.restrict(user, "view").order_by("created_at", "pk"),
                to_attr="request_receipts",
            )
        )
    )
    return orders


class RequestDetailView(RequestMixin, ObjectDetailView):
    queryset = PurchaseRequest.objects.select_related(*RELATED, "chosen_quote__vendor")
    template_name = "purchasing/requests/request_detail.html"
    detail_fields = (
        "number", "title", "status", "department", "requested_by", "reason", "needed_by",
        "budget_category", "budget_year", "estimated_total", "over_budget", "submitted_at",
        "approved_at",
    )  # fmt: skip
    detail_optional_fields = ("needed_by", "submitted_at", "approved_at")

    def get_extra_context(self, obj):
        access = self.access
        lines = list(obj.lines.select_related("item").order_by("pk"))
        figures = None
        if obj.budget_year:
            figures = selectors_budgets.figures_for(
                obj.school_id, obj.budget_year, obj.department_id, obj.budget_category_id
            )
        quotes = list(obj.quotes.select_related("vendor").order_by("amount", "pk"))
        may_quote = services.may_quote(access, obj)
        needed = services.quotes_needed(obj)
        return {
            "edit_url": reverse("purchasing:request_edit", args=[obj.pk])
            if services.may_edit(access, obj)
            else None,
            "delete_url": None,
            "lines_table": RequestLineTable(lines, orderable=False),
            "figures": figures,
            "quotes": quotes,
            "quotes_needed": needed,
            "quotes_complete": services.quotes_complete(obj) if needed else True,
            "quote_form": forms.QuoteForm(prefix="quote", school_id=obj.school_id)
            if may_quote
            else None,
            "choose_form": forms.ChooseQuoteForm(
                prefix="choose", request=obj, initial={"quote": obj.chosen_quote_id}
            )
            if may_quote and quotes
            else None,
            "may_quote": may_quote,
            "quote_url": reverse("purchasing:request_action", args=[obj.pk, "quote"]),
            "choose_url": reverse("purchasing:request_action", args=[obj.pk, "choose"]),
            "unquote_url": reverse("purchasing:request_action", args=[obj.pk, "unquote"]),
            "approval": panel_for(obj, self.request.user),
            "actions": request_actions(obj, self.request.user),
            "print_url": reverse("purchasing:request_print", args=[obj.pk]),
            "orders": orders_of(obj, self.request.user),
        }


class RequestActionView(LoginRequiredMixin, View):
    """POST submit, cancel, files, quote, choose, unquote; refusals come back as a message."""

    model = PurchaseRequest
    http_method_names = ["post"]

    def post(self, request, pk, action):
        obj = get_object_or_404(requests_for(request.user), pk=pk)
        detail = reverse("purchasing:request_detail", args=[obj.pk])
        try:
            message = self.perform(request, obj, action)
        except (DomainError, ValidationError) as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, message % {"number": obj.number})
        return redirect(detail)

    def perform(self, request, obj, action):
        by = request.user
        if action == "submit":
            services.submit(obj, by=by)
            return _("%(number)s was sent for approval.")
        if action == "cancel":
            services.cancel(obj, by=by, reason=request.POST.get("cancel-reason", ""))
            return _("%(number)s was cancelled.")
        if action == "files":
            form = forms.FilesForm(request.POST, request.FILES, prefix="files")
            _check(form)
            services.add_files(
                obj, by=by, files=form.cleaned_data["files"], text=form.cleaned_data["text"]
            )
            return _("Files were added to %(number)s.")
        if action == "quote":
            form = forms.QuoteForm(
                request.POST, request.FILES, prefix="quote", school_id=obj.school_id
            )
            _check(form)
            data = form.cleaned_data
            services.add_quote(
                obj,
                by=by,
                vendor=data["vendor"],
                amount=data["amount"],
                quoted_on=data["quoted_on"],
                valid_until=data["valid_until"],
                note=data["note"],
                files=data["files"],
            )
            return _("The quote was added to %(number)s.")
        if action == "choose":
            form = forms.ChooseQuoteForm(request.POST, prefix="choose", request=obj)
            _check(form)
            services.choose_quote(
                obj, by=by, quote=form.cleaned_data["quote"], reason=form.cleaned_data["reason"]
            )
            return _("The vendor of %(number)s was chosen.")
        if action == "unquote":
            quote = get_object_or_404(Quote, pk=request.POST.get("quote") or 0, request=obj)
            services.remove_quote(quote, by=by)
            return _("The quote was removed from %(number)s.")
        raise Http404


def _check(form) -> None:
    if not form.is_valid():
        raise ValidationError([e for errors in form.errors.values() for e in errors])


# ---------------------------------------------------------------- the request form


class RequestFormView(ScopedViewMixin, View):
    """Draft a request (``pk`` None) or change a draft or returned one; "Add a line" posts
    back with one more row; "Save and submit" sends it at once."""

    model = PurchaseRequest
    template_name = "purchasing/requests/request_form.html"

    def get_object(self, pk):
        access = self.access
        if pk is None:
            if not access.is_member or not access.has_perm("purchasing.add_purchaserequest"):
                raise PermissionDenied
            return None
        obj = get_object_or_404(requests_for(self.request.user), pk=pk)
        if not services.may_edit(access, obj):
            raise PermissionDenied
        return obj

    def forms_for(self, obj, data=None, files=None, *, initial=None, lines=None):
        access = self.access
        head = forms.RequestForm(
            data,
            files,
            user=self.request.user,
            school_id=access.school_id,
            departments=departments_for(access),
            with_files=obj is None,
            initial=initial,
        )
        formset = forms.line_formset(
            data, school_id=access.school_id, user=self.request.user, initial=lines
        )
        return head, formset

    def get(self, request, pk=None):
        obj = self.get_object(pk)
        if obj is None:
            initial = {"department": self.access.department_id}
            lines = forms.initial_lines()
        else:
            initial = {
                "department": obj.department_id,
                "title": obj.title,
                "reason": obj.reason,
                "needed_by": obj.needed_by,
                "budget_category": obj.budget_category_id,
            }
            lines = forms.initial_lines(obj)
        head, formset = self.forms_for(obj, initial=initial, lines=lines)
        return self.render_form(obj, head, formset)

    def post(self, request, pk=None):
        obj = self.get_object(pk)
        if "add_line" in request.POST:
            head, formset = self.forms_for(obj, forms.with_blank_line(request.POST), request.FILES)
            return self.render_form(obj, head, formset, show_errors=False)
        head, formset = self.forms_for(obj, request.POST, request.FILES)
        if head.is_valid() and formset.is_valid():
            try:
                with transaction.atomic():
                    obj = self.save(obj, head.cleaned_data, formset.line_inputs())
            except (DomainError, ValidationError) as exc:
                add_validation_error(head, exc)
            else:
                return self.after_save(obj)
        return self.render_form(obj, head, formset)

    def save(self, obj, data, lines):
        by = self.request.user
        if obj is None:
            return services.create_request(
                by=by,
                school=self.access.school_id,
                department=data["department"],
                title=data["title"],
                reason=data["reason"],
                needed_by=data["needed_by"],
                budget_category=data["budget_category"],
                lines=lines,
                files=data.get("files") or [],
            )
        return services.update_request(
            obj,
            by=by,
            department=data["department"],
            title=data["title"],
            reason=data["reason"],
            needed_by=data["needed_by"],
            budget_category=data["budget_category"],
            lines=lines,
        )

    def after_save(self, obj):
        request = self.request
        if "submit" in request.POST:
            try:
                services.submit(obj, by=request.user)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(
                    request, _("%(number)s was sent for approval.") % {"number": obj.number}
                )
        else:
            messages.success(request, _("%(number)s was saved.") % {"number": obj.number})
        return redirect("purchasing:request_detail", obj.pk)

    def render_form(self, obj, head, formset, *, show_errors=True):
        if obj is None:
            title = _("Ask to buy")
            cancel_url = reverse("purchasing:request_list")
        else:
            title = _("Change %(number)s") % {"number": obj.number}
            cancel_url = reverse("purchasing:request_detail", args=[obj.pk])
        context = {
            "form": head,
            "formset": formset,
            "show_errors": show_errors,
            "title": title,
            "cancel_url": cancel_url,
            "object": obj,
            "quote_threshold": PurchasingSettings.for_school(self.access.school_id).quote_threshold,
        }
        return render(self.request, self.template_name, context)


# ---------------------------------------------------------------- print


class RequestPrintView(RequestMixin, ScopedViewMixin, View):
    """``…/print/``: the 采购申请表 on A4 with the approval trail and signature boxes."""

    template_name = "purchasing/requests/request_print.html"

    def get(self, request, pk):
        obj = get_object_or_404(self.restricted("view").select_related("school"), pk=pk)
        approval = panel_for(obj, request.user)
        decisions = []
        if approval is not None:
            decisions = [d for _round, ds in reversed(approval.rounds) for d in ds]
        context = {
            "title": _("Purchase request %(number)s") % {"number": obj.number},
            "request_obj": obj,
            "school": obj.school,
            "lines": list(obj.lines.order_by("pk")),
            "quotes": list(obj.quotes.select_related("vendor").order_by("amount", "pk")),
            "approval": approval,
            "decisions": decisions,
            "back_url": reverse("purchasing:request_detail", args=[obj.pk]),
            "printed_at": timezone.now(),
        }
        return render(request, self.template_name, context)


# ---------------------------------------------------------------- settings


class SettingsView(ScopedViewMixin, View):
    """The school's purchasing rules: quote threshold and count, missing budgets."""

    model = PurchasingSettings
    template_name = "purchasing/requests/settings.html"

    def check(self):
        access = self.access
        if not access.is_member or not access.has_perm(services.SETTINGS_PERM):
            raise PermissionDenied
        return access

    def get(self, request):
        access = self.check()
        rules = PurchasingSettings.for_school(access.school_id)
        form = forms.SettingsForm(
            initial={
                "quote_threshold": rules.quote_threshold,
                "quotes_required": rules.quotes_required,
                "missing_budget_is_over": rules.missing_budget_is_over,
            }
        )
        return self.render_form(form)

    def post(self, request):
        access = self.check()
        form = forms.SettingsForm(request.POST)
        if form.is_valid():
            try:
                services.save_settings(
                    by=request.user, school=access.school_id, **form.cleaned_data
                )
            except DomainError as exc:
                add_validation_error(form, exc)
            else:
                messages.success(request, _("The purchasing rules were saved."))
                return redirect("purchasing:purchasing_settings")
        return self.render_form(form)

    def render_form(self, form):
        context = {
            "form": form,
            "title": _("Purchasing rules"),
            "cancel_url": reverse("purchasing:request_list"),
        }
        return render(self.request, self.template_name, context)


# ---------------------------------------------------------------- from the reorder list


class RequestFromReorderView(ScopedViewMixin, View):
    """POST ``item`` ids with ``quantity_<id>`` from the stores' reorder page: one draft request
    restocking them, opened for editing."""

    model = PurchaseRequest
    http_method_names = ["post"]

    def post(self, request):
        access = self.access
        # Logistics buys; the keeper, who watches the reorder list, may draft it too.
        if not access.is_member or not (
            access.has_perm(services.MANAGE_PERM) or access.has_perm("stores.receive_stock")
        ):
            raise PermissionDenied
        Item = apps.get_model("stores", "Item")
        ids = []
        for raw in request.POST.getlist("item"):
            try:
                ids.append(int(raw))
            except ValueError:
                continue
        items = Item.objects.filter(school_id=access.school_id, pk__in=ids).in_bulk()
        lines = []
        for item_id in ids:
            item = items.get(item_id)
            if item is None:
                continue
            try:
                quantity = Decimal(request.POST.get(f"quantity_{item_id}", "").strip())
            except (InvalidOperation, ValueError):
                quantity = Decimal("0")
            if quantity.is_finite() and quantity > 0:
                lines.append((item, quantity))
        if not lines:
            messages.error(request, _("Choose at least one item with a quantity to buy."))
            return redirect("purchasing:request_list")
        try:
            obj = services.request_from_reorder(
                by=request.user, school=access.school_id, lines=lines
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect(reverse("purchasing:request_list"))
        messages.success(
            request,
            _("%(number)s was drafted with %(count)d items: check it and send it.")
            % {"number": obj.number, "count": len(lines)},
        )
        return redirect("purchasing:request_edit", obj.pk)
