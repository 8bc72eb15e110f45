"""The movements API (/api/assets/loans/, /api/assets/movements/): loans to list, lend and
return, the movement log to read, and a transfer of many assets by id.

Reading goes through ``restrict`` (borrowers see their own loans); every change calls
``services_movements``, so a refusal is the same message the pages show, as JSON.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from houqin.core.api import RestrictedReadOnlyViewSet, acting_school_id
from houqin.org.models import Department, Room

from . import services_movements as moves
from .models import Asset, AssetLoan, AssetMovement
from .views_movements import LoanFilterSet

LOAN_RELATED = ("asset", "borrower", "borrower_department", "lent_by")
MOVEMENT_RELATED = (
    "asset",
    "from_room__floor__building",
    "to_room__floor__building",
    "from_department",
    "to_department",
    "from_custodian",
    "to_custodian",
    "moved_by",
)


def _name(user) -> str:
    return user.get_full_name() if user is not None else ""


class LoanSerializer(serializers.ModelSerializer):
    asset_number = serializers.CharField(source="asset.number", read_only=True)
    asset_name = serializers.CharField(source="asset.name", read_only=True)
    borrower_label = serializers.CharField(read_only=True)
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = AssetLoan
        fields = [
            "id",
            "asset",
            "asset_number",
            "asset_name",
            "borrower",
            "borrower_department",
            "borrower_name",
            "borrower_label",
            "lent_on",
            "due_on",
            "returned_on",
            "is_overdue",
            "note",
            "return_note",
            "lent_by",
        ]
        read_only_fields = fields

    def get_is_overdue(self, obj) -> bool:
        return moves.is_overdue(obj)


class _SchoolPK(serializers.PrimaryKeyRelatedField):
    """An id of a row the user may view in the acting school."""

    def get_queryset(self):
        request = self.context["request"]
        return self.queryset.model._default_manager.restrict(request.user, "view")


class _MemberPK(serializers.PrimaryKeyRelatedField):
    """A person who is a member of the acting school ("no such person" otherwise)."""

    def get_queryset(self):
        school_id = acting_school_id(self.context["request"])
        return get_user_model().objects.filter(
            memberships__school_id=school_id, memberships__is_active=True
        )


class LendSerializer(serializers.Serializer):
    asset = _SchoolPK(queryset=Asset.objects.all())
    borrower = _MemberPK(required=False, allow_null=True, queryset=get_user_model().objects)
    borrower_department = _SchoolPK(
        queryset=Department.objects.all(), required=False, allow_null=True
    )
    borrower_name = serializers.CharField(max_length=60, required=False, allow_blank=True)
    due_on = serializers.DateField()
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ReturnSerializer(serializers.Serializer):
    returned_on = serializers.DateField(required=False, allow_null=True)
    return_note = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )


class LoanViewSet(mixins.CreateModelMixin, RestrictedReadOnlyViewSet):
    """Loans: ``?state=open|overdue|returned``; POST lends an asset, ``…/{id}/return/``
    records its return."""

    queryset = AssetLoan.objects.select_related(*LOAN_RELATED).order_by("-lent_on", "-pk")
    serializer_class = LoanSerializer
    filterset_class = LoanFilterSet
    # The service decides who may lend and return (assets.move_asset).
    restricted_actions = {"create": "view", "return_loan": "view"}

    def get_serializer_class(self):
        return {"create": LendSerializer, "return_loan": ReturnSerializer}.get(
            self.action, LoanSerializer
        )

    def _answer(self, loan, code=status.HTTP_200_OK):
        loan = self.queryset.get(pk=loan.pk)
        return Response(LoanSerializer(loan, context=self.get_serializer_context()).data, code)

    @extend_schema(request=LendSerializer, responses={201: LoanSerializer})
    def create(self, request, *args, **kwargs):
        serializer = LendSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        loan = moves.lend(
            data["asset"],
            by=request.user,
            borrower=data.get("borrower"),
            borrower_department=data.get("borrower_department"),
            borrower_name=data.get("borrower_name", ""),
            due_on=data["due_on"],
            note=data.get("note", ""),
        )
        return self._answer(loan, status.HTTP_201_CREATED)

    @extend_schema(request=ReturnSerializer, responses=LoanSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_loan(self, request, pk=None, **kwargs):
        loan = self.get_object()
        serializer = ReturnSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        moves.return_loan(
            loan,
            by=request.user,
            returned_on=data.get("returned_on"),
            return_note=data.get("return_note", ""),
        )
        return self._answer(loan)


class MovementSerializer(serializers.ModelSerializer):
    asset_number = serializers.CharField(source="asset.number", read_only=True)
    from_room_label = serializers.SerializerMethodField()
    to_room_label = serializers.SerializerMethodField()
    from_custodian_name = serializers.SerializerMethodField()
    to_custodian_name = serializers.SerializerMethodField()

    class Meta:
        model = AssetMovement
        fields = [
            "id",
            "asset",
            "asset_number",
            "kind",
            "from_room",
            "from_room_label",
            "to_room",
            "to_room_label",
            "from_department",
            "to_department",
            "from_custodian",
            "from_custodian_name",
            "to_custodian",
            "to_custodian_name",
            "note",
            "batch",
            "moved_at",
            "moved_by",
        ]
        read_only_fields = fields

    def get_from_room_label(self, obj) -> str:
        return str(obj.from_room) if obj.from_room_id else ""

    def get_to_room_label(self, obj) -> str:
        return str(obj.to_room) if obj.to_room_id else ""

    def get_from_custodian_name(self, obj) -> str:
        return _name(obj.from_custodian)

    def get_to_custodian_name(self, obj) -> str:
        return _name(obj.to_custodian)


class TransferSerializer(serializers.Serializer):
    assets = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        min_length=1,
        max_length=moves.MAX_BULK,
        help_text="Ids of the assets to move.",
    )
    room = _SchoolPK(queryset=Room.objects.all(), required=False, allow_null=True)
    department = _SchoolPK(queryset=Department.objects.all(), required=False, allow_null=True)
    custodian = _MemberPK(required=False, allow_null=True, queryset=get_user_model().objects)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class MovementViewSet(RestrictedReadOnlyViewSet):
    """The movement log, newest first (``?asset=<id>``, ``?batch=<uuid>``); POST
    ``…/transfer/`` moves many assets at once (all or nothing)."""

    queryset = AssetMovement.objects.select_related(*MOVEMENT_RELATED).order_by("-moved_at", "-pk")
    serializer_class = MovementSerializer
    filterset_fields = ["asset", "kind", "batch"]
    restricted_actions = {"transfer": "view"}

    def get_serializer_class(self):
        return TransferSerializer if self.action == "transfer" else MovementSerializer

    @extend_schema(
        request=TransferSerializer,
        responses=inline_serializer("TransferResult", {"moved": serializers.IntegerField()}),
    )
    @action(detail=False, methods=["post"])
    def transfer(self, request, **kwargs):
        serializer = TransferSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        ids = sorted(set(data["assets"]))
        visible = set(
            Asset.objects.restrict(request.user, "view")
            .filter(pk__in=ids)
            .values_list("pk", flat=True)
        )
        unknown = [pk for pk in ids if pk not in visible]
        if unknown:
            raise serializers.ValidationError(
                {
                    "assets": [
                        _("No such assets: %(ids)s.") % {"ids": ", ".join(map(str, unknown[:20]))}
                    ]
                }
            )
        moved = moves.transfer(
            ids,
            by=request.user,
            room=data.get("room"),
            department=data.get("department"),
            custodian=data.get("custodian"),
            note=data.get("note", ""),
        )
        return Response({"moved": moved})


def register(router) -> None:
    router.register("loans", LoanViewSet, basename="loan")
    router.register("movements", MovementViewSet, basename="movement")
