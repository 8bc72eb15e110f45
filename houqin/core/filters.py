"""Filtering shared by pages, API and exports: one FilterSet per list, scoped to the school.

``TenantFilterSet`` adds a free-text ``q`` over ``search_fields`` and limits the choices of
every model-choice filter to rows of the acting user's school (``scope_choices``), so a filter
can neither list nor accept another school's rows.
"""

from __future__ import annotations

from functools import reduce
from operator import or_

import django_filters
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils.module_loading import import_string
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


class YesNoSelect(forms.Select):
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

    def search(self, queryset, name, value):
        value = (value or "").strip()
        if not value or not self.search_fields:
            return queryset
        query = reduce(or_, (Q(**{f"{field}__icontains": value}) for field in self.search_fields))
        return queryset.filter(query)
