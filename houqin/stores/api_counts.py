"""Stock counts in the API (/api/stores/stock-counts/): list, read with lines, start, record
counted quantities, submit, cancel. Approving goes through the approvals API like every
document; the same services as the pages, so a refusal is the same message."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from houqin.core.api import RestrictedReadOnlyViewSet, acting_school_id

from . import services_counts as counts
from .forms_counts import StockCountFilterSet
from .models import ItemCategory, Store
from .models.counts import StockCount, StockCountLine

RELATED = ("store", "started_by")


class StockCountLineSerializer(serializers.ModelSerializer):
    item_code = serializers.CharField(source="item.code", read_only=True)
    item_name = serializers.CharField(source="item.name", read_only=True)
    unit = serializers.CharField(source="item.unit", read_only=True)
    difference = serializers.DecimalField(max_digits=14, decimal_places=3, read_only=True)
    difference_value = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)

    class Meta:
        model = StockCountLine
        fields = [
            "id",
            "item",
            "item_code",
            "item_name",
            "unit",
            "expected",
            "unit_cost",
            "counted",
            "difference",
            "difference_value",
            "note",
            "adjustment",
        ]
        read_only_fields = fields


class StockCountSerializer(serializers.ModelSerializer):
    store_name = serializers.CharField(source="store.name", read_only=True)
    started_by_name = serializers.SerializerMethodField()

    class Meta:
        model = StockCount
        fields = [
            "id",
            "number",
            "store",
            "store_name",
            "status",
            "note",
            "started_by",
            "started_by_name",
            "started_at",
            "submitted_at",
            "applied_at",
            "difference_value",
        ]
        read_only_fields = fields

    def get_started_by_name(self, obj) -> str:
        return str(obj.started_by)


class StockCountDetailSerializer(StockCountSerializer):
    lines = StockCountLineSerializer(many=True, read_only=True)

    class Meta(StockCountSerializer.Meta):
        fields = [*StockCountSerializer.Meta.fields, "lines"]
        read_only_fields = fields


class StartSerializer(serializers.Serializer):
    store = serializers.IntegerField()
    categories = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CountedSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    counted = serializers.DecimalField(max_digits=14, decimal_places=3, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=200)


class RecordSerializer(serializers.Serializer):
    counts = CountedSerializer(many=True, allow_empty=False)


class SubmitSerializer(serializers.Serializer):
    uncounted_as_expected = serializers.BooleanField(default=False)


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class StockCountViewSet(mixins.CreateModelMixin, RestrictedReadOnlyViewSet):
    """Stock counts of the stores (物品盘点)."""

    queryset = StockCount.objects.select_related(*RELATED)
    serializer_class = StockCountSerializer
    filterset_class = StockCountFilterSet
    restricted_actions = {"record": "view", "submit": "view", "cancel": "view"}

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action == "retrieve":
            qs = qs.prefetch_related("lines__item")
        return qs

    def get_serializer_class(self):
        return {
            "retrieve": StockCountDetailSerializer,
            "create": StartSerializer,
            "record": RecordSerializer,
            "submit": SubmitSerializer,
            "cancel": CancelSerializer,
        }.get(self.action, StockCountSerializer)

    def _answer(self, count, code=status.HTTP_200_OK):
        fresh = (
            StockCount.objects.select_related(*RELATED)
            .prefetch_related("lines__item")
            .get(pk=count.pk)
        )
        return Response(
            StockCountDetailSerializer(fresh, context=self.get_serializer_context()).data,
            status=code,
        )

    @extend_schema(request=StartSerializer, responses={201: StockCountDetailSerializer})
    def create(self, request, *args, **kwargs):
        serializer = StartSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        school_id = acting_school_id(request)
        store = Store.objects.filter(school_id=school_id, pk=data["store"]).first()
        if store is None:
            raise serializers.ValidationError({"store": ["No such store in this school."]})
        categories = list(
            ItemCategory.objects.filter(school_id=school_id, pk__in=data["categories"])
        )
        if len(categories) != len(set(data["categories"])):
            raise serializers.ValidationError({"categories": ["No such category in this school."]})
        count = counts.start(store=store, categories=categories, note=data["note"], by=request.user)
        return self._answer(count, status.HTTP_201_CREATED)

    @extend_schema(request=RecordSerializer, responses=StockCountDetailSerializer)
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None, **kwargs):
        """Record counted quantities: ``{"counts": [{"line": id, "counted": 12}]}``."""
        count = self.get_object()
        serializer = RecordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rows = serializer.validated_data["counts"]
        notes = {row["line"]: row["note"] for row in rows if "note" in row}
        counts.record_counts(
            count, {row["line"]: row["counted"] for row in rows}, by=request.user, notes=notes
        )
        return self._answer(count)

    @extend_schema(request=SubmitSerializer, responses=StockCountDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None, **kwargs):
        """Send the count for approval (every line counted, or the rest taken as expected)."""
        count = self.get_object()
        serializer = SubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        counts.submit(
            count,
            by=request.user,
            uncounted_as_expected=serializer.validated_data["uncounted_as_expected"],
        )
        return self._answer(count)

    @extend_schema(request=CancelSerializer, responses=StockCountDetailSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None, **kwargs):
        count = self.get_object()
        serializer = CancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        counts.cancel(count, by=request.user, reason=serializer.validated_data["reason"])
        return self._answer(count)


def register(router) -> None:
    router.register("stock-counts", StockCountViewSet, basename="stockcount")
