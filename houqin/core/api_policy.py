"""What every API view shares with DRF's settings: the acting school, the permission class and
the exception handler. Kept apart from ``houqin.core.api`` because DRF imports the classes named
in ``settings.REST_FRAMEWORK`` while ``rest_framework.views`` is still loading, so this module
must not import DRF views, viewsets or drf-spectacular views.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, permissions, serializers
from rest_framework.response import Response

from houqin.core.errors import DomainError
from houqin.core.scoping import access_for

SCHOOL_HEADER = "X-Houqin-School"


# ------------------------------------------------------------------ the acting school


def _tenant_model():
    from django.apps import apps

    return apps.get_model(settings.HOUQIN_TENANT_MODEL)


def select_school(request) -> None:
    """Apply ``X-Houqin-School`` to this request, or raise 403 if the user is no member.

    Idempotent: the choice is remembered on the underlying Django request.
    """
    django_request = getattr(request, "_request", request)
    if getattr(django_request, "_houqin_school_selected", False):
        return
    code = request.headers.get(SCHOOL_HEADER, "").strip()
    user = request.user
    if code and user.is_authenticated:
        school_id = (
            _tenant_model()
            .objects.filter(code=code, is_active=True)
            .values_list("pk", flat=True)
            .first()
        )
        if school_id is None or not access_for(user, school_id).is_member:
            raise exceptions.PermissionDenied(
                _("You are not a member of the school “%(code)s”.") % {"code": code}
            )
        # In memory only: every scoping call of this request then acts in the chosen school.
        user.current_school_id = school_id
        django_request.access = access_for(user)
        django_request.school = _tenant_model().objects.get(pk=school_id)
    django_request._houqin_school_selected = True


def acting_school_id(request) -> int | None:
    """The id of the school this API request acts in (after ``select_school``)."""
    select_school(request)
    return access_for(request.user).school_id


class RestrictedPermission(permissions.IsAuthenticated):
    """Authenticated users only, acting in their (or the header's) school.

    Rows are limited by each viewset's ``restrict``; this class also applies
    ``X-Houqin-School`` so that every API view, not only ours, honours it.
    """

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        select_school(request)
        return True


# ------------------------------------------------------------------ errors


def exception_handler(exc, context):
    """DRF's handler, plus domain errors, Django validation errors and protected deletes."""
    from rest_framework.views import exception_handler as drf_exception_handler
    from rest_framework.views import set_rollback

    if isinstance(exc, DomainError):
        set_rollback()
        return Response({"detail": str(exc.message), "code": exc.code}, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        set_rollback()
        return Response(serializers.as_serializer_error(exc), status=400)
    if isinstance(exc, ProtectedError | RestrictedError):
        set_rollback()
        return Response(
            {
                "detail": str(
                    _("This record is still used by other records and cannot be deleted.")
                ),
                "code": "protected",
            },
            status=409,
        )
    return drf_exception_handler(exc, context)
