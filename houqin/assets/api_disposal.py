"""Disposals and damage records in the API (/api/assets/disposals/, /api/assets/damage/).

Reading is scoped as on the pages; creating and every action call the services, so a refusal
is the same DomainError the pages show, answered as JSON.
"""

from __future__ import annotations

from django.apps import apps
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from houqin.core.api import RestrictedReadOnlyViewSet, acting_school_id, in_school, school_member

from . import services_damage as damage
from . import services_disposal as disposals
from .forms_disposal import DamageFilterSet, DisposalFilterSet
from .models import (
    Asset,
    DamageCause,
    DamageRecord,
    Disposal,
    DisposalKind,
    DisposalLine,
)
from .views_damage import DAMAGE_RELATED
from .views_disposal import disposals_for

# ---------------------------------------------------------------- serializers


class DisposalLineSerializer(serializers.ModelSerializer):
    asset_number = serializers.CharField(source="asset.number", read_only=True)
    asset_name = serializers.CharField(source="asset.name", read_only=True)
    net_value = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)

    class Meta:
        model = DisposalLine
        fields = [
            "asset",
            "asset_number",
            "asset_name",
            "quantity",
            "original_value",
            "accumulated_depreciation",
            "net_value",
        ]
        read_only_fields = fields


class DisposalSerializer(serializers.ModelSerializer):
    department_name = serializers.SerializerMethodField()
    requested_by_name = serializers.SerializerMethodField()

    class Meta:
        model = Disposal
        fields = [
            "id",
            "number",
            "kind",
            "status",
            "reason",
            "appraisal",
            "department",
            "department_name",
            "total_value",
            "residual_income",
            "requested_by",
            "requested_by_name",
            "submitted_at",
            "disposed_on",
            "is_historic",
            "approval_reference",
            "created_at",
        ]
        read_only_fields = fields

    def get_department_name(self, obj) -> str:
        return str(obj.department) if obj.department_id else ""

    def get_requested_by_name(self, obj) -> str:
        return str(obj.requested_by)


class DisposalDetailSerializer(DisposalSerializer):
    lines = DisposalLineSerializer(many=True, read_only=True)

    class Meta(DisposalSerializer.Meta):
        fields = [*DisposalSerializer.Meta.fields, "lines"]
        read_only_fields = fields


class LineInputSerializer(serializers.Serializer):
    asset = serializers.IntegerField(required=False, help_text="The asset's id…")
    number = serializers.CharField(required=False, help_text="…or its asset number.")
    quantity = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        required=False,
        allow_null=True,
        help_text="Part of a batch card; empty for the whole card.",
    )

    def validate(self, attrs):
        if not attrs.get("asset") and not attrs.get("number"):
            raise serializers.ValidationError(_("Give each line's asset id or number."))
        return attrs


class DisposalCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DisposalKind.choices, default=DisposalKind.SCRAP)
    reason = serializers.CharField(max_length=2000)
    appraisal = serializers.CharField(required=False, allow_blank=True, default="")
    department = serializers.IntegerField(required=False, allow_null=True)
    residual_income = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, default=0
    )
    lines = LineInputSerializer(many=True, allow_empty=False)
    submit = serializers.BooleanField(default=False, help_text="Send for approval at once.")


class DamageSerializer(serializers.ModelSerializer):
    asset_number = serializers.SerializerMethodField()
    place = serializers.SerializerMethodField()
    class_name = serializers.SerializerMethodField()
    outstanding = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)

    class Meta:
        model = DamageRecord
        fields = [
            "id",
            "number",
            "occurred_on",
            "asset",
            "asset_number",
            "room",
            "place",
            "description",
            "cause",
            "responsible_user",
            "responsible_name",
            "school_class",
            "class_name",
            "assessed_amount",
            "paid_amount",
            "paid_on",
            "outstanding",
            "class_points",
            "status",
            "work_order",
            "recorded_by",
            "created_at",
        ]
        read_only_fields = fields

    def get_asset_number(self, obj) -> str:
        return obj.asset.number if obj.asset_id else ""

    def get_place(self, obj) -> str:
        return str(obj.room) if obj.room_id else ""

    def get_class_name(self, obj) -> str:
        return str(obj.school_class) if obj.school_class_id else ""


class DamageCreateSerializer(serializers.Serializer):
    asset = serializers.IntegerField(required=False, allow_null=True)
    room = serializers.IntegerField(required=False, allow_null=True)
    occurred_on = serializers.DateField(required=False, allow_null=True)
    description = serializers.CharField(max_length=2000)
    cause = serializers.ChoiceField(choices=DamageCause.choices, default=DamageCause.NEGLIGENCE)
    responsible_user = serializers.IntegerField(required=False, allow_null=True)
    responsible_name = serializers.CharField(
        max_length=60, required=False, allow_blank=True, default=""
    )
    school_class = serializers.IntegerField(required=False, allow_null=True)
    assessed_amount = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=0,
        required=False,
        allow_null=True,
        help_text="Empty: the school rule's suggestion.",
    )
    repair_cost = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    class_points = serializers.DecimalField(
        max_digits=6, decimal_places=1, min_value=0, required=False, allow_null=True
    )
    work_order = serializers.IntegerField(required=False, allow_null=True)


class PaymentSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    paid_on = serializers.DateField(required=False, allow_null=True)


class DisposalReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


# ---------------------------------------------------------------- viewsets


class DisposalViewSet(mixins.CreateModelMixin, RestrictedReadOnlyViewSet):
    """Disposal requests: list, read, create (optionally submitted at once) and submit.
    Approving, rejecting and returning go through /api/…/approvals like every document."""

    queryset = Disposal.objects.select_related("department", "requested_by")
    serializer_class = DisposalSerializer
    filterset_class = DisposalFilterSet
    restricted_actions = {"submit": "view"}

    def scoped(self, action):
        if action == "view":
            return disposals_for(self.request.user).select_related("department", "requested_by")
        return super().scoped(action)

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action == "retrieve":
            qs = qs.prefetch_related("lines__asset")
        return qs

    def get_serializer_class(self):
        return {
            "retrieve": DisposalDetailSerializer,
            "create": DisposalCreateSerializer,
            "submit": serializers.Serializer,
        }.get(self.action, DisposalSerializer)

    def _answer(self, disposal, code=status.HTTP_200_OK):
        fresh = (
            disposals_for(self.request.user)
            .select_related("department", "requested_by")
            .prefetch_related("lines__asset")
            .get(pk=disposal.pk)
        )
        return Response(
            DisposalDetailSerializer(fresh, context=self.get_serializer_context()).data,
            status=code,
        )

    @extend_schema(request=DisposalCreateSerializer, responses={201: DisposalDetailSerializer})
    def create(self, request, *args, **kwargs):
        serializer = DisposalCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        school_id = acting_school_id(request)
        ids = [line["asset"] for line in data["lines"] if line.get("asset")]
        numbers = [line["number"] for line in data["lines"] if not line.get("asset")]
        by_id = Asset.objects.filter(school_id=school_id).in_bulk(ids)
        by_number, unknown = disposals.find_by_numbers(school_id, numbers)
        unknown += [str(pk) for pk in ids if pk not in by_id]
        if unknown:
            raise serializers.ValidationError(
                {"lines": [_("No asset of this school: %(items)s") % {"items": ", ".join(unknown)}]}
            )
        lines = [
            (
                by_id[line["asset"]] if line.get("asset") else by_number[line["number"]],
                line.get("quantity"),
            )
            for line in data["lines"]
        ]
        department = in_school(
            apps.get_model("org", "Department"), data.get("department"), school_id, "department"
        )
        from django.db import transaction

        with transaction.atomic():
            disposal = disposals.create_disposal(
                by=request.user,
                school=school_id,
                lines=lines,
                kind=data["kind"],
                reason=data["reason"],
                appraisal=data["appraisal"],
                department=department,
                residual_income=data["residual_income"],
            )
            if data["submit"]:
                disposals.submit(disposal, by=request.user)
        return self._answer(disposal, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=DisposalDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None, **kwargs):
        """Send a draft (or one returned for changes) for approval; the requester only."""
        disposal = self.get_object()
        disposals.submit(disposal, by=request.user)
        return self._answer(disposal)


class DamageViewSet(mixins.CreateModelMixin, RestrictedReadOnlyViewSet):
    """Damage records: list, read, record (the amount by the school rule unless given), pay and
    waive. Class teachers see and record their classes' damage."""

    queryset = DamageRecord.objects.select_related(*DAMAGE_RELATED)
    serializer_class = DamageSerializer
    filterset_class = DamageFilterSet
    restricted_actions = {"pay": "view", "waive": "view"}

    def get_serializer_class(self):
        return {
            "create": DamageCreateSerializer,
            "pay": PaymentSerializer,
            "waive": DisposalReasonSerializer,
        }.get(self.action, DamageSerializer)

    def _answer(self, record, code=status.HTTP_200_OK):
        fresh = self.scoped("view").filter(pk=record.pk).first()
        if fresh is None:  # recorded, but not visible to its recorder (should not happen)
            return Response(status=code)
        return Response(
            DamageSerializer(fresh, context=self.get_serializer_context()).data, status=code
        )

    @extend_schema(request=DamageCreateSerializer, responses={201: DamageSerializer})
    def create(self, request, *args, **kwargs):
        serializer = DamageCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        school_id = acting_school_id(request)
        record = damage.create_damage(
            by=request.user,
            school=school_id,
            asset=in_school(Asset, data.get("asset"), school_id, "asset"),
            room=in_school(apps.get_model("org", "Room"), data.get("room"), school_id, "room"),
            occurred_on=data.get("occurred_on"),
            description=data["description"],
            cause=data["cause"],
            responsible_user=school_member(
                data.get("responsible_user"), school_id, "responsible_user"
            ),
            responsible_name=data["responsible_name"],
            school_class=in_school(
                apps.get_model("org", "SchoolClass"),
                data.get("school_class"),
                school_id,
                "school_class",
            ),
            assessed_amount=data.get("assessed_amount"),
            repair_cost=data.get("repair_cost"),
            class_points=data.get("class_points"),
            work_order=in_school(
                apps.get_model("maintenance", "WorkOrder"),
                data.get("work_order"),
                school_id,
                "work_order",
            ),
        )
        return self._answer(record, status.HTTP_201_CREATED)

    @extend_schema(request=PaymentSerializer, responses=DamageSerializer)
    @action(detail=True, methods=["post"])
    def pay(self, request, pk=None, **kwargs):
        """Record money received; the record is paid once the assessed amount is."""
        record = self.get_object()
        serializer = PaymentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        damage.record_payment(
            record,
            by=request.user,
            amount=serializer.validated_data["amount"],
            paid_on=serializer.validated_data.get("paid_on"),
        )
        return self._answer(record)

    @extend_schema(request=DisposalReasonSerializer, responses=DamageSerializer)
    @action(detail=True, methods=["post"])
    def waive(self, request, pk=None, **kwargs):
        record = self.get_object()
        serializer = DisposalReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        damage.waive(record, by=request.user, reason=serializer.validated_data["reason"])
        return self._answer(record)


def register(router) -> None:
    router.register("disposals", DisposalViewSet, basename="disposal")
    router.register("damage", DamageViewSet, basename="damage")
