"""The catalogue API (/api/stores/…): items (list, detail, create, update: the same filters as
the page, with on-hand and value), balances per item and store, and the stock ledger (read
only: stock changes through the services, never by writing a move)."""

from __future__ import annotations

import django_filters
from rest_framework import mixins, serializers

from houqin.core.api import (
    RestrictedModelSerializer,
    RestrictedReadOnlyViewSet,
    RestrictedWriteMixin,
)

from . import selectors
from .filters_catalogue import ItemFilterSet, StockMoveFilterSet
from .models import Item, ItemCategory, StockBalance, StockMove, Store


class ItemSerializer(RestrictedModelSerializer):
    category_name = serializers.CharField(source="category.name", read_only=True, default="")
    on_hand = serializers.DecimalField(max_digits=14, decimal_places=3, read_only=True)
    stock_value = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)

    class Meta:
        model = Item
        fields = [
            "id", "code", "name", "specification", "unit", "category", "category_name",
            "reorder_level", "reorder_quantity", "preferred_vendor", "reference_price",
            "sheets_per_unit", "paper_size", "is_active", "note", "on_hand", "stock_value",
        ]  # fmt: skip

    def create(self, validated_data):
        item = super().create(validated_data)
        item.on_hand = item.stock_value = selectors.ZERO
        return item

    def update(self, instance, validated_data):
        item = super().update(instance, validated_data)
        fresh = selectors.with_stock(Item.objects.filter(pk=item.pk)).get()
        item.on_hand, item.stock_value = fresh.on_hand, fresh.stock_value
        return item


class ItemViewSet(
    RestrictedWriteMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
    RestrictedReadOnlyViewSet,
):  # fmt: skip
    queryset = Item.objects.select_related("category")
    serializer_class = ItemSerializer
    filterset_class = ItemFilterSet

    def scoped(self, action):
        store = self.request.query_params.get("store", "")
        return selectors.with_stock(
            super().scoped(action), int(store) if store.isdigit() else None
        ).order_by("code")


class ItemCategorySerializer(RestrictedModelSerializer):
    class Meta:
        model = ItemCategory
        fields = ["id", "name", "code", "sort_order"]
        read_only_fields = fields


class CategoryViewSet(RestrictedReadOnlyViewSet):
    queryset = ItemCategory.objects.all()
    serializer_class = ItemCategorySerializer
    pagination_class = None  # tens of categories


class StoreSerializer(RestrictedModelSerializer):
    class Meta:
        model = Store
        fields = ["id", "name", "room", "keeper", "is_default", "is_active"]
        read_only_fields = fields


class StoreViewSet(RestrictedReadOnlyViewSet):
    queryset = Store.objects.all()
    serializer_class = StoreSerializer
    pagination_class = None  # a few stores


class BalanceFilterSet(django_filters.FilterSet):
    item = django_filters.NumberFilter(field_name="item_id")
    store = django_filters.NumberFilter(field_name="store_id")
    in_stock = django_filters.BooleanFilter(method="filter_in_stock")

    class Meta:
        model = StockBalance
        fields = ["item", "store", "in_stock"]

    def filter_in_stock(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(quantity__gt=0) if value else queryset.filter(quantity=0)


class BalanceSerializer(serializers.ModelSerializer):
    item_code = serializers.CharField(source="item.code", read_only=True)
    item_name = serializers.CharField(source="item.name", read_only=True)
    unit = serializers.CharField(source="item.unit", read_only=True)
    store_name = serializers.CharField(source="store.name", read_only=True)
    average_cost = serializers.DecimalField(max_digits=14, decimal_places=4, read_only=True)

    class Meta:
        model = StockBalance
        fields = [
            "id", "item", "item_code", "item_name", "unit", "store", "store_name", "quantity",
            "value", "average_cost", "last_move_at",
        ]  # fmt: skip
        read_only_fields = fields


class BalanceViewSet(RestrictedReadOnlyViewSet):
    queryset = StockBalance.objects.select_related("item", "store").order_by(
        "item__code", "store_id"
    )
    serializer_class = BalanceSerializer
    filterset_class = BalanceFilterSet


class MoveSerializer(serializers.ModelSerializer):
    item_code = serializers.CharField(source="item.code", read_only=True)
    store_name = serializers.CharField(source="store.name", read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True, default="")
    by_name = serializers.CharField(source="by.full_name", read_only=True)

    class Meta:
        model = StockMove
        fields = [
            "id", "occurred_at", "item", "item_code", "store", "store_name", "kind", "quantity",
            "unit_cost", "amount", "balance_quantity", "balance_value", "department",
            "department_name", "document_type", "document_id", "document_number", "by",
            "by_name", "note",
        ]  # fmt: skip
        read_only_fields = fields


class MoveViewSet(RestrictedReadOnlyViewSet):
    queryset = StockMove.objects.select_related("item", "store", "department", "by").order_by(
        "-occurred_at", "-pk"
    )
    serializer_class = MoveSerializer
    filterset_class = StockMoveFilterSet


def register(router) -> None:
    router.register("items", ItemViewSet, basename="item")
    router.register("item-categories", CategoryViewSet, basename="itemcategory")
    router.register("stores", StoreViewSet, basename="store")
    router.register("balances", BalanceViewSet, basename="balance")
    router.register("moves", MoveViewSet, basename="move")
