"""Compliance API (/api/compliance/…): the rules with the school's figures and statuses.

``GET rules/`` lists every rule (``?area=safety``, ``?term=<id>``) with its national default,
the school's figure, who tightened it and why, and this term's status; ``GET rules/<key>/``
one rule; ``PATCH rules/<key>/`` or ``POST rules/<key>/figure/`` ``{"value": 200, "note": "…"}`` tightens the
school's figure through the same service as the page (a looser figure is a 400 with the
message)."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from houqin.core import compliance
from houqin.core.api import AUTHENTICATION_CLASSES, RestrictedPermission, acting_school_id
from houqin.core.scoping import access_for


class ComplianceStatusSerializer(serializers.Serializer):
    due = serializers.IntegerField()
    done = serializers.IntegerField()
    late = serializers.IntegerField()
    missed = serializers.IntegerField()
    open = serializers.IntegerField()
    detail = serializers.CharField()
    url = serializers.CharField()


class ComplianceRuleSerializer(serializers.Serializer):
    key = serializers.CharField()
    area = serializers.CharField()
    title = serializers.CharField()
    kind = serializers.CharField()
    unit = serializers.CharField()
    default = serializers.CharField(help_text="The national default (a number, or 1/0 for a duty).")
    value = serializers.CharField(help_text="The school's figure.")
    tightened = serializers.BooleanField()
    set_by = serializers.CharField(allow_null=True)
    note = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    source = serializers.CharField()
    text = serializers.CharField()
    badge = serializers.ChoiceField(
        choices=["done", "missed", "overdue", "nothing_due", "not_tracked"]
    )
    status = ComplianceStatusSerializer(allow_null=True)


class ComplianceFigureSerializer(serializers.Serializer):
    value = serializers.CharField(help_text="A number; for a duty true/false or 1/0.")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


def _figure(value) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def _row_data(row) -> dict:
    rule, status = row.rule, row.status
    return {
        "key": rule.key,
        "area": rule.area,
        "title": str(rule.title),
        "kind": rule.kind,
        "unit": str(rule.unit),
        "default": _figure(rule.default),
        "value": _figure(row.value),
        "tightened": row.tightened,
        "set_by": str(row.setting.set_by) if row.tightened and row.setting.set_by else None,
        "note": row.setting.note if row.tightened else "",
        "roles": list(rule.roles),
        "source": rule.source,
        "text": rule.text,
        "badge": row.badge,
        "status": None
        if status is None
        else {
            "due": status.due,
            "done": status.done,
            "late": status.late,
            "missed": status.missed,
            "open": status.open,
            "detail": str(status.detail),
            "url": status.url,
        },  # fmt: skip
    }


class ComplianceRuleViewSet(viewsets.ViewSet):
    """The compliance rules with this school's figures and statuses; tighten a figure."""

    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [RestrictedPermission]
    lookup_field = "key"
    lookup_value_regex = r"[a-z0-9_.]+"
    serializer_class = ComplianceRuleSerializer

    def _access(self, perm=compliance.VIEW_PERM):
        school_id = acting_school_id(self.request)
        access = access_for(self.request.user, school_id)
        if not access.is_member or not access.has_perm(perm):
            raise exceptions.PermissionDenied()
        return access

    def _rows(self, access, key=None):
        from houqin.org import terms as org_terms

        today = timezone.localdate()
        choices = org_terms.school_terms(access.school_id)
        chosen = self.request.query_params.get("term")
        term = next((t for t in choices if str(t.pk) == chosen), None) or (
            org_terms.current_term(choices, today)
        )
        area = self.request.query_params.get("area") or None
        if key is not None:
            try:
                area = compliance.get(key).area
            except KeyError:
                raise exceptions.NotFound() from None
        rows = compliance.overview(access.school_id, term, today, area=area)
        return [r for r in rows if key is None or r.rule.key == key]

    @extend_schema(responses=ComplianceRuleSerializer(many=True))
    def list(self, request, *args, **kwargs):
        access = self._access()
        return Response([_row_data(row) for row in self._rows(access)])

    @extend_schema(responses=ComplianceRuleSerializer)
    def retrieve(self, request, key=None, **kwargs):
        access = self._access()
        rows = self._rows(access, key)
        return Response(_row_data(rows[0]))

    @extend_schema(request=ComplianceFigureSerializer, responses=ComplianceRuleSerializer)
    def partial_update(self, request, key=None, **kwargs):
        access = self._access(compliance.CHANGE_PERM)
        try:
            compliance.get(key)
        except KeyError:
            raise exceptions.NotFound() from None
        payload = ComplianceFigureSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        compliance.tighten(
            access.school_id, key, payload.validated_data["value"], by=request.user,
            note=payload.validated_data["note"],
        )  # fmt: skip
        return Response(_row_data(self._rows(access, key)[0]))

    @extend_schema(request=ComplianceFigureSerializer, responses=ComplianceRuleSerializer)
    def update(self, request, key=None, **kwargs):
        return self.partial_update(request, key)

    @extend_schema(request=ComplianceFigureSerializer, responses=ComplianceRuleSerializer)
    @action(detail=True, methods=["post"], url_path="figure")
    def figure(self, request, key=None, **kwargs):
        """``POST rules/<key>/figure/``: the same as PATCH, for clients that only POST."""
        return self.partial_update(request, key)


router = DefaultRouter()
router.register("rules", ComplianceRuleViewSet, basename="rule")
