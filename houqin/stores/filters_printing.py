"""Which print jobs a person may list or open, the one FilterSet (pages, API, exports) and the
tables of the print shop's lists.

A list shows confidential jobs of others masked ("Confidential job", no title): the querysets
here carry a ``shown`` annotation saying, per row, whether its title may be shown, and the
search never matches the title of a row that is not shown.
"""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django.apps import apps
from django.db.models import BooleanField, ExpressionWrapper, Q, Value
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from houqin.core.filters import TenantFilterSet, YesNoFilter
from houqin.core.scoping import access_for
from houqin.core.tables import BaseTable, BooleanColumn

from .models import PaperSize
from .models.printing import (
    ALL_PERM,
    PrintJob,
    PrintJobStatus,
    PrintQuota,
    PrintSides,
)

RELATED = ("department", "requester")
NUMBER = {"td": {"class": "text-end"}, "th": {"class": "text-end"}}


def _org(name):
    return apps.get_model("org", name)


# ---------------------------------------------------------------- who sees which job


def _shown(access):
    """Per row: may this person read the title (and open the job)?"""
    if access.has_perm(ALL_PERM):
        return Value(True, output_field=BooleanField())
    user_id = getattr(access.user, "pk", None)
    return ExpressionWrapper(
        Q(is_confidential=False) | Q(requester_id=user_id), output_field=BooleanField()
    )


def jobs_listed_for(user, school=None):
    """Jobs a list may show ``user`` (their own; their departments' if they head one; all for
    the print room and the logistics office), with ``shown`` per row."""
    access = access_for(user, school)
    if not access.is_member:
        return PrintJob.objects.none()
    return (
        PrintJob.objects.filter(school_id=access.school_id)
        .filter(PrintJob.listed_q(access))
        .annotate(shown=_shown(access))
        .select_related(*RELATED)
    )


def jobs_viewable_by(user, school=None):
    """Jobs ``user`` may open (a confidential job: the print room and the requester only)."""
    access = access_for(user, school)
    return (
        PrintJob.objects.restrict(user, "view", school=school)
        .annotate(shown=_shown(access) if access.is_member else Value(False))
        .select_related(*RELATED)
    )


def my_jobs(user, school=None):
    access = access_for(user, school)
    if not access.is_member:
        return PrintJob.objects.none()
    return (
        PrintJob.objects.filter(school_id=access.school_id, requester_id=user.pk)
        .annotate(shown=Value(True, output_field=BooleanField()))
        .select_related(*RELATED)
    )


# ---------------------------------------------------------------- filters


class PrintJobFilterSet(TenantFilterSet):
    search_fields = ("number",)

    status = django_filters.MultipleChoiceFilter(
        choices=PrintJobStatus.choices, label=_("Status"), distinct=False
    )
    department = django_filters.ModelChoiceFilter(
        queryset=lambda request: _org("Department").objects.all(), label=_("Department")
    )
    term = django_filters.ModelChoiceFilter(
        queryset=lambda request: _org("Term").objects.all(), label=_("Term")
    )
    paper_size = django_filters.ChoiceFilter(choices=PaperSize.choices, label=_("Paper size"))
    sides = django_filters.ChoiceFilter(choices=PrintSides.choices, label=_("Sides"))
    colour = YesNoFilter(label=_("Colour"))
    is_confidential = YesNoFilter(label=_("Confidential"))
    is_outside = YesNoFilter(label=_("Outside job"))
    # ?needed_after=YYYY-MM-DD&needed_before=YYYY-MM-DD
    needed = django_filters.DateFromToRangeFilter(
        field_name="needed_by__date", label=_("Needed between")
    )

    class Meta:
        model = PrintJob
        fields = [
            "q",
            "status",
            "department",
            "term",
            "paper_size",
            "sides",
            "colour",
            "is_confidential",
            "is_outside",
            "needed",
        ]

    def search(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        query = Q(number__icontains=value)
        # A confidential title is searched only by those who may read it.
        if "shown" in queryset.query.annotations:
            query |= Q(title__icontains=value, shown=True)
        return queryset.filter(query)


class PrintQuotaFilterSet(TenantFilterSet):
    department = django_filters.ModelChoiceFilter(
        queryset=lambda request: _org("Department").objects.all(), label=_("Department")
    )
    term = django_filters.ModelChoiceFilter(
        queryset=lambda request: _org("Term").objects.all(), label=_("Term")
    )

    class Meta:
        model = PrintQuota
        fields = ["department", "term"]


# ---------------------------------------------------------------- tables


def _masked(record) -> bool:
    return not getattr(record, "shown", False)


class PrintJobTable(BaseTable):
    number = tables.Column(order_by=("number", "pk"))
    title = tables.Column(orderable=False)
    department = tables.Column(order_by=("department__name", "pk"))
    requester = tables.Column(orderable=False)
    pages = tables.Column(attrs=NUMBER, orderable=False)
    copies = tables.Column(attrs=NUMBER, orderable=False)
    printed_pages = tables.Column(
        verbose_name=_("printed pages"), empty_values=(), orderable=False, attrs=NUMBER
    )
    sides = tables.Column(orderable=False)
    paper_size = tables.Column(orderable=False)
    colour = BooleanColumn(orderable=False)
    needed_by = tables.DateTimeColumn(format="Y-m-d H:i", order_by=("needed_by", "pk"))
    status = tables.Column(order_by=("status", "needed_by", "pk"))
    sheets_used = tables.Column(attrs=NUMBER, orderable=False)
    # Export only.
    is_confidential = BooleanColumn(visible=False)
    is_outside = BooleanColumn(visible=False)
    submitted_at = tables.DateTimeColumn(format="Y-m-d H:i", visible=False)
    done_at = tables.DateTimeColumn(format="Y-m-d H:i", visible=False)
    collected_at = tables.DateTimeColumn(format="Y-m-d H:i", visible=False)

    class Meta(BaseTable.Meta):
        model = PrintJob
        fields = (
            "number",
            "title",
            "department",
            "requester",
            "pages",
            "copies",
            "printed_pages",
            "sides",
            "paper_size",
            "colour",
            "needed_by",
            "status",
            "sheets_used",
            "is_confidential",
            "is_outside",
            "submitted_at",
            "done_at",
            "collected_at",
        )
        order_by = ("-created_at",)

    def render_number(self, value, record):
        if _masked(record):
            return value  # a confidential job of someone else: no link to a page they cannot open
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), value)

    def render_title(self, value, record):
        if _masked(record):
            return format_html(
                '<span class="badge bg-red-lt"><i class="ti ti-lock" aria-hidden="true"></i> {}'
                "</span>",
                _("Confidential job"),
            )
        if record.is_confidential:
            return format_html(
                '{} <span class="badge bg-red-lt" title="{}"><i class="ti ti-lock" '
                'aria-hidden="true"></i></span>',
                value,
                _("Confidential"),
            )
        return value

    def value_title(self, value, record):
        return str(_("Confidential job")) if _masked(record) else value

    def render_printed_pages(self, record):
        return record.printed_pages

    def value_printed_pages(self, record):
        return record.printed_pages


def _queue_row_class(record) -> str:
    """Late jobs stand out in the print room's queue."""
    if record.status != PrintJobStatus.DONE and record.needed_by < timezone.now():
        return "table-danger"
    return ""


class PrintQueueTable(PrintJobTable):
    class Meta(PrintJobTable.Meta):
        order_by = ("needed_by",)
        row_attrs = {"class": _queue_row_class}


class PrintQuotaTable(BaseTable):
    department = tables.Column(order_by=("department__name", "pk"))
    term = tables.Column(order_by=("term__start_date", "pk"))
    pages = tables.Column(attrs=NUMBER)
    used = tables.Column(verbose_name=_("used"), attrs=NUMBER, orderable=False)
    left = tables.Column(verbose_name=_("left"), empty_values=(), attrs=NUMBER, orderable=False)
    note = tables.Column(orderable=False)
    actions = tables.TemplateColumn(
        template_code=(
            '{% load i18n %}<a class="btn btn-sm btn-ghost-secondary" '
            'href="{% url "stores:printquota_edit" record.pk %}">{% translate "Edit" %}</a>'
        ),
        verbose_name="",
        orderable=False,
        exclude_from_export=True,
        attrs={"td": {"class": "text-end"}},
    )

    class Meta(BaseTable.Meta):
        model = PrintQuota
        fields = ("department", "term", "pages", "used", "left", "note", "actions")
        order_by = ("-term",)

    def render_left(self, record):
        return max(0, record.pages - (record.used or 0))

    def value_left(self, record):
        return max(0, record.pages - (record.used or 0))
