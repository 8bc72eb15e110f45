"""The REST API base: school selection, scoping, permissions and errors shared by every viewset.

Rules every endpoint follows (built on ``houqin.core.scoping``):

- **Authentication**: session (the pages' login) or ``Authorization: Token <key>`` (from
  ``POST /api/token/``). Anonymous requests get 401 with ``WWW-Authenticate: Token``.
- **School**: a request acts in the user's current school. The header
  ``X-Houqin-School: <school code>`` selects another school the user is a member of, for that
  request only: the user object in memory gets that ``current_school`` (never saved), so
  ``restrict``, ``can`` and every service the view calls agree on one school. A code the user
  is no member of is a 403 (the same answer whether the school exists or not).
- **Rows**: ``get_queryset`` is ``Model.objects.restrict(user, action)`` with the action of the
  request (list/retrieve → view, create → add, update/partial_update → change,
  destroy → delete). A single row is first looked up among the rows the user may *view*:
  a row they cannot see is a 404; a row they can see but not change or delete is a 403.
  Creating needs ``can(user, "add", Model)`` (403 otherwise, checked before validation).
- **Writes**: ``school`` comes from the acting school, never from the payload; related fields
  accept only rows the user may view (``RestrictedModelSerializer``); the model's
  ``full_clean`` runs before saving, so constraints answer 400 and not 500.
- **Errors**: ``DomainError`` → ``{"detail": message, "code": code}`` with its status;
  Django ``ValidationError`` → 400 with field errors; a delete blocked by protected
  references → 409.
"""

from __future__ import annotations

import base64
import hashlib
import re

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import exceptions, permissions, serializers
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.throttling import AnonRateThrottle
from rest_framework.utils import model_meta
from rest_framework.viewsets import ModelViewSet, ReadOnlyModelViewSet

from houqin.core.api_policy import (  # noqa: F401  (re-exported for the apps)
    SCHOOL_HEADER,
    RestrictedPermission,
    acting_school_id,
    exception_handler,
    select_school,
)
from houqin.core.scoping import can

# Token first: its WWW-Authenticate header turns "not logged in" into a 401, not a 403.
AUTHENTICATION_CLASSES = [TokenAuthentication, SessionAuthentication]

# The scoping action each standard viewset action needs; other actions declare theirs in
# ``restricted_actions`` on the viewset, else safe methods need view and the rest change.
ACTION_MAP = {
    "list": "view",
    "retrieve": "view",
    "metadata": "view",
    "create": "add",
    "update": "change",
    "partial_update": "change",
    "destroy": "delete",
}


# ------------------------------------------------------------------ serializers


class RestrictedModelSerializer(serializers.ModelSerializer):
    """A model serializer whose related fields accept only rows the user may view.

    Every ``PrimaryKeyRelatedField`` (and many-related field) gets the queryset
    ``Model.objects.restrict(user, "view")``. A related model without ``restrict`` (the user
    model, say) must be given a queryset by ``related_querysets`` — a dict of field name to
    ``callable(request) -> QuerySet`` — or the serializer refuses to build.
    """

    related_querysets: dict = {}

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        view = self.context.get("view")
        if request is None or getattr(view, "swagger_fake_view", False):
            return fields
        for name, field in fields.items():
            target = (
                field.child_relation if isinstance(field, serializers.ManyRelatedField) else field
            )
            if not isinstance(target, serializers.RelatedField) or target.read_only:
                continue
            target.queryset = self._restricted_queryset(name, target.queryset.model, request)
        return fields

    def _restricted_queryset(self, name, model, request):
        if name in self.related_querysets:
            return self.related_querysets[name](request)
        manager = model._default_manager
        if not hasattr(manager, "restrict"):
            raise ImproperlyConfigured(
                f"{type(self).__name__}.{name}: {model.__name__} has no restrict(); "
                "give it a queryset in related_querysets."
            )
        return manager.restrict(request.user, "view")

    def create(self, validated_data):
        many = self._pop_many(validated_data)
        instance = self.Meta.model(**validated_data)
        self._clean_and_save(instance, many)
        return instance

    def update(self, instance, validated_data):
        many = self._pop_many(validated_data)
        for attr, value in validated_data.items():
            setattr(instance, attr, value)
        self._clean_and_save(instance, many)
        return instance

    def _pop_many(self, validated_data) -> dict:
        relations = model_meta.get_field_info(self.Meta.model).relations
        return {
            name: validated_data.pop(name)
            for name in list(validated_data)
            if name in relations and relations[name].to_many
        }

    @staticmethod
    def _clean_and_save(instance, many):
        # full_clean runs the model's own rules and unique constraints: a 400, never a 500.
        instance.full_clean()
        instance.save()
        for name, values in many.items():
            getattr(instance, name).set(values)


# ------------------------------------------------------------------ viewsets


class RestrictedViewSetMixin:
    """Scoping, school and permission rules shared by the read-only and read-write bases."""

    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [RestrictedPermission]
    restricted_actions: dict[str, str] = {}

    @property
    def restricted_action(self) -> str:
        action = getattr(self, "action", None)
        if action in self.restricted_actions:
            return self.restricted_actions[action]
        if action in ACTION_MAP:
            return ACTION_MAP[action]
        return "view" if self.request.method in permissions.SAFE_METHODS else "change"

    def scoped(self, action: str):
        """The class queryset (with its select_related/prefetch) limited by ``restrict``."""
        return self.queryset.all().restrict(self.request.user, action)

    def get_queryset(self):
        return self.scoped(self.restricted_action)

    def get_object(self):
        """404 for rows the user cannot view; 403 for rows they view but may not act on."""
        action = self.restricted_action
        lookup = self.lookup_url_kwarg or self.lookup_field
        queryset = self.filter_queryset(self.scoped("view"))
        try:
            obj = queryset.get(**{self.lookup_field: self.kwargs[lookup]})
        except (queryset.model.DoesNotExist, ValueError, TypeError, DjangoValidationError) as exc:
            raise exceptions.NotFound() from exc
        if action != "view" and not self.scoped(action).filter(pk=obj.pk).exists():
            self.permission_denied(
                self.request, message=_("You may not change or delete this record.")
            )
        self.check_object_permissions(self.request, obj)
        return obj

    def check_permissions(self, request):
        super().check_permissions(request)
        if self.restricted_action == "add" and not can(request.user, "add", self.queryset.model):
            self.permission_denied(request, message=_("You may not add records here."))


class RestrictedWriteMixin:
    """Writes in one transaction; on create the school is the acting school."""

    def perform_create(self, serializer):
        save_kwargs = {}
        if _has_school_field(self.queryset.model):
            save_kwargs["school_id"] = acting_school_id(self.request)
        with transaction.atomic():
            serializer.save(**save_kwargs)

    def perform_update(self, serializer):
        with transaction.atomic():
            serializer.save()

    def perform_destroy(self, instance):
        with transaction.atomic():
            instance.delete()


def _has_school_field(model) -> bool:
    return any(f.name == "school" for f in model._meta.get_fields())


# ------------------------------------------------------------------ tokens and the docs page


class TokenThrottle(AnonRateThrottle):
    """Guesses at passwords through the token endpoint are slowed per client address."""

    scope = "api_token"

    def get_rate(self):
        return getattr(settings, "HOUQIN_API_TOKEN_RATE", "10/minute")

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class DocsMixin:
    """Swagger UI for logged-in users; anonymous visitors go to the login page and back.

    The page's script is served as a separate file (``SpectacularSwaggerSplitView``), and
    its one inline ``<style>`` block is allowed by hash, so the strict CSP holds.
    """

    def handle_exception(self, exc):
        if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
            return redirect_to_login(self.request.get_full_path())
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if hasattr(response, "add_post_render_callback"):
            response.add_post_render_callback(allow_inline_styles_by_hash)
        return response


_STYLE_BLOCK = re.compile(rb"<style>(.*?)</style>", re.DOTALL)


def allow_inline_styles_by_hash(response):
    """Add the sha256 of each ``<style>`` block of a rendered page to its CSP style-src."""
    hashes = [
        f"'sha256-{base64.b64encode(hashlib.sha256(block).digest()).decode()}'"
        for block in _STYLE_BLOCK.findall(response.content)
    ]
    if hashes:
        response._csp_update = {"style-src": hashes}
    return response


# ------------------------------------------------------------------ the classes apps use


class RestrictedReadOnlyViewSet(RestrictedViewSetMixin, ReadOnlyModelViewSet):
    """List and retrieve the rows the user may view, in the acting school."""


class RestrictedViewSet(RestrictedWriteMixin, RestrictedViewSetMixin, ModelViewSet):
    """Full CRUD in the acting school; ``school`` is set on create, never read from input."""


class TokenView(ObtainAuthToken):
    """``POST username, password`` → ``{"token": key}``; send ``Authorization: Token <key>``.

    The token user acts in their current school (or the one named by ``X-Houqin-School``).
    """

    throttle_classes = [TokenThrottle]


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema, for logged-in users (the API surface is not public)."""

    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [permissions.IsAuthenticated]


class DocsView(DocsMixin, SpectacularSwaggerSplitView):
    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [permissions.IsAuthenticated]
    url_name = "api:schema"


# ---------------------------------------------------------------- ids in a payload


def in_school(model, pk, school_id, field: str):
    """The row of ``model`` with id ``pk`` in the acting school, None for an empty id, or a 400
    naming ``field`` (the same answer whether the row is missing or another school's)."""
    if pk in (None, ""):
        return None
    row = model._default_manager.filter(pk=pk, school_id=school_id).first()
    if row is None:
        raise serializers.ValidationError({field: [_("No such record in this school.")]})
    return row


def school_member(pk, school_id, field: str):
    """The user with id ``pk`` who is an active member of the acting school, None for an empty
    id, or a 400 naming ``field``."""
    from django.apps import apps

    if pk in (None, ""):
        return None
    user = (
        apps.get_model("org", "User")
        .objects.filter(pk=pk, memberships__school_id=school_id, memberships__is_active=True)
        .first()
    )
    if user is None:
        raise serializers.ValidationError({field: [_("No such member of this school.")]})
    return user
