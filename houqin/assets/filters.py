"""The asset register's filters, shared by the list page, its exports, the API and the bulk
actions of other pages (which take the same querystring).

Every filter compares a column of the ``Asset`` table itself (or its room's building), so
PostgreSQL answers a filtered first page from the register's indexes (see
docs/performance-assets.md).

"Active only" is on by default: without ``active`` in its data and without a chosen status,
the filter set hides disposed and lost assets, also when built with no data at all (an empty
querystring means the same rows on the list page, in its export and in a bulk action).
``active=`` (All) shows them; choosing a status shows exactly that status.
"""

from __future__ import annotations

import re

import django_filters
from django.contrib.auth import get_user_model
from django.db import connections
from django.db.models import BooleanField, F, Func, Q, TextField, Value
from django.db.models.functions import Collate
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from django_filters.widgets import DateRangeWidget, RangeWidget

from houqin.core.filters import PlainSelect, TenantFilterSet, YesNoFilter, room_label, user_label

from .models import Asset, AssetCategory, AssetKind, AssetStatus
from .models.register import ACTIVE_STATUSES

# What an asset number (or its start) looks like: letters, digits and - _ . / only.
NUMBER_LIKE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_./-]{2,39}$")


def _category_label(row) -> str:
    """``str(category)`` from (code, name): see AssetCategory."""
    code, name = row
    return f"{code} {name}".strip()


def category_and_descendants(category) -> list[int]:
    """The ids of ``category`` and every category below it (one query on the school's tree)."""
    children: dict[int | None, list[int]] = {}
    rows = AssetCategory.objects.filter(school_id=category.school_id).values_list("pk", "parent_id")
    for pk, parent_id in rows:
        children.setdefault(parent_id, []).append(pk)
    found, todo = [], [category.pk]
    while todo:
        pk = todo.pop()
        if pk in found:
            continue
        found.append(pk)
        todo.extend(children.get(pk, ()))
    return found


class AssetFilterSet(TenantFilterSet):
    search_fields = ("number", "name", "model", "serial_number")
    choice_select_related = {"room": ("floor__building",), "building": ("campus",)}

    # distinct=False: no join repeats rows (see maintenance.filters).
    status = django_filters.MultipleChoiceFilter(
        choices=AssetStatus.choices, label=_("Status"), distinct=False
    )
    active = YesNoFilter(method="filter_active", label=_("Active only"))
    category = django_filters.ModelChoiceFilter(
        queryset=AssetCategory.objects.all(),
        method="filter_category",
        label=_("Category"),
        widget=PlainSelect(values=("code", "name"), label=_category_label),
    )
    kind = django_filters.ChoiceFilter(choices=AssetKind.choices, label=_("Asset class"))
    building = django_filters.ModelChoiceFilter(
        queryset=lambda request: _org_model("Building").objects.all(),
        field_name="room__floor__building",
        label=_("Building"),
        widget=PlainSelect,
    )
    room = django_filters.ModelChoiceFilter(
        queryset=lambda request: _org_model("Room").objects.all(),
        label=_("Place"),
        widget=PlainSelect(
            values=("number", "name", "floor_id", "floor__building__name"), label=room_label
        ),
    )
    department = django_filters.ModelChoiceFilter(
        queryset=lambda request: _org_model("Department").objects.all(),
        label=_("Department"),
        widget=PlainSelect,
    )
    custodian = django_filters.ModelChoiceFilter(
        queryset=lambda request: get_user_model().objects.all(),
        label=_("Custodian"),
        widget=PlainSelect(values=("full_name", "username"), label=user_label),
    )
    # ?value_min=…&value_max=… on the total value (Decimal).
    value = django_filters.RangeFilter(
        field_name="total_value",
        label=_("Value (¥)"),
        widget=RangeWidget(attrs={"type": "number", "min": "0", "step": "0.01"}),
    )
    # ?acquired_after=YYYY-MM-DD&acquired_before=YYYY-MM-DD, both days included.
    acquired = django_filters.DateFromToRangeFilter(
        field_name="acquired_on",
        label=_("Acquired between"),
        widget=DateRangeWidget(attrs={"type": "date"}),
    )
    funding_source = django_filters.CharFilter(
        field_name="funding_source", lookup_expr="icontains", label=_("Funding source")
    )

    class Meta:
        model = Asset
        fields = [
            "q",
            "status",
            "active",
            "category",
            "kind",
            "building",
            "room",
            "department",
            "custodian",
            "value",
            "acquired",
            "funding_source",
        ]

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(
            self.with_default_active(data, prefix), queryset, request=request, prefix=prefix
        )
        # A place's label needs its number, name and building's name, not all three rows.
        rooms = self.filters["room"]
        rooms.queryset = rooms.queryset.only(
            "number", "name", "floor__building__name", "floor__building__campus_id"
        )

    @staticmethod
    def with_default_active(data, prefix=None):
        """``data`` with ``active=true`` added unless it says ``active`` or picks a status."""
        data = QueryDict() if data is None else data
        key = f"{prefix}-active" if prefix else "active"
        status_key = f"{prefix}-status" if prefix else "status"
        getlist = getattr(data, "getlist", None)
        statuses = getlist(status_key) if getlist else data.get(status_key)
        if key in data or (statuses and any(statuses)):
            return data
        data = data.copy() if isinstance(data, QueryDict) else dict(data)
        data[key] = "true"
        return data

    def search(self, queryset, name, value):
        """Number, name, model or serial number contains the text (any case), except:

        - a text that starts asset numbers ("ZC2024", a whole number, "zc2024000123") finds
          those numbers only: one range of the (school, number) index, whatever the size of
          the register, instead of a "contains" that matches every number of a year;
        - on PostgreSQL a text of one or two characters (most Chinese words) has no trigram
          for the indexes of migration 0002: it is looked up in the ``asset_search_grams``
          index of names and models instead (a number or serial is never searched by two
          characters).
        """
        value = (value or "").strip()
        if not value:
            return queryset
        prefix = self.number_prefix(queryset, value)
        if prefix:
            return number_starts_with(queryset, prefix)
        if len(value) <= 2 and connections[queryset.db].vendor == "postgresql":
            return queryset.filter(short_text_q(value))
        return super().search(queryset, name, value)

    @staticmethod
    def number_prefix(queryset, value: str) -> str | None:
        """``value`` (or its upper case) when some asset number starts with it."""
        if not NUMBER_LIKE.match(value):
            return None
        for candidate in dict.fromkeys((value, value.upper())):
            if number_starts_with(queryset, candidate).exists():
                return candidate
        return None

    def filter_active(self, queryset, name, value):
        # A chosen status says exactly what to show.
        if self.form.cleaned_data.get("status"):
            return queryset
        if value is True:
            return queryset.filter(status__in=ACTIVE_STATUSES)
        if value is False:
            return queryset.exclude(status__in=ACTIVE_STATUSES)
        return queryset

    def filter_category(self, queryset, name, value):
        if value is None:
            return queryset
        ids = category_and_descendants(value)
        if len(ids) == 1:
            return queryset.filter(category_id=ids[0])
        return queryset.filter(category_id__in=ids)


def number_key(queryset) -> Collate | F:
    """The asset number in code-point order (``COLLATE "C"`` on PostgreSQL, served by the
    ``asset_number_c_idx`` index of migration 0002; SQLite compares code points already)."""
    if connections[queryset.db].vendor == "postgresql":
        return Collate(F("number"), "C")
    return F("number")


def with_number_key(queryset):
    """``queryset`` with ``number_key`` to sort and search by (see ``number_key``)."""
    if "number_key" in queryset.query.annotations:
        return queryset
    return queryset.alias(number_key=number_key(queryset))


def number_starts_with(queryset, prefix: str):
    """Assets whose number starts with ``prefix`` (case as given): the code-point range
    [prefix, prefix with its last character incremented), one range of an index."""
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return with_number_key(queryset).filter(number_key__gte=prefix, number_key__lt=upper)


def short_text_q(text: str) -> Q:
    """Name or model contains ``text`` (any case), for one or two characters on PostgreSQL.

    Two conditions that say the same thing: the grams (what the ``asset_search_grams`` index
    answers, for rare words) and ``strpos`` (a microsecond a row, against ~25 µs for the grams
    function). PostgreSQL evaluates the cheaper one first, so when it walks a sort index for a
    common word the grams are computed only for the rows that match; and it estimates
    ``strpos(…) > 0`` at a third, so the grams' statistics still lead the choice of plan."""
    contains = Func(
        Func(
            F("name"),
            F("model"),
            template="UPPER(%(expressions)s)",
            arg_joiner=" || ' ' || ",
            output_field=TextField(),
        ),
        Func(Value(text), template="UPPER(%(expressions)s)", output_field=TextField()),
        template="strpos(%(expressions)s) > 0",
        output_field=BooleanField(),
    )
    return Q(contains) & Q(search_short_text(text))


def search_short_text(text: str) -> Func:
    """PostgreSQL: name or model contains ``text`` (one or two characters), any case: the set
    of characters and character pairs of UPPER(name || ' ' || model) contains it, the same
    expression as the ``asset_search_grams`` index (migration 0002)."""
    return Func(
        Func(
            F("name"),
            F("model"),
            template="assets_grams(UPPER(%(expressions)s))",
            arg_joiner=" || ' ' || ",
            output_field=TextField(),
        ),
        Func(Value(text), template="ARRAY[UPPER(%(expressions)s)]", output_field=TextField()),
        template="%(expressions)s",
        arg_joiner=" @> ",
        output_field=BooleanField(),
    )


def _org_model(name):
    from django.apps import apps

    return apps.get_model("org", name)
