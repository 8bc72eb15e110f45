"""Filtering shared by pages, API and exports: one FilterSet per list, scoped to the school.

``TenantFilterSet`` adds a free-text ``q`` over ``search_fields`` and limits the choices of
every model-choice filter to rows of the acting user's school (``scope_choices``), so a filter
can neither list nor accept another school's rows.
"""

from __future__ import annotations

import copy
from functools import reduce
from html import escape as _html_escape
from operator import or_

import django_filters
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.forms.utils import flatatt
from django.utils.module_loading import import_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django_filters.filters import QuerySetRequestMixin

from houqin.core.scoping import access_for


def school_id_for(request=None, user=None) -> int | None:
    """The school the request acts in: ``request.access`` when set (pages, API), else the user's."""
    user = user if user is not None else getattr(request, "user", None)
    access = getattr(request, "access", None) if request is not None else None
    # Token-authenticated API requests get their user after the middleware ran: only trust
    # request.access when it describes the same user.
    if access is None or getattr(access.user, "pk", None) != getattr(user, "pk", None):
        access = access_for(user)
    return access.school_id


def _user_choices(queryset: QuerySet, school_id):
    # Core knows no memberships: the org app names the function that picks a school's people.
    path = getattr(settings, "HOUQIN_USER_CHOICES", None)
    if not path or school_id is None:
        return queryset.none()
    return import_string(path)(queryset, school_id)


def scope_choices(queryset: QuerySet, user, school_id, select_related=()) -> QuerySet:
    """Limit a choice queryset to what ``user`` may view in ``school_id``.

    Models with a ``restrict`` manager go through it; the user model goes through
    ``settings.HOUQIN_USER_CHOICES`` (members of the school); anything else is left alone.
    """
    model = queryset.model
    if hasattr(queryset, "restrict"):
        queryset = queryset.restrict(user, "view", school=school_id)
    elif model is get_user_model():
        queryset = _user_choices(queryset, school_id)
    if select_related:
        queryset = queryset.select_related(*select_related)
    return queryset


def fast_escape(text) -> str:
    """``conditional_escape`` without its per-call overhead (hundreds of options a page)."""
    html = getattr(text, "__html__", None)
    return html() if html is not None else _html_escape(str(text))


def _attrs_html(attrs: dict) -> str:
    """What django/forms/widgets/attrs.html writes for ``attrs``."""
    return "".join(
        f" {fast_escape(name)}" if value is True else f' {fast_escape(name)}="{fast_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def select_html(widget: dict) -> SafeString:
    """A select's markup from its context (``widget.get_context(...)["widget"]``), byte for
    byte what Django's select.html and select_option.html templates write, at a tenth of
    their cost (one template include per option). test_perf_filters.py compares the two."""
    out = [f'<select name="{fast_escape(widget["name"])}"{_attrs_html(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{fast_escape(group_name)}">')
        for option in options:
            out.append(
                f'\n  <option value="{fast_escape(option["value"])}"{_attrs_html(option["attrs"])}>'
                f"{fast_escape(option['label'])}</option>\n"
            )
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return mark_safe("".join(out))


class FastSelectMixin:
    """Render a select with ``select_html`` instead of Django's templates (same markup)."""

    def render(self, name, value, attrs=None, renderer=None):
        if self.template_name != forms.Select.template_name or (
            self.option_template_name != forms.Select.option_template_name
        ):
            return super().render(name, value, attrs, renderer)
        return select_html(self.get_context(name, value, attrs)["widget"])


class FastSelect(FastSelectMixin, forms.Select):
    pass


class FastSelectMultiple(FastSelectMixin, forms.SelectMultiple):
    pass


class FastNullBooleanSelect(FastSelectMixin, forms.NullBooleanSelect):
    pass


# Django's own select widgets in a filter form are rendered by their fast twins (same markup).
FAST_WIDGETS = {
    forms.Select: FastSelect,
    forms.SelectMultiple: FastSelectMultiple,
    forms.NullBooleanSelect: FastNullBooleanSelect,
}


class YesNoSelect(FastSelectMixin, forms.Select):
    """All / Yes / No, instead of django-filter's "Unknown" wording."""

    def __init__(self, attrs=None):
        super().__init__(attrs, choices=(("", _("All")), ("true", _("Yes")), ("false", _("No"))))

    def format_value(self, value):
        if value in (True, "True", "true", "1"):
            return ["true"]
        if value in (False, "False", "false", "0"):
            return ["false"]
        return [""]


class YesNoFilter(django_filters.BooleanFilter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", YesNoSelect)
        super().__init__(*args, **kwargs)


class TenantFilterSet(django_filters.FilterSet):
    """Base FilterSet: ``q`` searches ``search_fields``; model choices limited to the school.

    ``choice_select_related`` maps a filter name to the relations its labels need, so a
    select of rooms labelled "building room" runs one query, not one per option.
    """

    search_fields: tuple[str, ...] = ()
    choice_select_related: dict[str, tuple[str, ...]] = {}

    q = django_filters.CharFilter(method="search", label=_("Search"))

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        user = getattr(request, "user", None)
        school_id = school_id_for(request) if request is not None else None
        for name, filter_ in self.filters.items():
            if not isinstance(filter_, QuerySetRequestMixin):
                continue
            choices = filter_.get_queryset(request)
            if choices is None:
                continue
            filter_.queryset = scope_choices(
                choices, user, school_id, self.choice_select_related.get(name, ())
            )

    @property
    def form(self):
        form = super().form
        if not getattr(form, "_fast_widgets", False):
            # Django's select widgets write one template include per option: their twins
            # write the same markup in Python (a list's filter form: ~3 ms less).
            for field in form.fields.values():
                fast = FAST_WIDGETS.get(type(field.widget))
                if fast is not None:
                    field.widget.__class__ = fast
            form._fast_widgets = True
        return form

    def search(self, queryset, name, value):
        value = (value or "").strip()
        if not value or not self.search_fields:
            return queryset
        query = reduce(or_, (Q(**{f"{field}__icontains": value}) for field in self.search_fields))
        return queryset.filter(query)


# ---------------------------------------------------------------- fast selects


class PlainSelect(forms.Select):
    """A select whose options are written in Python: a school's hundreds of places and people
    render in ~2 ms instead of ~40 ms of template includes (one per option).

    With ``values`` and ``label``, a model choice's options come from
    ``queryset.values_list("pk", *values)`` and ``label(row)`` (the same text as the model's
    ``__str__``) instead of one model instance per option (304 places with their floor and
    building: ~15 ms)."""

    def __init__(self, attrs=None, choices=(), *, values=(), label=None):
        super().__init__(attrs, choices)
        self.values, self.label = tuple(values), label

    def _plain_choices(self):
        field = getattr(self.choices, "field", None)
        queryset = getattr(self.choices, "queryset", None)
        if not self.values or self.label is None or field is None or queryset is None:
            return None
        options = []
        if field.empty_label is not None:
            options.append(("", field.empty_label))
        if getattr(field, "null_label", None) is not None:
            options.append((field.null_value, field.null_label))
        rows = queryset.values_list("pk", *self.values)
        options.extend((row[0], self.label(row[1:])) for row in rows)
        return options

    def render(self, name, value, attrs=None, renderer=None):
        options = self._plain_choices()
        if options is None:
            widget = self.get_context(name, value, attrs)["widget"]
            groups = widget["optgroups"]
        else:
            # Django's Select.optgroups for flat choices: the first matching option only.
            plain = copy.copy(self)
            plain.choices = []
            widget = plain.get_context(name, value, attrs)["widget"]
            chosen, has_selected, flat = set(widget["value"]), False, []
            for option_value, option_label in options:
                option_value = "" if option_value is None else option_value
                selected = str(option_value) in chosen and (
                    not has_selected or self.allow_multiple_selected
                )
                has_selected |= selected
                flat.append({"value": option_value, "label": option_label, "selected": selected})
            groups = [(None, flat, 0)]
        html_groups = []
        for group, group_options, _index in groups:
            html = "".join(
                f'<option value="{fast_escape(o["value"])}"{" selected" if o["selected"] else ""}>'
                f"{fast_escape(o['label'])}</option>"
                for o in group_options
            )
            html_groups.append(
                f'<optgroup label="{fast_escape(group)}">{html}</optgroup>' if group else html
            )
        return mark_safe(
            f'<select name="{fast_escape(widget["name"])}"{flatatt(widget["attrs"])}>'
            f"{''.join(html_groups)}</select>"
        )


def room_label(row) -> str:
    """``str(room)`` from (number, name, floor id, building name): see org.models.Room."""
    number, name, floor_id, building = row
    label = f"{number} {name}".strip() if name and name != number else number
    return f"{building} {label}" if floor_id else label


def name_label(row) -> str:
    """``str(obj)`` of a model whose ``__str__`` is its name (repair category, building)."""
    return row[0]


def user_label(row) -> str:
    """``str(user)`` from (full name, username): see org.models.User."""
    full_name, username = row
    return full_name or username
