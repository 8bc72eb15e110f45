"""The stock-take API (/api/assets/stocktakes/…): list and detail, the scan endpoint the phone
page posts to (idempotent by ``client_id``), live progress and the lines.

Reading goes through ``restrict``; a scan calls ``services_stocktake.scan``, which checks who
may scan, so a refusal is the same message the pages show, answered as JSON.
"""

from __future__ import annotations

import django_filters
from django.db.models import Q
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from houqin.core.api import RestrictedReadOnlyViewSet
from houqin.core.filters import TenantFilterSet
from houqin.org.models import Room

from . import documents_stocktake  # noqa: F401  (the approval handlers)
from . import services_stocktake as services
from .models import ScanResult, StockTake, StockTakeItem, StockTakeStatus
from .views_stocktake import StockTakeFilterSet, scan_row


class StockTakeSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    started_by_name = serializers.CharField(source="started_by.__str__", read_only=True)

    class Meta:
        model = StockTake
        fields = [
            "id",
            "number",
            "name",
            "status",
            "status_label",
            "buildings",
            "rooms",
            "departments",
            "categories",
            "notes",
            "started_by",
            "started_by_name",
            "started_at",
            "closed_at",
            "applied_at",
        ]
        read_only_fields = fields


class RoomProgressSerializer(serializers.Serializer):
    room = serializers.IntegerField(allow_null=True)
    label = serializers.CharField()
    expected = serializers.IntegerField()
    found = serializers.IntegerField(help_text="Found in the room they were expected in.")
    moved_out = serializers.IntegerField(help_text="Expected here, found elsewhere.")
    missing = serializers.IntegerField(help_text="Not found (yet).")
    moved_in = serializers.IntegerField(help_text="Found here, expected elsewhere.")
    surplus = serializers.IntegerField(help_text="Found here, outside the scope or unknown.")
    counted = serializers.IntegerField()
    percent = serializers.IntegerField()


class ProgressSerializer(serializers.Serializer):
    total = RoomProgressSerializer()
    rooms = RoomProgressSerializer(many=True)
    scans = serializers.IntegerField()


def progress_data(report) -> dict:
    return {
        "total": report.total.as_dict(),
        "rooms": [r.as_dict() for r in report.rooms],
        "scans": report.scans,
    }


class StockTakeDetailSerializer(StockTakeSerializer):
    progress = serializers.SerializerMethodField()

    class Meta(StockTakeSerializer.Meta):
        fields = [*StockTakeSerializer.Meta.fields, "progress"]
        read_only_fields = fields

    @extend_schema(responses=ProgressSerializer)
    def get_progress(self, obj) -> dict:
        return progress_data(services.progress(obj))


class ScanInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=200, help_text="Label URL, QR token or asset number.")
    room = serializers.IntegerField(help_text="The room being counted.")
    client_id = serializers.UUIDField(
        help_text="Made by the phone for each scan: a resent scan is stored once."
    )
    scanned_at = serializers.DateTimeField(required=False, allow_null=True)
    typed = serializers.BooleanField(default=False, help_text="Typed by hand, not scanned.")


class ScanAnswerSerializer(serializers.Serializer):
    client_id = serializers.UUIDField()
    duplicate = serializers.BooleanField()
    code = serializers.CharField()
    asset = serializers.CharField()
    result = serializers.ChoiceField(choices=ScanResult.choices)
    result_label = serializers.CharField()
    room = serializers.IntegerField()
    room_label = serializers.CharField()
    expected_room_label = serializers.CharField()
    scanned_at = serializers.CharField()
    progress = RoomProgressSerializer()


class StockTakeItemSerializer(serializers.ModelSerializer):
    result_label = serializers.CharField(source="get_result_display", read_only=True)
    asset_number = serializers.CharField(source="asset.number", default="", read_only=True)
    asset_name = serializers.CharField(source="asset.name", default="", read_only=True)
    expected_room_label = serializers.SerializerMethodField()
    found_room_label = serializers.SerializerMethodField()

    class Meta:
        model = StockTakeItem
        fields = [
            "id",
            "asset",
            "asset_number",
            "asset_name",
            "code",
            "expected_room",
            "expected_room_label",
            "found_room",
            "found_room_label",
            "result",
            "result_label",
            "correction",
            "scanned_at",
            "scanned_by",
        ]
        read_only_fields = fields

    def get_expected_room_label(self, obj) -> str:
        return str(obj.expected_room) if obj.expected_room_id else ""

    def get_found_room_label(self, obj) -> str:
        return str(obj.found_room) if obj.found_room_id else ""


class ItemFilterSet(TenantFilterSet):
    search_fields = ("asset__number", "asset__name", "code")
    result = django_filters.MultipleChoiceFilter(choices=ScanResult.choices)
    room = django_filters.NumberFilter(method="in_room", label="Expected or found in this room")

    class Meta:
        model = StockTakeItem
        fields = ["q", "result", "room"]

    def in_room(self, queryset, name, value):
        return queryset.filter(Q(expected_room_id=value) | Q(found_room_id=value))


class StockTakeViewSet(RestrictedReadOnlyViewSet):
    """Stock-takes of the acting school; ``scan`` records one scan (keepers, clerks)."""

    queryset = StockTake.objects.select_related("started_by").prefetch_related(
        "buildings", "rooms", "departments", "categories"
    )
    serializer_class = StockTakeSerializer
    filterset_class = StockTakeFilterSet
    restricted_actions = {"scan": "view", "progress": "view", "items": "view"}

    def get_serializer_class(self):
        if self.action == "retrieve":
            return StockTakeDetailSerializer
        if self.action == "scan":
            return ScanInputSerializer
        if self.action == "items":
            return StockTakeItemSerializer
        return StockTakeSerializer

    def filter_queryset(self, queryset):
        if self.action in ("scan", "progress", "items"):
            return queryset  # the stock-take's own filters do not apply to its sub-resources
        return super().filter_queryset(queryset)

    @extend_schema(
        request=ScanInputSerializer,
        responses={201: ScanAnswerSerializer, 200: ScanAnswerSerializer},
    )
    @action(detail=True, methods=["post"])
    def scan(self, request, pk=None, **kwargs):
        """Record a scan; the same ``client_id`` again answers 200 with the stored scan."""
        stocktake = self.get_object()
        serializer = ScanInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        room = Room.objects.filter(pk=data["room"], school_id=stocktake.school_id).first()
        outcome = services.scan(
            stocktake,
            by=request.user,
            code=data["code"],
            room=room,
            client_id=data["client_id"],
            scanned_at=data.get("scanned_at"),
            typed=data["typed"],
        )
        record = (
            type(outcome.scan)
            .objects.select_related(
                "room__floor__building", "item__asset", "item__expected_room__floor__building"
            )
            .get(pk=outcome.scan.pk)
        )
        body = {
            **scan_row(record),
            "duplicate": outcome.duplicate,
            "progress": services.room_progress(stocktake, record.room_id).as_dict(),
        }
        code = status.HTTP_200_OK if outcome.duplicate else status.HTTP_201_CREATED
        return Response(body, status=code)

    @extend_schema(
        parameters=[OpenApiParameter("room", int, description="Only this room")],
        responses=ProgressSerializer,
    )
    @action(detail=True, methods=["get"])
    def progress(self, request, pk=None, **kwargs):
        """Per room: expected, found, moved out and in, missing so far, surplus."""
        stocktake = self.get_object()
        room = request.query_params.get("room")
        room_ids = [int(room)] if room and room.isdigit() else None
        return Response(progress_data(services.progress(stocktake, room_ids=room_ids)))

    @extend_schema(responses=StockTakeItemSerializer(many=True))
    @action(detail=True, methods=["get"])
    def items(self, request, pk=None, **kwargs):
        """The lines (filter ``result``, ``room``, ``q``), paginated."""
        stocktake = self.get_object()
        # Whoever may see the stock-take sees its lines (as on its pages).
        lines = (
            StockTakeItem.objects.filter(stocktake=stocktake, school_id=stocktake.school_id)
            .select_related(
                "asset", "expected_room__floor__building", "found_room__floor__building"
            )
            .order_by("pk")
        )
        filterset = ItemFilterSet(request.query_params, queryset=lines, request=request)
        if not filterset.is_valid():
            return Response(filterset.errors, status=status.HTTP_400_BAD_REQUEST)
        page = self.paginate_queryset(filterset.qs)
        serializer = StockTakeItemSerializer(page, many=True, context={"request": request})
        return self.get_paginated_response(serializer.data)


def register(router):
    router.register("stocktakes", StockTakeViewSet, basename="stocktake")


__all__ = ["StockTakeViewSet", "StockTakeStatus", "register"]
