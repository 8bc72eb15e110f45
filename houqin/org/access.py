"""Who the acting user is in a school: membership, roles, permissions, ownership keys.

``access_for(user, school)`` is the resolver ``houqin.core.scoping`` calls; the result is
cached on the user object for the request, so scoping many querysets costs one query.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from django.contrib.auth.backends import ModelBackend

from .roles import Role, permissions_for


@dataclass
class SchoolAccess:
    user: object
    school_id: int | None
    membership: object | None = None
    roles: frozenset = field(default_factory=frozenset)
    perms: frozenset = field(default_factory=frozenset)

    @property
    def is_member(self) -> bool:
        return self.school_id is not None and (self.membership is not None or self.is_superuser)

    @property
    def is_superuser(self) -> bool:
        return bool(getattr(self.user, "is_superuser", False) and getattr(self.user, "is_active", False))

    def has_perm(self, perm: str) -> bool:
        return self.is_superuser or perm in self.perms

    def has_role(self, *roles) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def department_id(self):
        return self.membership.department_id if self.membership else None

    @property
    def company_id(self):
        return self.membership.company_id if self.membership else None

    @cached_property
    def class_ids(self) -> frozenset[int]:
        from .models import SchoolClass

        if not self.school_id or not getattr(self.user, "pk", None):
            return frozenset()
        return frozenset(
            SchoolClass.objects.filter(school_id=self.school_id, class_teacher=self.user).values_list("pk", flat=True)
        )

    @cached_property
    def headed_department_ids(self) -> frozenset[int]:
        from .models import Department

        if not self.school_id or not getattr(self.user, "pk", None):
            return frozenset()
        return frozenset(
            Department.objects.filter(school_id=self.school_id, head=self.user).values_list("pk", flat=True)
        )


NO_ACCESS = SchoolAccess(user=None, school_id=None)


def _school_id(school):
    return getattr(school, "pk", school)


def access_for(user, school=None) -> SchoolAccess:
    """The user's access in ``school`` (default: their current school)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return SchoolAccess(user=user, school_id=None)
    school_id = _school_id(school) if school is not None else user.current_school_id
    cache = user.__dict__.setdefault("_houqin_access", {})
    if school_id in cache:
        return cache[school_id]
    from .models import Membership

    memberships = Membership.objects.filter(user=user, is_active=True, school__is_active=True)
    if school_id is None:
        first = memberships.order_by("pk").first()
        school_id = first.school_id if first else None
    membership = (
        memberships.filter(school_id=school_id).prefetch_related("roles").first() if school_id else None
    )
    if membership is None:
        access = SchoolAccess(user=user, school_id=school_id if user.is_superuser else None)
    else:
        roles = frozenset(membership.role_codes)
        access = SchoolAccess(
            user=user, school_id=school_id, membership=membership, roles=roles, perms=permissions_for(roles)
        )
    cache[school_id] = access
    if school is None:
        cache[None] = access
    return access


def forget_access(user) -> None:
    """Drop the cached access (after switching school or changing roles)."""
    user.__dict__.pop("_houqin_access", None)


class RoleBackend(ModelBackend):
    """Django permissions answered from the user's roles in their current school."""

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous:
            return set()
        return set(access_for(user_obj).perms)

    def has_perm(self, user_obj, perm, obj=None):
        if not user_obj.is_active:
            return False
        if user_obj.is_superuser:
            return True
        return perm in self.get_all_permissions(user_obj, obj)


__all__ = ["Role", "SchoolAccess", "access_for", "forget_access", "RoleBackend"]
