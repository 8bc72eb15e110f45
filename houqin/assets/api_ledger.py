"""Depreciation and the ledger in the API (``/api/assets/…``), with the pages' rules:

- ``GET depreciation-runs/`` — the monthly runs, latest first; ``GET depreciation-runs/{id}/``
  — one run with its summaries (category × department × funding source);
- ``POST depreciation-runs/run/`` ``{"month": "2026-03"}`` — depreciate that month now (needs
  ``assets.depreciate_asset``; a month that has not begun is refused): 200 with the run, or
  202 ``{"queued": true}`` for a school so big that the run goes to the task worker;
- ``GET ledger/?period=year&year=2026&by=category&kind=fixed`` — the ledger report as JSON
  (the same parameters as the page: ``period`` month|year|term|range with ``month``, ``year``,
  ``term`` or ``start``/``end``; ``by`` category|class|department|funding; ``kind``
  fixed|low_value|all).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from houqin.core.api import AUTHENTICATION_CLASSES, RestrictedReadOnlyViewSet, acting_school_id
from houqin.core.api_policy import RestrictedPermission
from houqin.core.scoping import access_for

from . import reports_ledger, services_ledger
from .models import DepreciationEntry, DepreciationRun
from .views_ledger import VIEW_PERM


def _school(request):
    from houqin.org.models import School

    return School.objects.get(pk=acting_school_id(request))


class DepreciationEntrySerializer(serializers.ModelSerializer):
    category_code = serializers.CharField(source="category.code", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    department_name = serializers.SerializerMethodField()

    class Meta:
        model = DepreciationEntry
        fields = [
            "id",
            "category",
            "category_code",
            "category_name",
            "department",
            "department_name",
            "funding_source",
            "asset_count",
            "amount",
        ]
        read_only_fields = fields

    def get_department_name(self, obj) -> str:
        return obj.department.name if obj.department_id else ""


class DepreciationRunSerializer(serializers.ModelSerializer):
    month = serializers.SerializerMethodField()
    ran_by_name = serializers.SerializerMethodField()

    class Meta:
        model = DepreciationRun
        fields = [
            "id",
            "period",
            "month",
            "asset_count",
            "total_amount",
            "ran_at",
            "ran_by",
            "ran_by_name",
        ]
        read_only_fields = fields

    def get_month(self, obj) -> str:
        return f"{obj.period:%Y-%m}"

    def get_ran_by_name(self, obj) -> str:
        return obj.ran_by.get_full_name() if obj.ran_by_id else ""


class DepreciationRunDetailSerializer(DepreciationRunSerializer):
    entries = DepreciationEntrySerializer(many=True, read_only=True)

    class Meta(DepreciationRunSerializer.Meta):
        fields = [*DepreciationRunSerializer.Meta.fields, "entries"]
        read_only_fields = fields


class RunRequestSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="The month to depreciate, YYYY-MM.")

    def validate_month(self, value):
        try:
            return reports_ledger.parse_month(value)
        except reports_ledger.PeriodError as exc:
            raise serializers.ValidationError(str(exc)) from None


class QueuedSerializer(serializers.Serializer):
    month = serializers.CharField()
    queued = serializers.BooleanField()


class DepreciationRunViewSet(RestrictedReadOnlyViewSet):
    queryset = DepreciationRun.objects.select_related("ran_by").order_by("-period")
    serializer_class = DepreciationRunSerializer
    restricted_actions = {"run": "view"}

    def get_serializer_class(self):
        if self.action in ("retrieve", "run"):
            return DepreciationRunDetailSerializer
        return DepreciationRunSerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(_entries())
        return queryset

    @extend_schema(
        request=RunRequestSerializer,
        responses={200: DepreciationRunDetailSerializer, 202: QueuedSerializer},
    )
    @action(detail=False, methods=["post"])
    def run(self, request, **kwargs):
        data = RunRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        month = data.validated_data["month"]
        run = services_ledger.request_run(school=_school(request), month=month, by=request.user)
        if run is None:  # a very big school: queued for the task worker
            return Response({"month": f"{month:%Y-%m}", "queued": True}, status=202)
        run = self.scoped("view").prefetch_related(_entries()).get(pk=run.pk)
        return Response(DepreciationRunDetailSerializer(run, context={"request": request}).data)


def _entries():
    from django.db.models import Prefetch

    return Prefetch(
        "entries",
        queryset=DepreciationEntry.objects.select_related("category", "department").order_by(
            "category__code", "department__name", "funding_source", "pk"
        ),
    )


class LedgerReportViewSet(viewsets.ViewSet):
    """The ledger report as JSON (no rows of its own: figures computed per request)."""

    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [RestrictedPermission]

    @extend_schema(
        parameters=[
            OpenApiParameter("period", str, enum=list(reports_ledger.PERIOD_KINDS)),
            OpenApiParameter("month", str, description="YYYY-MM (period=month)"),
            OpenApiParameter("year", int, description="period=year"),
            OpenApiParameter("term", int, description="a term id (period=term)"),
            OpenApiParameter("start", str, description="YYYY-MM (period=range)"),
            OpenApiParameter("end", str, description="YYYY-MM (period=range)"),
            OpenApiParameter("by", str, enum=list(reports_ledger.GROUPINGS)),
            OpenApiParameter("kind", str, enum=list(reports_ledger.KINDS)),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def list(self, request, **kwargs):
        school = _school(request)
        access = access_for(request.user, school.pk)
        if not access.is_member or not access.has_perm(VIEW_PERM):
            raise exceptions.PermissionDenied(_("You may not read the asset ledger."))
        by = request.query_params.get("by") or "category"
        kind = request.query_params.get("kind") or "fixed"
        if by not in reports_ledger.GROUPINGS:
            raise exceptions.ValidationError({"by": [_("Unknown grouping.")]})
        if kind not in reports_ledger.KINDS:
            raise exceptions.ValidationError({"kind": [_("Unknown kind of asset.")]})
        try:
            period = reports_ledger.parse_period(
                request.query_params,
                school_id=school.pk,
                today=services_ledger.school_today(school),
            )
        except reports_ledger.PeriodError as exc:
            raise exceptions.ValidationError({"period": [str(exc)]}) from None
        report = reports_ledger.ledger(school, period, by=by, kind=kind)
        return Response(report.as_dict())


def register(router) -> None:
    router.register("depreciation-runs", DepreciationRunViewSet, basename="depreciation-run")
    router.register("ledger", LedgerReportViewSet, basename="ledger")
