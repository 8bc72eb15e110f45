"""Tables shared by every list page (django-tables2): Tabler styling, htmx sorting and paging.

The columns of a table are also what its list exports (``ObjectListView.export_columns``),
so a column's ``value_<name>`` method, when given, is what lands in the Excel cell.
"""

from __future__ import annotations

import django_tables2 as tables
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_tables2.data import TableListData

# model -> URL name of its detail page, filled by ObjectDetailView subclasses.
_DETAIL_ROUTES: dict[type, str] = {}


def register_detail_route(model: type, url_name: str) -> None:
    _DETAIL_ROUTES[model] = url_name


def detail_url(obj) -> str | None:
    """The detail page of ``obj`` if it has one (generic pages register theirs), else None."""
    if obj is None:
        return None
    url_name = _DETAIL_ROUTES.get(type(obj))
    if url_name:
        return reverse(url_name, args=[obj.pk])
    get_url = getattr(obj, "get_absolute_url", None)
    return get_url() if get_url else None


def link_record(record):
    return detail_url(record)


def link_value(value):
    return detail_url(value)


def _queryset_of(object_list) -> QuerySet | None:
    """The queryset behind a table's rows (BoundRows → TableData → QuerySet), or a queryset."""
    data = object_list
    for _level in range(3):
        if isinstance(data, QuerySet):
            return data
        data = getattr(data, "data", None)
    return None


class CappedPaginator(Paginator):
    """Counts at most ``limit`` rows, so a list of 500,000 rows costs no full COUNT(*).

    Past ``limit`` the count is ``limit`` and ``capped`` is true: the pages stop there (the
    deepest OFFSET stays small) and the page says there are more rows than it lists.
    """

    def __init__(self, object_list, per_page, *, limit: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.limit = limit

    @cached_property
    def _counted(self) -> int:
        queryset = _queryset_of(self.object_list)
        if queryset is None:
            return len(self.object_list)
        # SELECT COUNT(*) FROM (SELECT id ... LIMIT limit + 1): stops after limit + 1 rows, and
        # without the page's joins (which cost more to plan than to run).
        rows = queryset.select_related(None).order_by().values("pk")
        return rows[: self.limit + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.limit)

    @property
    def capped(self) -> bool:
        return self._counted > self.limit

    def page(self, number):
        # Always LIMIT per_page, even on a last page of 3 rows: Django's LIMIT 3 (or 1) makes
        # PostgreSQL walk the sort index for "3 of 72 expected rows" instead of using the
        # search index, which takes the whole table when the 3 rows are old.
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if self.capped:
            top = min(top, self.limit)  # the rows past the limit are not listed
        return self._get_page(self.object_list[bottom:top], number, self)


class _ModelListData(TableListData):
    """Rows already read into a list that still name their model (django-tables2 takes column
    headers from the model's field names only when the data says which model it holds)."""

    def __init__(self, data, model):
        super().__init__(data)
        self._model = model

    @property
    def model(self):
        return self._model


class BaseTable(tables.Table):
    """Base for list tables; subclasses declare ``Meta(BaseTable.Meta)`` with model and fields."""

    def __init__(self, data=None, *args, **kwargs):
        model = getattr(self._meta, "model", None)
        if model is not None and isinstance(data, list):
            data = _ModelListData(data, model)
        super().__init__(data, *args, **kwargs)

    class Meta:
        template_name = "core/generic/table.html"
        attrs = {"class": "table table-vcenter table-hover card-table"}
        empty_text = _("Nothing found.")


class ActionsColumn(tables.TemplateColumn):
    """An edit button per row; the list view hides it from users without the change right."""

    def __init__(self, route: str, **kwargs):
        template = (
            '{% load i18n %}<a class="btn btn-sm btn-ghost-secondary" '
            'href="{% url "' + route + '" record.pk %}">{% translate "Edit" %}</a>'
        )
        kwargs.setdefault("verbose_name", "")
        kwargs.setdefault("orderable", False)
        kwargs.setdefault("exclude_from_export", True)
        kwargs.setdefault("attrs", {"td": {"class": "text-end"}})
        super().__init__(template_code=template, **kwargs)


class BooleanColumn(tables.BooleanColumn):
    """✔/✘ on the page; a real boolean in exports (Excel shows 是/否)."""

    def value(self, record, value, bound_column):
        return bool(self._get_bool_value(record, value, bound_column))
