"""Lists of regulations, plans and drills: the querysets (annotated, so a page of rows costs a
fixed number of queries), the one FilterSet per list (pages, API, exports) and the tables."""

from __future__ import annotations

from datetime import timedelta

import django_filters
import django_tables2 as tables
from django.apps import apps
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from houqin.core.filters import TenantFilterSet, YesNoFilter
from houqin.core.tables import BaseTable, BooleanColumn

from .models.documents import (
    DocumentAcknowledgement,
    Drill,
    DrillKind,
    DrillStatus,
    SafetyDocument,
    SafetyDocumentKind,
    SafetyDocumentVersion,
)

NUMBER = {"td": {"class": "text-end"}, "th": {"class": "text-end"}}


def documents_annotated(queryset=None):
    """Documents with their current version's label, dates and read count (subqueries)."""
    queryset = SafetyDocument.objects.all() if queryset is None else queryset
    current = SafetyDocumentVersion.objects.filter(document_id=OuterRef("pk"), is_current=True)
    reads = (
        DocumentAcknowledgement.objects.filter(
            version__document_id=OuterRef("pk"), version__is_current=True
        )
        .order_by()
        .values("version__document_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.select_related("owner", "department").annotate(
        current_id=Subquery(current.values("pk")[:1]),
        current_label=Subquery(current.values("label")[:1]),
        current_effective=Subquery(current.values("effective_date")[:1]),
        current_review=Subquery(current.values("review_by")[:1]),
        read_count=Coalesce(Subquery(reads, output_field=IntegerField()), 0),
    )


def drills_annotated(queryset=None):
    queryset = Drill.objects.all() if queryset is None else queryset
    return (
        queryset.select_related("organiser", "plan")
        .annotate(
            finding_count=Count("findings", distinct=True),
            hazard_count=Count("findings", filter=Q(findings__hazard__isnull=False), distinct=True),
        )
        .order_by("-planned_date", "-pk")
    )  # GROUP BY drops the model's default ordering


class ReviewChoice:
    OVERDUE = "overdue"
    SOON = "soon"
    NONE = "none"
    CHOICES = (
        (OVERDUE, _("Review overdue")),
        (SOON, _("Review within 30 days")),
        (NONE, _("No version yet")),
    )


class SafetyDocumentFilterSet(TenantFilterSet):
    search_fields = ("title",)

    kind = django_filters.ChoiceFilter(choices=SafetyDocumentKind.choices, label=_("Kind"))
    is_active = YesNoFilter(label=_("In force"))
    review = django_filters.ChoiceFilter(
        choices=ReviewChoice.CHOICES, method="filter_review", label=_("Review")
    )
    owner = django_filters.ModelChoiceFilter(
        queryset=lambda request: apps.get_model("org", "User").objects.all(), label=_("Owner")
    )
    department = django_filters.ModelChoiceFilter(
        queryset=lambda request: apps.get_model("org", "Department").objects.all(),
        label=_("Department"),
    )

    class Meta:
        model = SafetyDocument
        fields = ["q", "kind", "is_active", "review", "owner", "department"]

    def filter_review(self, queryset, name, value):
        today = timezone.localdate()
        current = SafetyDocumentVersion.objects.filter(is_current=True)
        if value == ReviewChoice.OVERDUE:
            ids = current.filter(review_by__lt=today)
        elif value == ReviewChoice.SOON:
            ids = current.filter(review_by__gte=today, review_by__lte=today + timedelta(days=30))
        elif value == ReviewChoice.NONE:
            return queryset.exclude(pk__in=current.values("document_id"))
        else:
            return queryset
        return queryset.filter(pk__in=ids.values("document_id"))


@extend_schema_field(OpenApiTypes.INT)
class TermFilter(django_filters.ModelChoiceFilter):
    """A term by id (drills belong to the term they took place in)."""


class DrillFilterSet(TenantFilterSet):
    search_fields = ("title", "notes")

    kind = django_filters.ChoiceFilter(choices=DrillKind.choices, label=_("Kind"))
    status = django_filters.ChoiceFilter(choices=DrillStatus.choices, label=_("Status"))
    term = TermFilter(
        queryset=lambda request: apps.get_model("org", "Term").objects.all(),
        method="filter_term",
        label=_("Term"),
    )
    slow = YesNoFilter(field_name="is_slow", label=_("Slower than the target"))
    day = django_filters.DateFromToRangeFilter(
        field_name="planned_date", label=_("Planned between")
    )

    class Meta:
        model = Drill
        fields = ["q", "kind", "status", "term", "slow", "day"]

    def filter_term(self, queryset, name, term):
        if term is None:
            return queryset
        # A drill belongs to the term it took place in (or is planned in).
        return queryset.filter(
            Q(done_date__range=(term.start_date, term.end_date))
            | Q(done_date__isnull=True, planned_date__range=(term.start_date, term.end_date))
        )


class SafetyDocumentTable(BaseTable):
    title = tables.Column(
        linkify=lambda record: record.get_absolute_url(), order_by=("title", "pk")
    )
    kind = tables.Column(order_by=("kind", "title"))
    owner = tables.Column(orderable=False)
    department = tables.Column(orderable=False)
    current_label = tables.Column(verbose_name=_("current version"), orderable=False)
    current_effective = tables.DateColumn(
        verbose_name=_("effective date"), format="Y-m-d", orderable=False
    )
    current_review = tables.DateColumn(
        verbose_name=_("review by"), format="Y-m-d", order_by=("current_review", "pk")
    )
    read_count = tables.Column(verbose_name=_("read by"), attrs=NUMBER, orderable=False)
    is_active = BooleanColumn()

    class Meta(BaseTable.Meta):
        model = SafetyDocument
        fields = (
            "title", "kind", "owner", "department", "current_label", "current_effective",
            "current_review", "read_count", "is_active",
        )  # fmt: skip
        order_by = ("kind", "title")

    def render_current_review(self, value, record):
        if value and value < timezone.localdate():
            return format_html(
                '<span class="badge bg-red-lt">{} · {}</span>', value.isoformat(), _("overdue")
            )
        return value.isoformat() if value else "—"


class DrillTable(BaseTable):
    day = tables.DateColumn(
        verbose_name=_("date"), format="Y-m-d", accessor="planned_date",
        linkify=lambda record: record.get_absolute_url(), order_by=("planned_date", "pk"),
    )  # fmt: skip
    title = tables.Column(orderable=False)
    kind = tables.Column(orderable=False)
    status = tables.Column(order_by=("status", "planned_date"))
    done_date = tables.DateColumn(format="Y-m-d", order_by=("done_date", "pk"))
    participants = tables.Column(attrs=NUMBER, orderable=False)
    evacuation_seconds = tables.Column(attrs=NUMBER, orderable=False)
    is_slow = BooleanColumn(orderable=False)
    organiser = tables.Column(orderable=False)
    finding_count = tables.Column(verbose_name=_("findings"), attrs=NUMBER, orderable=False)
    hazard_count = tables.Column(verbose_name=_("hazards raised"), attrs=NUMBER, orderable=False)
    plan = tables.Column(orderable=False, visible=False)
    notes = tables.Column(orderable=False, visible=False)

    class Meta(BaseTable.Meta):
        model = Drill
        fields = (
            "day", "title", "kind", "status", "done_date", "participants", "evacuation_seconds",
            "is_slow", "organiser", "finding_count", "hazard_count", "plan", "notes",
        )  # fmt: skip
        order_by = ("-day",)
        row_attrs = {"class": lambda record: "table-warning" if record.is_slow else ""}

    def render_evacuation_seconds(self, value, record):
        if record.is_slow:
            return format_html(
                '<span class="badge bg-orange-lt" title="{}">{} s</span>',
                _("Slower than the target of %(target)s s") % {"target": record.target_seconds},
                value,
            )
        return f"{value} s"
