"""Movement pages: move or lend one asset, return a loan, the loan list and bulk actions on a
filtered selection of the register (label sheets, which take the same selections, are in
``labels``).

A *selection* is the register's own querystring (``AssetFilterSet``: the list's filters), or
``ids=1,2,3`` for chosen assets; the register list links here with it. Every page is thin:
it parses, calls ``services_movements`` and renders.
"""

from __future__ import annotations

from datetime import timedelta

import django_filters
import django_tables2 as tables
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views import View

from houqin.core.errors import DomainError
from houqin.core.filters import TenantFilterSet, scope_choices
from houqin.core.scoping import access_for
from houqin.core.tables import BaseTable
from houqin.core.views.generic import ObjectListView, style_form
from houqin.org.models import Department, Room

from . import services_movements as moves
from .filters import AssetFilterSet
from .models import Asset, AssetLoan, AssetStatus

PREVIEW_ROWS = 20
# Querystring keys of the register list that are not part of a selection.
NOT_SELECTION = ("page", "sort", "export", "layout", "cut_lines", "edit")
MOVE_PERM = moves.MOVE_PERM


# ---------------------------------------------------------------- selections


def selection_query(request) -> QueryDict:
    """The selection part of the request's querystring (what the register list passed on)."""
    query = request.GET.copy()
    for key in NOT_SELECTION:
        query.pop(key, None)
    return query


def _ids(query: QueryDict) -> list[int] | None:
    raw = ",".join(query.getlist("ids"))
    if not raw.strip():
        return None
    return sorted({int(part) for part in raw.split(",") if part.strip().isdigit()})


def selected_assets(request, query: QueryDict | None = None):
    """The assets a selection names, among those the user may view (a queryset, unordered).

    ``ids=…`` names assets one by one (whatever their status); otherwise the register's filters
    apply, with their default of active assets only. Invalid filters select nothing."""
    query = selection_query(request) if query is None else query
    assets = Asset.objects.restrict(request.user, "view")
    ids = _ids(query)
    if ids is not None:
        return assets.filter(pk__in=ids)
    query.pop("ids", None)
    filterset = AssetFilterSet(query or None, queryset=assets, request=request)
    if filterset.is_bound and not filterset.is_valid():
        return assets.none()
    return filterset.qs.order_by()


def count_at_most(queryset, limit: int) -> int:
    """How many, counting at most ``limit + 1`` rows (a huge selection is not counted out)."""
    return queryset.order_by()[: limit + 1].count()


def require_perm(request, perm: str):
    access = access_for(request.user)
    if not access.is_member or not access.has_perm(perm):
        raise PermissionDenied
    return access


def with_query(url: str, query: QueryDict) -> str:
    encoded = query.urlencode()
    return f"{url}?{encoded}" if encoded else url


# ---------------------------------------------------------------- choices


def room_choices(user, school_id):
    return scope_choices(
        Room.objects.filter(is_active=True).order_by("floor__building__name", "number"),
        user,
        school_id,
        ("floor__building",),
    )


def department_choices(user, school_id):
    return scope_choices(
        Department.objects.filter(is_active=True).order_by("name"), user, school_id
    )


def people_choices(user, school_id):
    return scope_choices(get_user_model().objects.filter(is_active=True), user, school_id)


def _searchable(*fields):
    for field in fields:
        field.widget.attrs["data-tom-select"] = ""


# ---------------------------------------------------------------- move one asset


class MoveForm(forms.Form):
    room = forms.ModelChoiceField(
        queryset=Room.objects.none(), label=_("New place"), required=False
    )
    department = forms.ModelChoiceField(
        queryset=Department.objects.none(), label=_("New custodian department"), required=False
    )
    custodian = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(), label=_("New custodian"), required=False
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, user, school_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = room_choices(user, school_id)
        self.fields["department"].queryset = department_choices(user, school_id)
        self.fields["custodian"].queryset = people_choices(user, school_id)
        _searchable(self.fields["room"], self.fields["custodian"])
        style_form(self)

    def clean(self):
        data = super().clean()
        if not (data.get("room") or data.get("department") or data.get("custodian")):
            raise forms.ValidationError(_("Choose a new place, department or custodian."))
        return data


class AssetActionMixin(LoginRequiredMixin):
    """One asset of the user's school, for someone who may move and lend assets."""

    model = Asset
    template_name = "assets/movement_form.html"
    submit_label = _("Move")
    submit_icon = "arrows-move"

    def setup_asset(self, request, pk):
        self.access = require_perm(request, MOVE_PERM)
        queryset = Asset.objects.restrict(request.user, "change").select_related(
            "room__floor__building", "department", "custodian"
        )
        self.asset = get_object_or_404(queryset, pk=pk)

    def render_form(self, form, **extra):
        context = {
            "title": self.title % {"asset": self.asset},
            "asset": self.asset,
            "form": form,
            "cancel_url": self.asset.get_absolute_url(),
            "submit_label": self.submit_label,
            "submit_icon": self.submit_icon,
            **extra,
        }
        return render(self.request, self.template_name, context)


class AssetMoveView(AssetActionMixin, View):
    """``assets/<pk>/move/``: a new place, custodian department or custodian for one asset."""

    title = _("Move %(asset)s")

    def form(self, data=None):
        return MoveForm(data, user=self.request.user, school_id=self.access.school_id)

    def get(self, request, pk):
        self.setup_asset(request, pk)
        return self.render_form(self.form())

    def post(self, request, pk):
        self.setup_asset(request, pk)
        form = self.form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                moved = moves.transfer(
                    [self.asset],
                    by=request.user,
                    room=data.get("room"),
                    department=data.get("department"),
                    custodian=data.get("custodian"),
                    note=data.get("note", ""),
                )
            except DomainError as exc:
                form.add_error(None, str(exc.message))
            else:
                if moved:
                    messages.success(request, _("%(asset)s was moved.") % {"asset": self.asset})
                else:
                    messages.info(request, _("Nothing changed: the asset is already there."))
                return redirect(self.asset.get_absolute_url())
        return self.render_form(form)


# ---------------------------------------------------------------- loans


class BorrowerKind:
    PERSON = "person"
    DEPARTMENT = "department"
    OUTSIDE = "outside"
    CHOICES = (
        (PERSON, _("A member of staff")),
        (DEPARTMENT, _("A department")),
        (OUTSIDE, _("Someone outside the school")),
    )


class LendForm(forms.Form):
    borrower_kind = forms.ChoiceField(
        label=_("Lend to"), choices=BorrowerKind.CHOICES, initial=BorrowerKind.PERSON
    )
    borrower = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(), label=_("Borrower"), required=False
    )
    borrower_department = forms.ModelChoiceField(
        queryset=Department.objects.none(), label=_("Borrowing department"), required=False
    )
    borrower_name = forms.CharField(
        label=_("Borrower's name and unit"), max_length=60, required=False
    )
    due_on = forms.DateField(label=_("Due back on"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Purpose / note"), max_length=200, required=False)

    def __init__(self, *args, user, school_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["borrower"].queryset = people_choices(user, school_id)
        self.fields["borrower_department"].queryset = department_choices(user, school_id)
        self.fields["borrower"].widget.attrs["data-show-if"] = "borrower_kind:person"
        self.fields["borrower_department"].widget.attrs["data-show-if"] = "borrower_kind:department"
        self.fields["borrower_name"].widget.attrs["data-show-if"] = "borrower_kind:outside"
        _searchable(self.fields["borrower"])
        style_form(self)

    def clean(self):
        data = super().clean()
        kind = data.get("borrower_kind")
        wanted = {
            BorrowerKind.PERSON: "borrower",
            BorrowerKind.DEPARTMENT: "borrower_department",
            BorrowerKind.OUTSIDE: "borrower_name",
        }.get(kind)
        if wanted and not data.get(wanted):
            self.add_error(wanted, _("Say who borrows the asset."))
        # Only the chosen kind of borrower counts; the hidden fields may hold old choices.
        for name in ("borrower", "borrower_department", "borrower_name"):
            if name != wanted:
                data[name] = "" if name == "borrower_name" else None
        return data


class AssetLendView(AssetActionMixin, View):
    """``assets/<pk>/lend/``: 借出 to a member of staff, a department or an outside borrower."""

    title = _("Lend %(asset)s")
    submit_label = _("Lend")
    submit_icon = "arrow-forward-up"

    def form(self, data=None):
        initial = {"due_on": timezone.localdate() + timedelta(days=7)}
        return LendForm(
            data, initial=initial, user=self.request.user, school_id=self.access.school_id
        )

    def get(self, request, pk):
        self.setup_asset(request, pk)
        return self.render_form(self.form())

    def post(self, request, pk):
        self.setup_asset(request, pk)
        form = self.form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                loan = moves.lend(
                    self.asset,
                    by=request.user,
                    borrower=data.get("borrower"),
                    borrower_department=data.get("borrower_department"),
                    borrower_name=data.get("borrower_name") or "",
                    due_on=data["due_on"],
                    note=data.get("note", ""),
                )
            except DomainError as exc:
                form.add_error(None, str(exc.message))
            else:
                messages.success(
                    request,
                    _("%(asset)s is lent to %(borrower)s until %(due)s.")
                    % {"asset": self.asset, "borrower": loan.borrower_label, "due": loan.due_on},
                )
                return redirect(self.asset.get_absolute_url())
        return self.render_form(form)


class ReturnForm(forms.Form):
    returned_on = forms.DateField(
        label=_("Returned on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    return_note = forms.CharField(label=_("Condition on return"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)


class LoanReturnView(LoginRequiredMixin, View):
    """``assets/loans/<pk>/return/``: 归还; the asset gets back the status it had before."""

    model = AssetLoan
    template_name = "assets/loan_return.html"

    def setup_loan(self, request, pk):
        require_perm(request, MOVE_PERM)
        queryset = AssetLoan.objects.restrict(request.user, "change").select_related(
            "asset", "borrower", "borrower_department", "lent_by"
        )
        self.loan = get_object_or_404(queryset, pk=pk)

    def render_form(self, form):
        loan = self.loan
        context = {
            "title": _("Return of %(asset)s") % {"asset": loan.asset},
            "loan": loan,
            "overdue": moves.is_overdue(loan),
            "form": form,
            "cancel_url": reverse("assets:loan_list"),
        }
        return render(self.request, self.template_name, context)

    def get(self, request, pk):
        self.setup_loan(request, pk)
        return self.render_form(ReturnForm(initial={"returned_on": timezone.localdate()}))

    def post(self, request, pk):
        self.setup_loan(request, pk)
        form = ReturnForm(request.POST)
        if form.is_valid():
            try:
                moves.return_loan(
                    self.loan,
                    by=request.user,
                    returned_on=form.cleaned_data["returned_on"],
                    return_note=form.cleaned_data.get("return_note", ""),
                )
            except DomainError as exc:
                form.add_error(None, str(exc.message))
            else:
                messages.success(request, _("%(asset)s is back.") % {"asset": self.loan.asset})
                return redirect(reverse("assets:loan_list"))
        return self.render_form(form)


class LoanState:
    OPEN = "open"
    OVERDUE = "overdue"
    RETURNED = "returned"
    CHOICES = ((OPEN, _("Not returned")), (OVERDUE, _("Overdue")), (RETURNED, _("Returned")))


def overdue_q(today=None) -> Q:
    return Q(returned_on__isnull=True, due_on__lt=today or timezone.localdate())


class LoanFilterSet(TenantFilterSet):
    search_fields = ("asset__number", "asset__name", "borrower_name", "borrower__full_name")

    state = django_filters.ChoiceFilter(
        choices=LoanState.CHOICES, method="filter_state", label=_("State"), empty_label=_("All")
    )
    borrower_department = django_filters.ModelChoiceFilter(
        queryset=lambda request: Department.objects.all(), label=_("Borrowing department")
    )
    lent = django_filters.DateFromToRangeFilter(field_name="lent_on", label=_("Lent between"))

    class Meta:
        model = AssetLoan
        fields = ["q", "state", "borrower_department", "lent"]

    def filter_state(self, queryset, name, value):
        if value == LoanState.OPEN:
            return queryset.filter(returned_on__isnull=True)
        if value == LoanState.OVERDUE:
            return queryset.filter(overdue_q())
        if value == LoanState.RETURNED:
            return queryset.filter(returned_on__isnull=False)
        return queryset


class LoanTable(BaseTable):
    asset_number = tables.Column(
        accessor="asset__number",
        verbose_name=_("Asset number"),
        linkify=("assets:asset_detail", [tables.A("asset_id")]),
        order_by=("asset__number", "pk"),
    )
    asset_name = tables.Column(accessor="asset__name", verbose_name=_("Asset"), orderable=False)
    borrower = tables.Column(accessor="borrower_label", verbose_name=_("Borrower"), orderable=False)
    lent_on = tables.DateColumn(format="Y-m-d", order_by=("lent_on", "pk"))
    due_on = tables.DateColumn(format="Y-m-d", order_by=("due_on", "pk"))
    returned_on = tables.DateColumn(format="Y-m-d", order_by=("returned_on", "pk"))
    state = tables.Column(verbose_name=_("State"), accessor="pk", orderable=False)
    note = tables.Column(visible=False)
    return_note = tables.Column(visible=False)
    actions = tables.Column(
        verbose_name="",
        accessor="pk",
        orderable=False,
        exclude_from_export=True,
        attrs={"td": {"class": "text-end"}},
    )

    class Meta(BaseTable.Meta):
        model = AssetLoan
        fields = ("lent_on", "due_on", "returned_on", "note", "return_note")
        sequence = (
            "asset_number",
            "asset_name",
            "borrower",
            "lent_on",
            "due_on",
            "returned_on",
            "state",
            "note",
            "return_note",
            "actions",
        )
        order_by = ("-lent_on",)

    def _state(self, record):
        if record.returned_on is not None:
            return LoanState.RETURNED, _("Returned"), "bg-green-lt"
        if record.due_on < timezone.localdate():
            return LoanState.OVERDUE, _("Overdue"), "bg-red-lt"
        return LoanState.OPEN, _("Not returned"), "bg-yellow-lt"

    def render_state(self, record):
        _key, label, css = self._state(record)
        return format_html('<span class="badge {}">{}</span>', css, label)

    def value_state(self, record):
        return str(self._state(record)[1])

    def render_actions(self, record):
        if record.returned_on is not None:
            return ""
        return format_html(
            '<a class="btn btn-sm" href="{}">{}</a>',
            reverse("assets:loan_return", args=[record.pk]),
            _("Record the return"),
        )


class LoanListView(ObjectListView):
    """``assets/loans/``: open, overdue and returned loans; borrowers see their own."""

    queryset = AssetLoan.objects.select_related("asset", "borrower", "borrower_department")
    filterset_class = LoanFilterSet
    table_class = LoanTable
    title = _("Loans")

    def get(self, request, *args, **kwargs):
        self.may_return = access_for(request.user).has_perm(MOVE_PERM)
        return super().get(request, *args, **kwargs)

    def configure_table(self, table, *, paginate: bool) -> None:
        if not getattr(self, "may_return", False):
            table.columns.hide("actions")
        super().configure_table(table, paginate=paginate)


# ---------------------------------------------------------------- bulk actions


class BulkAction:
    ROOM = "room"
    DEPARTMENT = "department"
    CUSTODIAN = "custodian"
    STATUS = "status"
    CHOICES = (
        (ROOM, _("Move to a place")),
        (DEPARTMENT, _("Assign to a department")),
        (CUSTODIAN, _("Assign to a custodian")),
        (STATUS, _("Set the status")),
    )


class BulkActionForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), choices=BulkAction.CHOICES)
    room = forms.ModelChoiceField(queryset=Room.objects.none(), label=_("Place"), required=False)
    department = forms.ModelChoiceField(
        queryset=Department.objects.none(), label=_("Department"), required=False
    )
    custodian = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(), label=_("Custodian"), required=False
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(s.value, s.label) for s in moves.SETTABLE_STATUSES],
        required=False,
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, user, school_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = room_choices(user, school_id)
        self.fields["department"].queryset = department_choices(user, school_id)
        self.fields["custodian"].queryset = people_choices(user, school_id)
        for name in ("room", "department", "custodian", "status"):
            self.fields[name].widget.attrs["data-show-if"] = f"action:{name}"
        _searchable(self.fields["room"], self.fields["custodian"])
        style_form(self)

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action and not data.get(action):
            self.add_error(action, _("Choose where the assets go."))
        return data

    def describe(self) -> str:
        """The action in words, for the confirmation: "Move to a place: 实验楼 301"."""
        data = self.cleaned_data
        action = data["action"]
        target = data[action]
        if action == BulkAction.STATUS:
            target = AssetStatus(target).label
        return f"{dict(BulkAction.CHOICES)[action]}: {target}"


class BulkActionView(LoginRequiredMixin, View):
    """``assets/bulk/?<the register's filters>``: one action on every asset of the selection.

    GET shows how many assets are selected and the form; POST shows the confirmation (the
    count, the first rows, and any assets the action would refuse); POST with ``confirm``
    runs it through the services (all or nothing) and goes back to the register."""

    template_name = "assets/movement_bulk.html"
    confirm_template_name = "assets/movement_bulk_confirm.html"

    def setup_selection(self, request):
        self.access = require_perm(request, MOVE_PERM)
        self.query = selection_query(request)
        self.assets = selected_assets(request, self.query.copy())
        self.count = count_at_most(self.assets, moves.MAX_BULK)

    def form(self, data=None):
        return BulkActionForm(data, user=self.request.user, school_id=self.access.school_id)

    def context(self, form, **extra):
        return {
            "title": _("Bulk actions"),
            "form": form,
            "count": self.count,
            "too_many": self.count > moves.MAX_BULK,
            "max_bulk": moves.MAX_BULK,
            "list_url": with_query(reverse("assets:asset_list"), self.query),
            **extra,
        }

    def get(self, request):
        self.setup_selection(request)
        return render(request, self.template_name, self.context(self.form()))

    def post(self, request):
        self.setup_selection(request)
        form = self.form(request.POST)
        if not form.is_valid() or not self.count or self.count > moves.MAX_BULK:
            return render(request, self.template_name, self.context(form))
        if "confirm" not in request.POST:
            return self.confirm(form)
        data = form.cleaned_data
        action = data["action"]
        try:
            if action == BulkAction.STATUS:
                done = moves.set_status(
                    self.assets, by=request.user, status=data["status"], note=data["note"]
                )
            else:
                done = moves.transfer(
                    self.assets, by=request.user, note=data["note"], **{action: data[action]}
                )
        except DomainError as exc:
            form.add_error(None, str(exc.message))
            return render(request, self.template_name, self.context(form))
        if done:
            messages.success(
                request,
                ngettext("%(count)d asset changed.", "%(count)d assets changed.", done)
                % {"count": done},
            )
        else:
            messages.info(request, _("Nothing changed: the selected assets were already so."))
        return redirect(with_query(reverse("assets:asset_list"), self.query))

    def confirm(self, form):
        action = form.cleaned_data["action"]
        if action == BulkAction.STATUS:
            blocked = self.assets.exclude(status__in=moves.SETTABLE_STATUSES)
        else:
            blocked = self.assets.filter(
                status__in=(AssetStatus.DISPOSED, AssetStatus.LOST, AssetStatus.LENT)
            )
        preview = list(
            self.assets.select_related("room__floor__building", "department", "custodian").order_by(
                "number", "pk"
            )[:PREVIEW_ROWS]
        )
        blocked_rows = list(blocked.order_by("number", "pk")[:PREVIEW_ROWS])
        context = self.context(
            form,
            description=form.describe(),
            preview=preview,
            blocked_count=count_at_most(blocked, moves.MAX_BULK) if blocked_rows else 0,
            blocked=blocked_rows,
        )
        return render(self.request, self.confirm_template_name, context)
