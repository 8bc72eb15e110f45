"""The work-order list's filters, shared by the page, its export and the API.

Every filter is written so PostgreSQL can answer it from an index with 500,000 orders (see
docs/performance.md): the date range compares ``created_at`` itself (never its date), and the
free-text search matches the indexes of migration 0004_list_performance (and the planner
settings of 0007_search_planner).
"""

from __future__ import annotations

import django_filters
from django.contrib.auth import get_user_model
from django.db import connections
from django.db.models import BooleanField, Case, F, Func, Q, Subquery, TextField, Value, When
from django.db.models.lookups import IContains
from django.utils.translation import gettext_lazy as _

from houqin.core.filters import (  # noqa: F401  (PlainSelect: other apps imported it from here)
    PlainSelect,
    TenantFilterSet,
    YesNoFilter,
)
from houqin.core.filters import name_label as _name_label  # noqa: F401
from houqin.core.filters import room_label as _room_label  # noqa: F401
from houqin.core.filters import user_label as _user_label  # noqa: F401

from .models import OPEN_STATUSES, RepairCategory, Status, Urgency, WorkOrder
from .sla import overdue_q


class WorkOrderFilterSet(TenantFilterSet):
    search_fields = ("number", "title", "description")
    choice_select_related = {"room": ("floor__building",), "building": ("campus",)}

    # distinct=False: no join to repeat rows, and SELECT DISTINCT would make PostgreSQL read
    # every matching order (hundreds of thousands for "closed") to dedupe one page.
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices, label=_("Status"), distinct=False
    )
    open_only = YesNoFilter(method="filter_open", label=_("Open only"))
    category = django_filters.ModelChoiceFilter(
        queryset=RepairCategory.objects.all(),
        label=_("Category"),
        widget=PlainSelect(values=("name",), label=_name_label),
    )
    overdue = YesNoFilter(method="filter_overdue", label=_("Overdue"))
    urgency = django_filters.ChoiceFilter(choices=Urgency.choices, label=_("Urgency"))
    building = django_filters.ModelChoiceFilter(
        queryset=lambda request: _building_model().objects.all(),
        field_name="room__floor__building",
        label=_("Building"),
        widget=PlainSelect(values=("name",), label=_name_label),
    )
    room = django_filters.ModelChoiceFilter(
        queryset=lambda request: _room_model().objects.all(),
        label=_("Place"),
        widget=PlainSelect(
            values=("number", "name", "floor_id", "floor__building__name"), label=_room_label
        ),
    )
    assignee = django_filters.ModelChoiceFilter(
        queryset=lambda request: get_user_model().objects.all(),
        label=_("Assignee"),
        widget=PlainSelect(values=("full_name", "username"), label=_user_label),
    )
    # The form's dates become the first and last moment of those days in the current time
    # zone (django-filter's DateRangeField), compared with created_at so its index is used.
    created = django_filters.DateFromToRangeFilter(
        field_name="created_at", label=_("Reported between")
    )

    class Meta:
        model = WorkOrder
        fields = [
            "q",
            "status",
            "open_only",
            "overdue",
            "category",
            "urgency",
            "building",
            "room",
            "assignee",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A place's label needs its number, name and building's name, not all three rows.
        rooms = self.filters["room"]
        rooms.queryset = rooms.queryset.only(
            "number", "name", "floor__building__name", "floor__building__campus_id"
        )

    def search(self, queryset, name, value):
        """Number, title or description contains the text (any case).

        On PostgreSQL a text of one or two characters (most Chinese words) has no trigram for
        the trigram indexes of ``icontains``: it is looked up in the ``wo_search_grams`` index
        (titles and descriptions; an order number is never that short), in the shape that
        suits how common it is (``search_short_text``).
        """
        value = (value or "").strip()
        if len(value) <= 2 and value and connections[queryset.db].vendor == "postgresql":
            common = short_text_share(value, queryset.db) > COMMON_SHARE
            return queryset.filter(search_short_text(value, common=common))
        return super().search(queryset, name, value)

    def filter_open(self, queryset, name, value):
        if value is True:
            return queryset.filter(status__in=OPEN_STATUSES)
        if value is False:
            return queryset.exclude(status__in=OPEN_STATUSES)
        return queryset

    def filter_overdue(self, queryset, name, value):
        # On the stored dues, so the database does the work (see sla.overdue_q).
        if value is True:
            return queryset.filter(overdue_q())
        if value is False:
            return queryset.exclude(overdue_q())
        return queryset


# A text of one or two characters is "common" when PostgreSQL's statistics say that more than
# this share of the orders contain it: a page of 50 is then found within the first ~5,000
# orders of any sort, while reading every match from the index would cost more.
COMMON_SHARE = 0.01


def short_text_share(text: str, using: str) -> float:
    """PostgreSQL: the planner's estimate of the share of orders whose title or description
    contains ``text`` (SQL function ``maintenance_grams_share``, migration 0007: an EXPLAIN of
    the ``wo_search_grams`` expression, no row read). Absent and rare texts get the planner's
    floor for them, at most 0.5 %."""
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT maintenance_grams_share(%s)", [text])
        return cursor.fetchone()[0] or 0.0


def _grams_contain(text: str) -> Func:
    """The set of the characters and character pairs of UPPER(title || ' ' || description)
    contains ``text``: the expression of the ``wo_search_grams`` index (migration 0004), so
    the planner matches it to that index. One element on the right, so its estimate comes from
    that element's statistics."""
    return Func(
        Func(
            F("title"),
            F("description"),
            template="maintenance_grams(UPPER(%(expressions)s))",
            arg_joiner=" || ' ' || ",
            output_field=TextField(),
        ),
        Func(Value(text), template="ARRAY[UPPER(%(expressions)s)]", output_field=TextField()),
        template="%(expressions)s",
        arg_joiner=" @> ",
        output_field=BooleanField(),
    )


def search_short_text(text: str, *, common: bool = False) -> Q:
    """PostgreSQL: title or description contains ``text`` (one or two characters), any case.

    Two shapes, chosen by ``common`` (see ``search``), so the planner cannot walk an index of
    the whole school for a text it will not find there:

    - rare: ``id = ANY(ARRAY(SELECT id … WHERE <index expression>))``: the matching ids come
      from the ``wo_search_grams`` index first (a few thousand at most), then the page and
      the count take them by primary key, whatever the sort and the other filters;
    - common: ``<contains, by LIKE> AND <index expression>``. The page walks the sort's index
      and stops after 50 matches, checking each order with the LIKE (~1 µs; the planner puts
      the cheaper condition first) rather than ``maintenance_grams`` (~30 µs); the count
      reads the matches from the ``wo_search_grams`` index. The LIKE is wrapped in a CASE,
      whose selectivity the planner takes as one half: without statistics for it, its guess
      for a bare LIKE made common words look rare (a sort of 80,000 matches for page 1).
    """
    grams = _grams_contain(text)
    if not common:
        ids = WorkOrder._base_manager.filter(grams).order_by().values("pk")
        # "id" = ANY(ARRAY(SELECT ...)): the subquery compiles to "(SELECT ...)".
        return Q(
            Func(
                F("pk"),
                Subquery(ids),
                template="%(expressions)s)",
                arg_joiner=" = ANY(ARRAY",
                output_field=BooleanField(),
            )
        )
    words = Func(
        F("title"),
        F("description"),
        template="(%(expressions)s)",
        arg_joiner=" || ' ' || ",
        output_field=TextField(),
    )
    contains = Case(
        When(IContains(words, text), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )
    return Q(contains) & Q(grams)


def _building_model():
    from django.apps import apps

    return apps.get_model("org", "Building")


def _room_model():
    from django.apps import apps

    return apps.get_model("org", "Room")
