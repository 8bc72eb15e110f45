"""Requisition forms (the request with its item lines, the keeper's issue form, quotas) and
the tables of their lists (whose columns are also the exports' columns)."""

from __future__ import annotations

import django_tables2 as tables
from django import forms
from django.utils.translation import gettext_lazy as _

from houqin.core.filters import scope_choices
from houqin.core.scoping import access_for
from houqin.core.tables import BaseTable
from houqin.core.views.generic import TenantModelForm, style_form
from houqin.org.models import Department

from . import services_requisitions as reqs
from .models import Item, Store
from .models.requisitions import Requisition, RequisitionQuota

# Empty item rows offered on a new requisition (a phone shows them one under another).
EXTRA_LINES = 5


def departments_for(user, school_id):
    """The departments ``user`` may ask for: all for the stores' managers, else their own and
    those they head."""
    access = access_for(user, school_id)
    departments = Department.objects.filter(school_id=school_id, is_active=True)
    if access.has_perm(reqs.MANAGE_PERM):
        return departments
    ids = set(access.headed_department_ids)
    if access.department_id:
        ids.add(access.department_id)
    return departments.filter(pk__in=sorted(ids))


class RequisitionForm(forms.Form):
    department = forms.ModelChoiceField(queryset=Department.objects.none(), label=_("Department"))
    purpose = forms.CharField(label=_("Purpose"), max_length=200)
    needed_by = forms.DateField(
        label=_("Needed by"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    store = forms.ModelChoiceField(
        queryset=Store.objects.filter(is_active=True), label=_("Store"), required=False,
        help_text=_("Leave empty for the default store."),
    )  # fmt: skip

    def __init__(self, *args, user, school_id, **kwargs):
        super().__init__(*args, **kwargs)
        departments = departments_for(user, school_id)
        self.fields["department"].queryset = departments
        if departments.count() == 1 and not self.is_bound:
            self.initial.setdefault("department", departments.first().pk)
        self.fields["store"].queryset = scope_choices(self.fields["store"].queryset, user, school_id)
        style_form(self)


class LineForm(forms.Form):
    item = forms.ModelChoiceField(
        queryset=Item.objects.none(),
        label=_("Item"),
        required=False,
        widget=forms.Select(attrs={"data-tom-select": ""}),
    )
    quantity = forms.DecimalField(
        label=_("Quantity"), required=False, min_value=0, max_digits=14, decimal_places=3,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
    )  # fmt: skip
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args, items=None, **kwargs):
        super().__init__(*args, **kwargs)
        if items is not None:
            self.fields["item"].queryset = items
        style_form(self)

    def clean(self):
        data = super().clean()
        if data.get("item") and not data.get("quantity"):
            self.add_error("quantity", _("How many?"))
        if data.get("quantity") and not data.get("item"):
            self.add_error("item", _("Choose the item."))
        return data


class BaseLineFormSet(forms.BaseFormSet):
    def __init__(self, *args, items=None, **kwargs):
        self.items = items
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "items": self.items}

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id, prefix=self.add_prefix("__prefix__"), empty_permitted=True,
            use_required_attribute=False, items=self.items,
        )  # fmt: skip
        self.add_fields(form, None)
        return form

    def lines(self) -> list[reqs.LineInput]:
        return [
            reqs.LineInput(form.cleaned_data["item"], form.cleaned_data["quantity"],
                           form.cleaned_data.get("note", ""))  # fmt: skip
            for form in self.forms
            if form.cleaned_data.get("item") and form.cleaned_data.get("quantity")
        ]


LineFormSet = forms.formset_factory(LineForm, formset=BaseLineFormSet, extra=EXTRA_LINES)


def items_for(user, school_id):
    return scope_choices(
        Item.objects.filter(is_active=True).order_by("code"), user, school_id
    ).only("pk", "code", "name", "specification", "unit")


class IssueForm(forms.Form):
    """One quantity field per line still to issue, prefilled with what is left (capped at what
    is on hand, shown next to it)."""

    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args, lines, on_hand: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for line in lines:
            if line.outstanding <= 0:
                continue
            name = f"q-{line.pk}"
            have = on_hand.get(line.item_id)
            initial = min(line.outstanding, have) if have is not None else line.outstanding
            self.fields[name] = forms.DecimalField(
                label=str(line.item), required=False, min_value=0, max_digits=14,
                decimal_places=3, initial=initial if initial > 0 else None,
                widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
            )  # fmt: skip
            self.rows.append({"line": line, "field": name, "on_hand": have})
        style_form(self)

    def bound_rows(self):
        return [{**row, "bound": self[row["field"]]} for row in self.rows]

    def quantities(self) -> dict:
        return {
            name[2:]: value
            for name, value in self.cleaned_data.items()
            if name.startswith("q-") and value
        }


class QuotaForm(TenantModelForm):
    class Meta:
        model = RequisitionQuota
        fields = ["department", "term", "item", "category", "quantity", "note"]
        widgets = {"item": forms.Select(attrs={"data-tom-select": ""})}


# ---------------------------------------------------------------- tables


class RequisitionTable(BaseTable):
    number = tables.Column(linkify=("stores:requisition_detail", [tables.A("pk")]))
    purpose = tables.Column(orderable=False)
    department = tables.Column(order_by=("department__name", "pk"))
    requested_by = tables.Column(orderable=False)
    status = tables.Column()
    submitted_at = tables.DateTimeColumn(format="Y-m-d H:i")
    needed_by = tables.DateColumn(format="Y-m-d")
    issued_at = tables.DateTimeColumn(format="Y-m-d H:i", visible=False)
    received_at = tables.DateTimeColumn(format="Y-m-d H:i", visible=False)

    class Meta(BaseTable.Meta):
        model = Requisition
        fields = (
            "number",
            "purpose",
            "department",
            "requested_by",
            "status",
            "submitted_at",
            "needed_by",
            "issued_at",
            "received_at",
        )


class QueueTable(RequisitionTable):
    """The keeper's "to issue" list: what is left on each requisition."""

    outstanding = tables.Column(
        verbose_name=_("To issue"), orderable=False, empty_values=(), accessor="pk"
    )
    issue = tables.TemplateColumn(
        template_code=(
            '{% load i18n %}<a class="btn btn-sm btn-primary" '
            'href="{% url "stores:requisition_issue" record.pk %}">{% translate "Issue" %}</a>'
        ),
        verbose_name="",
        orderable=False,
        exclude_from_export=True,
    )

    class Meta(RequisitionTable.Meta):
        sequence = ("number", "department", "requested_by", "outstanding", "status", "...")
        exclude = ("purpose",)

    def render_outstanding(self, record):
        return self.value_outstanding(record)

    def value_outstanding(self, record, **kwargs):
        return "; ".join(
            f"{line.item} × {reqs._plain(line.outstanding)} {line.item.unit}"
            for line in record.lines.all()
            if line.outstanding > 0
        )


class QuotaTable(BaseTable):
    department = tables.Column(order_by=("department__name", "pk"))
    term = tables.Column(order_by=("term__start_date", "pk"))
    item = tables.Column(order_by=("item__code", "pk"))
    category = tables.Column(order_by=("category__name", "pk"))
    quantity = tables.Column(attrs={"td": {"class": "text-end"}})
    used = tables.Column(
        verbose_name=_("Drawn or approved this term"), orderable=False,
        attrs={"td": {"class": "text-end"}},
    )  # fmt: skip
    left = tables.Column(
        verbose_name=_("Left"), orderable=False, empty_values=(), accessor="pk",
        attrs={"td": {"class": "text-end"}},
    )  # fmt: skip
    note = tables.Column(orderable=False)
    actions = tables.TemplateColumn(
        template_code=(
            '{% load i18n %}<a class="btn btn-sm btn-ghost-secondary" '
            'href="{% url "stores:quota_edit" record.pk %}">{% translate "Edit" %}</a>'
        ),
        verbose_name="",
        orderable=False,
        exclude_from_export=True,
    )

    class Meta(BaseTable.Meta):
        model = RequisitionQuota
        fields = ("department", "term", "item", "category", "quantity", "used", "left", "note")

    def render_used(self, value):
        return reqs._plain(value)

    def value_used(self, value):
        return value

    def render_left(self, record):
        return reqs._plain(self.value_left(record))

    def value_left(self, record):
        return max(record.quantity - record.used, 0)
