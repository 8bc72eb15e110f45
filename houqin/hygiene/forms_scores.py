"""Forms, filters and tables of hygiene scoring (areas, items, settings, sheets)."""

from __future__ import annotations

from decimal import Decimal

import django_filters
import django_tables2 as tables
from django import forms
from django.utils.translation import gettext_lazy as _

from houqin.core.filters import TenantFilterSet
from houqin.core.tables import BaseTable
from houqin.core.views.generic import TenantModelForm, style_form
from houqin.org.models import GRADE_NAMES, Company, SchoolClass, Term

from .models.scores import (
    AreaKind,
    HygieneArea,
    HygieneSettings,
    InspectorKind,
    ScoreItem,
    ScoreSheet,
)

# ---------------------------------------------------------------- areas


class HygieneAreaForm(TenantModelForm):
    choice_select_related = {"room": ("floor__building",), "term": ()}

    class Meta:
        model = HygieneArea
        fields = ["term", "name", "kind", "room", "school_class", "company", "note"]


class HygieneAreaFilterSet(TenantFilterSet):
    search_fields = ("name", "note")
    term = django_filters.ModelChoiceFilter(queryset=Term.objects.all(), label=_("Term"))
    kind = django_filters.ChoiceFilter(choices=AreaKind.choices, label=_("Kind"))
    school_class = django_filters.ModelChoiceFilter(
        queryset=SchoolClass.objects.all(), label=_("Class")
    )
    company = django_filters.ModelChoiceFilter(
        queryset=Company.objects.all(), label=_("Contractor")
    )

    class Meta:
        model = HygieneArea
        fields = ["q", "term", "kind", "school_class", "company"]


class HygieneAreaTable(BaseTable):
    name = tables.Column(linkify=("hygiene:area_detail", [tables.A("pk")]))
    term = tables.Column(order_by=("term__start_date", "pk"))
    kind = tables.Column()
    room = tables.Column(verbose_name=_("Place"), orderable=False)
    school_class = tables.Column(order_by=("school_class__grade", "school_class__number"))
    class_teacher = tables.Column(
        accessor="school_class__class_teacher", verbose_name=_("Class teacher"), orderable=False
    )
    company = tables.Column(order_by=("company__name",))
    note = tables.Column(orderable=False)

    class Meta(BaseTable.Meta):
        model = HygieneArea
        fields = (
            "name",
            "term",
            "kind",
            "room",
            "school_class",
            "class_teacher",
            "company",
            "note",
        )


# ---------------------------------------------------------------- items and settings


class ScoreItemForm(TenantModelForm):
    class Meta:
        model = ScoreItem
        fields = ["name", "full_marks", "order", "hint", "is_active"]


class ScoreItemTable(BaseTable):
    name = tables.Column(linkify=("hygiene:item_edit", [tables.A("pk")]))
    full_marks = tables.Column(attrs={"td": {"class": "text-end"}})
    order = tables.Column()
    hint = tables.Column(orderable=False)
    is_active = tables.BooleanColumn()

    class Meta(BaseTable.Meta):
        model = ScoreItem
        fields = ("order", "name", "full_marks", "hint", "is_active")


class HygieneSettingsForm(forms.ModelForm):
    class Meta:
        model = HygieneSettings
        fields = [
            "slot_mode",
            "base_score",
            "weighted",
            "teacher_weight",
            "student_weight",
            "praise_top",
            "criticise_below",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)

    def clean(self):
        data = super().clean()
        if data.get("weighted") and not (data.get("teacher_weight") or data.get("student_weight")):
            raise forms.ValidationError(_("Give at least one inspector kind a weight above zero."))
        for name in ("teacher_weight", "student_weight"):
            if data.get(name) is not None and data[name] < 0:
                self.add_error(name, _("A weight cannot be negative."))
        return data


# ---------------------------------------------------------------- sheets


class ScoreSheetFilterSet(TenantFilterSet):
    search_fields = ("note", "deductions__reason")
    term = django_filters.ModelChoiceFilter(queryset=Term.objects.all(), label=_("Term"))
    grade = django_filters.ChoiceFilter(
        field_name="school_class__grade", choices=sorted(GRADE_NAMES.items()), label=_("Grade")
    )
    school_class = django_filters.ModelChoiceFilter(
        queryset=SchoolClass.objects.all(), label=_("Class")
    )
    inspected_on = django_filters.DateFromToRangeFilter(
        label=_("Date"), widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"})
    )
    inspector_kind = django_filters.ChoiceFilter(
        choices=InspectorKind.choices, label=_("Inspector kind")
    )

    class Meta:
        model = ScoreSheet
        fields = ["q", "term", "grade", "school_class", "inspected_on", "inspector_kind"]

    def search(self, queryset, name, value):
        return super().search(queryset, name, value).distinct()


class ScoreSheetTable(BaseTable):
    inspected_on = tables.DateColumn(
        format="Y-m-d", linkify=("hygiene:sheet_detail", [tables.A("pk")])
    )
    school_class = tables.Column(order_by=("school_class__grade", "school_class__number"))
    inspector = tables.Column(order_by=("inspector__full_name",))
    inspector_kind = tables.Column()
    deducted = tables.Column(attrs={"td": {"class": "text-end"}})
    bonus = tables.Column(attrs={"td": {"class": "text-end"}})
    total = tables.Column(attrs={"td": {"class": "text-end fw-bold"}})
    note = tables.Column(orderable=False)

    class Meta(BaseTable.Meta):
        model = ScoreSheet
        fields = (
            "inspected_on",
            "school_class",
            "inspector",
            "inspector_kind",
            "deducted",
            "bonus",
            "total",
            "note",
        )


class InspectStartForm(forms.Form):
    grade = forms.TypedChoiceField(label=_("Grade"), coerce=int, choices=())
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, grades=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grade"].choices = [(g, GRADE_NAMES.get(g, g)) for g in grades]
        style_form(self)


# The deduction buttons on the phone: 0 plus half-point steps up to 2, then whole points.
def deduction_steps(full_marks: Decimal) -> list[Decimal]:
    steps = [Decimal("0"), Decimal("0.5"), Decimal("1"), Decimal("1.5"), Decimal("2")]
    whole = Decimal("3")
    while whole <= full_marks:
        steps.append(whole)
        whole += 1
    return [s for s in steps if s <= full_marks]
