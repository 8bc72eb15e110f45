"""Requisitions (/api/stores/requisitions/) and quotas (/api/stores/requisition-quotas/).

Reading is scoped as on the pages (own, department's for heads, all for the stores' staff);
creating and every action call ``services_requisitions``, so a refusal (wrong department,
over quota, not enough on hand…) is the same message the pages show. Approving, rejecting
and returning go through the approvals API like every document.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from houqin.core.api import (
    RestrictedModelSerializer,
    RestrictedReadOnlyViewSet,
    RestrictedViewSet,
    acting_school_id,
)
from houqin.org.models import Department

from . import services_requisitions as reqs
from .filters_requisitions import QuotaFilterSet, RequisitionFilterSet
from .models import Item, Store
from .models.requisitions import Requisition, RequisitionLine, RequisitionQuota

RELATED = ("department", "requested_by", "store")


class RequisitionLineSerializer(serializers.ModelSerializer):
    item_code = serializers.CharField(source="item.code", read_only=True)
    item_name = serializers.CharField(source="item.name", read_only=True)
    unit = serializers.CharField(source="item.unit", read_only=True)
    outstanding = serializers.DecimalField(max_digits=14, decimal_places=3, read_only=True)

    class Meta:
        model = RequisitionLine
        fields = ["id", "item", "item_code", "item_name", "unit", "quantity", "issued",
                  "outstanding", "note"]  # fmt: skip
        read_only_fields = fields


class RequisitionSerializer(serializers.ModelSerializer):
    department_name = serializers.CharField(source="department.name", read_only=True)
    requested_by_name = serializers.SerializerMethodField()
    store_name = serializers.CharField(source="store.name", read_only=True)

    class Meta:
        model = Requisition
        fields = [
            "id",
            "number",
            "status",
            "department",
            "department_name",
            "requested_by",
            "requested_by_name",
            "store",
            "store_name",
            "purpose",
            "needed_by",
            "estimated_value",
            "submitted_at",
            "approved_at",
            "issued_at",
            "received_at",
            "confirmed_automatically",
            "close_reason",
        ]
        read_only_fields = fields

    def get_requested_by_name(self, obj) -> str:
        return str(obj.requested_by)


class RequisitionDetailSerializer(RequisitionSerializer):
    lines = RequisitionLineSerializer(many=True, read_only=True)

    class Meta(RequisitionSerializer.Meta):
        fields = [*RequisitionSerializer.Meta.fields, "lines"]
        read_only_fields = fields


class RequisitionLineInputSerializer(serializers.Serializer):
    item = serializers.IntegerField()
    quantity = serializers.DecimalField(max_digits=14, decimal_places=3)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class RequisitionCreateSerializer(serializers.Serializer):
    department = serializers.IntegerField()
    purpose = serializers.CharField(max_length=200)
    needed_by = serializers.DateField(required=False, allow_null=True, default=None)
    store = serializers.IntegerField(required=False, allow_null=True, default=None)
    lines = RequisitionLineInputSerializer(many=True, allow_empty=False)
    submit = serializers.BooleanField(default=False, help_text="Send for approval at once.")


class IssueLineSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    quantity = serializers.DecimalField(max_digits=14, decimal_places=3)


class IssueSerializer(serializers.Serializer):
    lines = IssueLineSerializer(many=True, allow_empty=False)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class RequisitionReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


def _one(model, pk, school_id, field):
    if pk is None:
        return None
    obj = model.objects.filter(school_id=school_id, pk=pk).first()
    if obj is None:
        raise serializers.ValidationError({field: ["Not found in this school."]})
    return obj


class RequisitionViewSet(mixins.CreateModelMixin, RestrictedReadOnlyViewSet):
    """Requisitions (领用): list, read, ask (optionally submitted at once), submit, cancel,
    issue (keepers; partial allowed), close the rest (keepers), confirm receipt (requester)."""

    queryset = Requisition.objects.select_related(*RELATED)
    serializer_class = RequisitionSerializer
    filterset_class = RequisitionFilterSet
    restricted_actions = {a: "view" for a in ("submit", "cancel", "issue", "close", "confirm")}

    def scoped(self, action):
        if action == "view":
            return reqs.requisitions_for(self.request.user).select_related(*RELATED)
        return super().scoped(action)

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action == "retrieve":
            qs = qs.prefetch_related("lines__item")
        return qs

    def get_serializer_class(self):
        return {
            "retrieve": RequisitionDetailSerializer,
            "create": RequisitionCreateSerializer,
            "issue": IssueSerializer,
            "close": RequisitionReasonSerializer,
            "cancel": RequisitionReasonSerializer,
            "submit": serializers.Serializer,
            "confirm": serializers.Serializer,
        }.get(self.action, RequisitionSerializer)

    def _answer(self, requisition, code=status.HTTP_200_OK):
        fresh = (
            Requisition.objects.select_related(*RELATED)
            .prefetch_related("lines__item")
            .get(pk=requisition.pk)
        )
        return Response(
            RequisitionDetailSerializer(fresh, context=self.get_serializer_context()).data,
            status=code,
        )

    @extend_schema(request=RequisitionCreateSerializer, responses={201: RequisitionDetailSerializer})
    def create(self, request, *args, **kwargs):
        serializer = RequisitionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        school_id = acting_school_id(request)
        department = _one(Department, data["department"], school_id, "department")
        store = _one(Store, data["store"], school_id, "store")
        ids = [line["item"] for line in data["lines"]]
        items = Item.objects.filter(school_id=school_id).in_bulk(ids)
        unknown = [str(pk) for pk in ids if pk not in items]
        if unknown:
            raise serializers.ValidationError(
                {"lines": [f"No item of this school: {', '.join(unknown)}"]}
            )
        requisition = reqs.create(
            by=request.user,
            department=department,
            purpose=data["purpose"],
            needed_by=data["needed_by"],
            store=store,
            lines=[
                reqs.LineInput(items[line["item"]], line["quantity"], line["note"])
                for line in data["lines"]
            ],
            submit_now=data["submit"],
        )
        return self._answer(requisition, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=RequisitionDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None, **kwargs):
        """Send a draft (or one returned for changes) for approval; the requester only."""
        requisition = self.get_object()
        reqs.submit(requisition, by=request.user)
        return self._answer(requisition)

    @extend_schema(request=RequisitionReasonSerializer, responses=RequisitionDetailSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None, **kwargs):
        requisition = self.get_object()
        serializer = RequisitionReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reqs.cancel(requisition, by=request.user, reason=serializer.validated_data["reason"])
        return self._answer(requisition)

    @extend_schema(request=IssueSerializer, responses=RequisitionDetailSerializer)
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None, **kwargs):
        """Issue ``{"lines": [{"line": id, "quantity": 2}]}`` now; all lines or none."""
        requisition = self.get_object()
        serializer = IssueSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        reqs.issue(
            requisition,
            {row["line"]: row["quantity"] for row in data["lines"]},
            by=request.user,
            note=data["note"],
        )
        return self._answer(requisition)

    @extend_schema(request=RequisitionReasonSerializer, responses=RequisitionDetailSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None, **kwargs):
        """No more will be issued: partly issued → to confirm; nothing issued → closed."""
        requisition = self.get_object()
        serializer = RequisitionReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reqs.close_rest(requisition, by=request.user, reason=serializer.validated_data["reason"])
        return self._answer(requisition)

    @extend_schema(request=None, responses=RequisitionDetailSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None, **kwargs):
        """The requester confirms receipt."""
        requisition = self.get_object()
        reqs.confirm(requisition, by=request.user)
        return self._answer(requisition)


class QuotaSerializer(RestrictedModelSerializer):
    used = serializers.DecimalField(
        max_digits=14, decimal_places=3, read_only=True, required=False,
        help_text="Issued plus approved and not yet issued in the term.",
    )  # fmt: skip

    class Meta:
        model = RequisitionQuota
        fields = ["id", "department", "term", "item", "category", "quantity", "used", "note"]


class RequisitionQuotaViewSet(RestrictedViewSet):
    """Quotas per department and term, of an item or a category (the director sets them)."""

    queryset = RequisitionQuota.objects.select_related("department", "term", "item", "category")
    serializer_class = QuotaSerializer
    filterset_class = QuotaFilterSet

    def scoped(self, action):
        return reqs.with_usage(super().scoped(action))


def register(router) -> None:
    router.register("requisitions", RequisitionViewSet, basename="requisition")
    router.register("requisition-quotas", RequisitionQuotaViewSet, basename="requisitionquota")
