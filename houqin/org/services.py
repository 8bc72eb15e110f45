"""Writes of the org app that are more than one row: people and their memberships."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from houqin.core.errors import DomainError, PermissionDenied
from houqin.core.scoping import access_for, can

from .access import forget_access
from .models import Membership, RoleAssignment, User
from .roles import JOB_BOUND_PERMISSIONS, Role, permissions_for


def roles_beyond(by, school, codes: Iterable[str]) -> list[str]:
    """The roles among ``codes`` that would give more rights than ``by`` holds in ``school``.

    Nobody hands out rights they do not have themselves (a clerk cannot make a principal); the
    member form, the API and the staff import all ask this one question."""
    access = access_for(by, school)
    if access.is_superuser:
        return []
    return [
        code
        for code in codes
        if not (permissions_for([code]) - JOB_BOUND_PERMISSIONS) <= access.perms
    ]


def _check_roles(by, school, roles: Iterable[str]) -> list[str]:
    """Known role codes, and none that would give more than the granting person holds."""
    codes = sorted(set(roles))
    unknown = [code for code in codes if code not in Role.values]
    if unknown:
        raise DomainError(_("Unknown role: %(roles)s.") % {"roles": ", ".join(unknown)})
    too_much = roles_beyond(by, school, codes)
    if too_much:
        labels = ", ".join(str(Role(code).label) for code in too_much)
        raise PermissionDenied(
            _("You cannot grant a role with rights you do not have: %(roles)s.")
            % {"roles": labels}
        )
    return codes


def _check_related(school, department, company) -> None:
    for obj in (department, company):
        if obj is not None and obj.school_id != school.pk:
            raise DomainError(_("%(object)s belongs to another school.") % {"object": obj})


def _set_roles(membership: Membership, codes: list[str]) -> None:
    current = set(membership.roles.values_list("role", flat=True))
    membership.roles.exclude(role__in=codes).delete()
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(membership=membership, role=code) for code in codes if code not in current]
    )


def _forget_on_commit(user: User) -> None:
    transaction.on_commit(lambda: forget_access(user))


@transaction.atomic
def create_member(
    *,
    school,
    by,
    username: str,
    full_name: str,
    phone: str = "",
    employee_no: str = "",
    department=None,
    roles: Iterable[str] = (),
    company=None,
    title: str = "",
    password: str | None = None,
) -> Membership:
    """Add a person to ``school``; the User is created when the username is new.

    An existing person (another school's member) keeps their name and phone unless blank.
    """
    if not can(by, "add", Membership, school=school):
        raise PermissionDenied()
    codes = _check_roles(by, school, roles)
    _check_related(school, department, company)
    username = username.strip()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(
            username=username,
            full_name=full_name.strip(),
            phone=phone.strip(),
            current_school=school,
        )
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save()
    else:
        if Membership.objects.filter(school=school, user=user).exists():
            raise DomainError(_("%(user)s is already a member of this school.") % {"user": user})
        changed = []
        for field, value in (("full_name", full_name.strip()), ("phone", phone.strip())):
            if value and not getattr(user, field):
                setattr(user, field, value)
                changed.append(field)
        if user.current_school_id is None:
            user.current_school = school
            changed.append("current_school")
        if changed:
            user.save(update_fields=changed)
    membership = Membership(
        school=school,
        user=user,
        employee_no=employee_no.strip(),
        department=department,
        company=company,
        title=title.strip(),
    )
    membership.full_clean()
    membership.save()
    _set_roles(membership, codes)
    _forget_on_commit(user)
    return membership


@transaction.atomic
def update_member(
    *,
    membership: Membership,
    by,
    full_name: str,
    phone: str = "",
    employee_no: str = "",
    department=None,
    roles: Iterable[str] = (),
    company=None,
    title: str = "",
    is_active: bool = True,
) -> Membership:
    """Change a person's details and their roles in the membership's school."""
    if not can(by, "change", membership):
        raise PermissionDenied()
    school = membership.school
    codes = _check_roles(by, school, roles)
    old_codes = set(membership.roles.values_list("role", flat=True))
    removed = old_codes - set(codes)
    if removed and not access_for(by, school).is_superuser:
        # Taking a role away needs the same standing as granting it.
        _check_roles(by, school, removed)
    if membership.user_id == getattr(by, "pk", None) and not is_active:
        raise DomainError(_("You cannot deactivate yourself."))
    _check_related(school, department, company)
    user = membership.user
    user.full_name = full_name.strip()
    user.phone = phone.strip()
    user.full_clean(exclude=["password"])
    user.save(update_fields=["full_name", "phone"])
    membership.employee_no = employee_no.strip()
    membership.department = department
    membership.company = company
    membership.title = title.strip()
    membership.is_active = is_active
    membership.full_clean()
    membership.save()
    _set_roles(membership, codes)
    _forget_on_commit(user)
    return membership
