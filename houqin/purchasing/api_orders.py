"""Purchase orders and deliveries in the API (/api/purchasing/orders/, /api/purchasing/receipts/).

Reading is scoped as on the pages; creating and every action call the services, so a refusal
is the same DomainError the pages show, answered as JSON.

- ``GET orders/orderable/``: approved request lines not yet fully ordered, with their vendor;
- ``POST orders/`` ``{"lines": [{"request_line", "quantity"?, "vendor"?, "unit_price"?}],
  "expected_on"?, "note"?}``: draft orders, one per vendor (201, ``{"orders": [...]}``);
- ``POST orders/<id>/place/``, ``POST orders/<id>/cancel/`` ``{"reason"}``;
- ``POST receipts/`` ``{"order", "lines": [{"order_line", "quantity"}], "received_on"?,
  "store"?, "invoice_number"?, "invoice_amount"?}``: a delivery waiting for its check;
- ``POST receipts/<id>/accept/`` ``{"note"?}``, ``POST receipts/<id>/refuse/`` ``{"reason"}``.
"""

from __future__ import annotations

from django.apps import apps
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from houqin.core.api import RestrictedReadOnlyViewSet, acting_school_id, in_school

from . import services_orders as orders
from . import services_receiving as receiving
from .filters_orders import OrderFilterSet, ReceiptFilterSet
from .models import PurchaseOrder, PurchaseOrderLine, PurchaseRequestLine, Receipt, ReceiptLine

# ---------------------------------------------------------------- serializers


class OrderLineSerializer(serializers.ModelSerializer):
    request = serializers.IntegerField(source="request_line.request_id", read_only=True)
    request_number = serializers.CharField(source="request_line.request.number", read_only=True)
    description = serializers.CharField(source="request_line.description", read_only=True)
    unit = serializers.CharField(source="request_line.unit", read_only=True)
    kind = serializers.CharField(source="request_line.kind", read_only=True)
    amount = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)

    class Meta:
        model = PurchaseOrderLine
        fields = [
            "id",
            "request_line",
            "request",
            "request_number",
            "description",
            "kind",
            "quantity",
            "unit",
            "unit_price",
            "amount",
            "received_quantity",
        ]
        read_only_fields = fields


class OrderSerializer(serializers.ModelSerializer):
    vendor_name = serializers.CharField(source="vendor.name", read_only=True)
    buyer_name = serializers.CharField(source="buyer.__str__", read_only=True)

    class Meta:
        model = PurchaseOrder
        fields = [
            "id",
            "number",
            "vendor",
            "vendor_name",
            "buyer",
            "buyer_name",
            "status",
            "placed_on",
            "expected_on",
            "total",
            "funding_source",
            "note",
            "created_at",
        ]
        read_only_fields = fields


class OrderDetailSerializer(OrderSerializer):
    lines = OrderLineSerializer(many=True, read_only=True)

    class Meta(OrderSerializer.Meta):
        fields = [*OrderSerializer.Meta.fields, "lines"]
        read_only_fields = fields


class OrderableLineSerializer(serializers.ModelSerializer):
    request_number = serializers.CharField(source="request.number", read_only=True)
    department_name = serializers.CharField(source="request.department.name", read_only=True)
    left_to_order = serializers.DecimalField(max_digits=14, decimal_places=3, read_only=True)
    vendor = serializers.SerializerMethodField()
    vendor_name = serializers.SerializerMethodField()
    unit_price = serializers.SerializerMethodField()

    class Meta:
        model = PurchaseRequestLine
        fields = [
            "id",
            "request",
            "request_number",
            "department_name",
            "item",
            "description",
            "specification",
            "kind",
            "quantity",
            "unit",
            "estimated_price",
            "ordered_quantity",
            "left_to_order",
            "vendor",
            "vendor_name",
            "unit_price",
        ]
        read_only_fields = fields

    def get_vendor(self, obj) -> int | None:
        vendor = orders.vendor_for(obj)
        return vendor.pk if vendor else None

    def get_vendor_name(self, obj) -> str:
        vendor = orders.vendor_for(obj)
        return vendor.name if vendor else ""

    def get_unit_price(self, obj) -> str:
        return str(orders.quote_price(obj))


class SelectionSerializer(serializers.Serializer):
    request_line = serializers.IntegerField()
    quantity = serializers.DecimalField(
        max_digits=14, decimal_places=3, required=False, allow_null=True,
        help_text="Empty: all that is left to order.",
    )  # fmt: skip
    vendor = serializers.IntegerField(
        required=False, allow_null=True, help_text="Empty: the chosen quote's or the item's."
    )
    unit_price = serializers.DecimalField(
        max_digits=14, decimal_places=4, required=False, allow_null=True,
        help_text="Empty: the chosen quote's share, else the estimate.",
    )  # fmt: skip


class OrderCreateSerializer(serializers.Serializer):
    lines = SelectionSerializer(many=True, allow_empty=False)
    expected_on = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class OrderReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class ReceiptLineSerializer(serializers.ModelSerializer):
    description = serializers.CharField(
        source="order_line.request_line.description", read_only=True
    )
    unit_price = serializers.DecimalField(
        source="order_line.unit_price", max_digits=14, decimal_places=4, read_only=True
    )

    class Meta:
        model = ReceiptLine
        fields = ["id", "order_line", "description", "quantity", "unit_price", "stock_move",
                  "asset_ids"]  # fmt: skip
        read_only_fields = fields


class ReceiptSerializer(serializers.ModelSerializer):
    order_number = serializers.CharField(source="order.number", read_only=True)
    vendor_name = serializers.CharField(source="order.vendor.name", read_only=True)

    class Meta:
        model = Receipt
        fields = [
            "id",
            "number",
            "order",
            "order_number",
            "vendor_name",
            "status",
            "received_on",
            "recorded_by",
            "accepted_by",
            "accepted_at",
            "check_note",
            "invoice_number",
            "invoice_amount",
            "store",
            "created_at",
        ]
        read_only_fields = fields


class ReceiptDetailSerializer(ReceiptSerializer):
    lines = ReceiptLineSerializer(many=True, read_only=True)

    class Meta(ReceiptSerializer.Meta):
        fields = [*ReceiptSerializer.Meta.fields, "lines"]
        read_only_fields = fields


class DeliveredLineSerializer(serializers.Serializer):
    order_line = serializers.IntegerField()
    quantity = serializers.DecimalField(max_digits=14, decimal_places=3, min_value=0)


class ReceiptCreateSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    lines = DeliveredLineSerializer(many=True, allow_empty=False)
    received_on = serializers.DateField(required=False, allow_null=True)
    store = serializers.IntegerField(required=False, allow_null=True)
    invoice_number = serializers.CharField(
        max_length=40, required=False, allow_blank=True, default=""
    )
    invoice_amount = serializers.DecimalField(
        max_digits=16, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


# ---------------------------------------------------------------- viewsets


class OrderViewSet(mixins.CreateModelMixin, RestrictedReadOnlyViewSet):
    """Purchase orders: list, read, create from approved request lines (one per vendor),
    place, cancel; ``orderable`` lists the lines waiting to be ordered."""

    queryset = PurchaseOrder.objects.select_related("vendor", "buyer")
    serializer_class = OrderSerializer
    filterset_class = OrderFilterSet
    restricted_actions = {"place": "change", "cancel": "change", "orderable": "add"}

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action == "retrieve":
            qs = qs.prefetch_related("lines__request_line__request")
        return qs

    def get_serializer_class(self):
        return {
            "retrieve": OrderDetailSerializer,
            "create": OrderCreateSerializer,
            "cancel": OrderReasonSerializer,
            "place": serializers.Serializer,
            "orderable": OrderableLineSerializer,
        }.get(self.action, OrderSerializer)

    def _detail(self, order):
        fresh = (
            self.scoped("view").prefetch_related("lines__request_line__request").get(pk=order.pk)
        )
        return OrderDetailSerializer(fresh, context=self.get_serializer_context()).data

    @extend_schema(request=OrderCreateSerializer, responses={201: OrderDetailSerializer(many=True)})
    def create(self, request, *args, **kwargs):
        serializer = OrderCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        school_id = acting_school_id(request)
        company = apps.get_model("org", "Company")
        selections = [
            orders.Selection(
                line["request_line"],
                quantity=line.get("quantity"),
                vendor=in_school(company, line.get("vendor"), school_id, "vendor"),
                unit_price=line.get("unit_price"),
            )
            for line in data["lines"]
        ]
        with transaction.atomic():
            made = orders.create_orders(
                by=request.user,
                school=school_id,
                selections=selections,
                expected_on=data.get("expected_on"),
                note=data["note"],
            )
        return Response(
            {"orders": [self._detail(order) for order in made]}, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=None, responses=OrderDetailSerializer)
    @action(detail=True, methods=["post"])
    def place(self, request, pk=None, **kwargs):
        order = self.get_object()
        orders.place(order, by=request.user)
        return Response(self._detail(order))

    @extend_schema(request=OrderReasonSerializer, responses=OrderDetailSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None, **kwargs):
        order = self.get_object()
        serializer = OrderReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        orders.cancel(order, by=request.user, reason=serializer.validated_data["reason"])
        return Response(self._detail(order))

    @extend_schema(responses=OrderableLineSerializer(many=True))
    @action(detail=False, methods=["get"])
    def orderable(self, request, **kwargs):
        lines = orders.orderable_lines(acting_school_id(request))
        page = self.paginate_queryset(lines)
        if page is not None:
            data = OrderableLineSerializer(page, many=True).data
            return self.get_paginated_response(data)
        return Response(OrderableLineSerializer(lines, many=True).data)


class ReceiptViewSet(mixins.CreateModelMixin, RestrictedReadOnlyViewSet):
    """Deliveries: list, read, record against a placed order, accept or refuse (the acceptance
    check, by someone other than the order's buyer)."""

    queryset = Receipt.objects.select_related("order__vendor")
    serializer_class = ReceiptSerializer
    filterset_class = ReceiptFilterSet
    restricted_actions = {"accept": "view", "refuse": "view"}

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action == "retrieve":
            qs = qs.prefetch_related("lines__order_line__request_line")
        return qs

    def get_serializer_class(self):
        return {
            "retrieve": ReceiptDetailSerializer,
            "create": ReceiptCreateSerializer,
            "accept": NoteSerializer,
            "refuse": OrderReasonSerializer,
        }.get(self.action, ReceiptSerializer)

    def _answer(self, receipt, code=status.HTTP_200_OK):
        fresh = (
            self.scoped("view")
            .prefetch_related("lines__order_line__request_line")
            .get(pk=receipt.pk)
        )
        return Response(
            ReceiptDetailSerializer(fresh, context=self.get_serializer_context()).data, status=code
        )

    @extend_schema(request=ReceiptCreateSerializer, responses={201: ReceiptDetailSerializer})
    def create(self, request, *args, **kwargs):
        serializer = ReceiptCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        school_id = acting_school_id(request)
        order = (
            PurchaseOrder.objects.restrict(request.user, "view").filter(pk=data["order"]).first()
        )
        if order is None:
            raise serializers.ValidationError({"order": [_("No such record in this school.")]})
        store = in_school(apps.get_model("stores", "Store"), data.get("store"), school_id, "store")
        receipt = receiving.record_receipt(
            order,
            by=request.user,
            lines=[(line["order_line"], line["quantity"]) for line in data["lines"]],
            received_on=data.get("received_on"),
            store=store,
            invoice_number=data["invoice_number"],
            invoice_amount=data.get("invoice_amount"),
            note=data["note"],
        )
        return self._answer(receipt, status.HTTP_201_CREATED)

    @extend_schema(request=NoteSerializer, responses=ReceiptDetailSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None, **kwargs):
        receipt = self.get_object()
        serializer = NoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        receiving.accept(receipt, by=request.user, note=serializer.validated_data["note"])
        return self._answer(receipt)

    @extend_schema(request=OrderReasonSerializer, responses=ReceiptDetailSerializer)
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None, **kwargs):
        receipt = self.get_object()
        serializer = OrderReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        receiving.refuse(receipt, by=request.user, reason=serializer.validated_data["reason"])
        return self._answer(receipt)


def register(router) -> None:
    router.register("orders", OrderViewSet, basename="order")
    router.register("receipts", ReceiptViewSet, basename="receipt")
