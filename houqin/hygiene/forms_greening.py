"""Forms, filters and tables of greening (plots, plants, care tasks)."""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from houqin.core.filters import TenantFilterSet, YesNoFilter
from houqin.core.tables import BaseTable
from houqin.core.views.generic import TenantModelForm, style_form
from houqin.org.models import Company

from .models.greening import OPEN_CARE, CareKind, CareStatus, CareTask, GreenPlot, Plant


class GreenPlotForm(TenantModelForm):
    choice_select_related = {"room": ("floor__building",)}

    class Meta:
        model = GreenPlot
        fields = ["name", "room", "location", "size_m2", "company", "note", "is_active"]


class GreenPlotFilterSet(TenantFilterSet):
    search_fields = ("name", "location", "note", "plants__species")
    company = django_filters.ModelChoiceFilter(
        queryset=Company.objects.all(), label=_("Contractor")
    )

    class Meta:
        model = GreenPlot
        fields = ["q", "company"]

    def search(self, queryset, name, value):
        return super().search(queryset, name, value).distinct()


class GreenPlotTable(BaseTable):
    name = tables.Column(linkify=("hygiene:plot_detail", [tables.A("pk")]))
    room = tables.Column(verbose_name=_("Place"), orderable=False)
    location = tables.Column(orderable=False)
    size_m2 = tables.Column(attrs={"td": {"class": "text-end"}})
    company = tables.Column(order_by=("company__name",))
    plant_count = tables.Column(verbose_name=_("Plants"), attrs={"td": {"class": "text-end"}})
    is_active = tables.BooleanColumn()

    class Meta(BaseTable.Meta):
        model = GreenPlot
        fields = ("name", "room", "location", "size_m2", "company", "plant_count", "is_active")


class PlantForm(TenantModelForm):
    class Meta:
        model = Plant
        fields = ["plot", "species", "count", "planted_on", "note"]
        widgets = {"planted_on": forms.DateInput(attrs={"type": "date"})}


class PlantFilterSet(TenantFilterSet):
    search_fields = ("species", "note")
    plot = django_filters.ModelChoiceFilter(queryset=GreenPlot.objects.all(), label=_("Plot"))

    class Meta:
        model = Plant
        fields = ["q", "plot"]


class PlantTable(BaseTable):
    species = tables.Column(linkify=("hygiene:plant_edit", [tables.A("pk")]))
    plot = tables.Column(
        order_by=("plot__name",), linkify=("hygiene:plot_detail", [tables.A("plot_id")])
    )
    count = tables.Column(attrs={"td": {"class": "text-end"}})
    planted_on = tables.DateColumn(format="Y-m-d")
    note = tables.Column(orderable=False)

    class Meta(BaseTable.Meta):
        model = Plant
        fields = ("species", "plot", "count", "planted_on", "note")


class PlanTasksForm(forms.Form):
    plot = forms.ModelChoiceField(label=_("Plot"), queryset=GreenPlot.objects.none())
    kind = forms.ChoiceField(label=_("Care"), choices=CareKind.choices)
    first = forms.DateField(label=_("First date"), widget=forms.DateInput(attrs={"type": "date"}))
    every_days = forms.IntegerField(
        label=_("Repeat every (days)"),
        required=False,
        min_value=1,
        max_value=365,
        help_text=_("Leave empty for a single task."),
    )
    until = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("Instructions"), required=False, max_length=200)

    def __init__(self, *args, plots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plot"].queryset = plots
        style_form(self)


class CareTaskFilterSet(TenantFilterSet):
    search_fields = ("plot__name", "note", "done_note", "check_note")
    status = django_filters.ChoiceFilter(choices=CareStatus.choices, label=_("Status"))
    kind = django_filters.ChoiceFilter(choices=CareKind.choices, label=_("Care"))
    plot = django_filters.ModelChoiceFilter(queryset=GreenPlot.objects.all(), label=_("Plot"))
    due_on = django_filters.DateFromToRangeFilter(
        label=_("Due"), widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"})
    )
    overdue = YesNoFilter(method="filter_overdue", label=_("Overdue"))

    class Meta:
        model = CareTask
        fields = ["q", "status", "kind", "plot", "due_on", "overdue"]

    def filter_overdue(self, queryset, name, value):
        today = timezone.localdate()
        late = {"status__in": OPEN_CARE, "due_on__lt": today}
        if value is True:
            return queryset.filter(**late)
        if value is False:
            return queryset.exclude(**late)
        return queryset


class CareTaskTable(BaseTable):
    due_on = tables.DateColumn(format="Y-m-d", linkify=("hygiene:task_detail", [tables.A("pk")]))
    kind = tables.Column()
    plot = tables.Column(order_by=("plot__name",))
    company = tables.Column(order_by=("company__name",))
    status = tables.TemplateColumn(
        "{% load i18n %}{{ record.get_status_display }}"
        '{% if record.overdue %} <span class="badge bg-red-lt">{% translate "Overdue" %}</span>{% endif %}',
        order_by=("status",),
    )
    done_at = tables.DateTimeColumn(format="Y-m-d H:i")
    done_by = tables.Column(orderable=False)
    checked_by = tables.Column(orderable=False)
    check_note = tables.Column(orderable=False)

    class Meta(BaseTable.Meta):
        model = CareTask
        fields = (
            "due_on",
            "kind",
            "plot",
            "company",
            "status",
            "done_at",
            "done_by",
            "checked_by",
            "check_note",
        )

    def value_status(self, record, value):
        return record.get_status_display()
