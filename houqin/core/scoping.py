"""The one scoping function: which rows of a model may a user see or act on.

Every queryset that reaches a page, an API endpoint, an export or a count goes through
``Model.objects.restrict(user, action)`` (NetBox-style). The rules, in order:

1. anonymous or inactive users, and users with no membership in the current school, see nothing;
2. rows of other schools are never visible (tenant models have a ``school`` field);
3. a user whose roles in the current school grant ``<app>.<action>_<model>`` sees every row
   of that school;
4. otherwise the model may grant rows the user owns: ``Model.owned_q(access, action)`` returns
   a ``Q`` ("my requests", "my department", "my class", "my company") or ``None``.

Core knows no domain: who the user is in the current school comes from the resolver named
by ``settings.HOUQIN_ACCESS_RESOLVER`` (``houqin.org.access.access_for``).
"""

from __future__ import annotations

from functools import cache
from typing import Protocol

from django.conf import settings
from django.db import models
from django.utils.module_loading import import_string

ACTIONS = ("view", "add", "change", "delete")


class Access(Protocol):
    """What scoping needs to know of the acting user in the current school."""

    user: object
    school_id: int | None
    is_member: bool

    def has_perm(self, perm: str) -> bool: ...


@cache
def _resolver():
    return import_string(settings.HOUQIN_ACCESS_RESOLVER)


def access_for(user, school=None) -> Access:
    """The acting user's access in ``school`` (default: the user's current school)."""
    return _resolver()(user, school)


def perm_name(model: type[models.Model], action: str) -> str:
    opts = model._meta
    return f"{opts.app_label}.{action}_{opts.model_name}"


def is_tenant(model: type[models.Model]) -> bool:
    """Is ``model`` the tenant itself (the school)?"""
    return model._meta.label == settings.HOUQIN_TENANT_MODEL


def is_tenant_model(model: type[models.Model]) -> bool:
    try:
        model._meta.get_field("school")
    except Exception:
        return False
    return True


class RestrictedQuerySet(models.QuerySet):
    """A queryset that knows how to limit itself to what a user may see or do."""

    def restrict(self, user, action: str = "view", school=None):
        access = access_for(user, school)
        if not access.is_member:
            return self.none()
        qs = self
        if is_tenant(self.model):
            # The tenant itself: only the current school, whatever the permission.
            qs = qs.filter(pk=access.school_id)
        elif is_tenant_model(self.model):
            qs = qs.filter(school_id=access.school_id)
        if access.has_perm(perm_name(self.model, action)):
            return qs
        owned = getattr(self.model, "owned_q", None)
        q = owned(access, action) if owned else None
        if q is None:
            return qs.none()
        return qs.filter(q).distinct() if getattr(self.model, "owned_q_needs_distinct", False) else qs.filter(q)


class RestrictedManager(models.Manager.from_queryset(RestrictedQuerySet)):
    pass


def can(user, action: str, obj_or_model, school=None) -> bool:
    """May ``user`` do ``action`` on this object (or on the model at all, for ``add``)?"""
    if isinstance(obj_or_model, models.Model):
        model = type(obj_or_model)
        return model._default_manager.restrict(user, action, school).filter(pk=obj_or_model.pk).exists()
    access = access_for(user, school)
    return access.is_member and access.has_perm(perm_name(obj_or_model, action))
