"""Tables shared by every list page (django-tables2): Tabler styling, htmx sorting and paging.

The columns of a table are also what its list exports (``ObjectListView.export_columns``),
so a column's ``value_<name>`` method, when given, is what lands in the Excel cell.
"""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

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


class BaseTable(tables.Table):
    """Base for list tables; subclasses declare ``Meta(BaseTable.Meta)`` with model and fields."""

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
