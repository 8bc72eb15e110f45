"""The register API (/api/assets/assets/, /api/assets/categories/): the list takes the same
filters as the page (``AssetFilterSet``: disposed and lost assets hidden unless ``active=`` or a
status is asked for), pages count at most 2,000 rows, and creating or changing an asset goes
through ``services`` (the same numbers, thresholds and refusals as the pages)."""

from __future__ import annotations

from decimal import Decimal

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from houqin.core.api import RestrictedReadOnlyViewSet, acting_school_id
from houqin.core.tables import CappedPaginator

from . import services, tables
from .filters import AssetFilterSet, with_number_key
from .models import AcquisitionMode, Asset, AssetCategory, AssetKind, AssetStatus, UseDirection

LIST_RELATED = ("category", "department", "custodian")


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = AssetCategory
        fields = [
            "id",
            "parent",
            "code",
            "edu_code",
            "name",
            "useful_life_years",
            "depreciates",
            "value_rule",
            "default_unit",
            "is_standard",
            "is_active",
        ]
        read_only_fields = fields


class AssetSerializer(serializers.ModelSerializer):
    category_code = serializers.CharField(source="category.code", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    room_label = serializers.SerializerMethodField()
    department_name = serializers.SerializerMethodField()
    custodian_name = serializers.SerializerMethodField()

    class Meta:
        model = Asset
        fields = [
            "id",
            "number",
            "name",
            "category",
            "category_code",
            "category_name",
            "kind",
            "model",
            "brand",
            "serial_number",
            "quantity",
            "unit",
            "unit_price",
            "total_value",
            "funding_source",
            "acquisition_mode",
            "use_direction",
            "acquired_on",
            "supplier",
            "invoice_number",
            "warranty_until",
            "room",
            "room_label",
            "department",
            "department_name",
            "custodian",
            "custodian_name",
            "status",
            "useful_life_years",
            "accumulated_depreciation",
            "notes",
            "qr_token",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_room_label(self, obj) -> str:
        return str(obj.room) if obj.room_id else ""

    def get_department_name(self, obj) -> str:
        return obj.department.name if obj.department_id else ""

    def get_custodian_name(self, obj) -> str:
        return obj.custodian.get_full_name() if obj.custodian_id else ""


class _ScopedPK(serializers.PrimaryKeyRelatedField):
    """A related id among the rows the user may view in the acting school."""

    def get_queryset(self):
        request = self.context["request"]
        model = self.queryset.model
        if model is get_user_model():
            return model.objects.filter(
                memberships__school_id=acting_school_id(request), memberships__is_active=True
            ).distinct()
        return model._default_manager.restrict(request.user, "view")


def _model(label):
    return apps.get_model(*label.split("."))


class AssetWriteSerializer(serializers.Serializer):
    """What a client may send to register (POST) or change (PATCH) an asset.

    ``number`` empty: the next number. ``count`` > 1: a batch with consecutive numbers (POST
    only). ``kind`` and ``total_value`` are computed unless given. Place, department and
    custodian are set on registration only; later they change by a movement."""

    number = serializers.CharField(max_length=40, required=False, allow_blank=True)
    count = serializers.IntegerField(min_value=1, max_value=services.MAX_BATCH, required=False)
    name = serializers.CharField(max_length=100)
    category = _ScopedPK(queryset=AssetCategory.objects.all())
    kind = serializers.ChoiceField(choices=AssetKind.choices, required=False)
    model = serializers.CharField(max_length=100, required=False, allow_blank=True)
    brand = serializers.CharField(max_length=60, required=False, allow_blank=True)
    serial_number = serializers.CharField(max_length=60, required=False, allow_blank=True)
    quantity = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0.01"), required=False
    )
    unit = serializers.CharField(max_length=10, required=False, allow_blank=True)
    unit_price = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False
    )
    total_value = serializers.DecimalField(
        max_digits=16, decimal_places=2, min_value=0, required=False
    )
    funding_source = serializers.CharField(max_length=60, required=False, allow_blank=True)
    acquisition_mode = serializers.ChoiceField(choices=AcquisitionMode.choices, required=False)
    use_direction = serializers.ChoiceField(
        choices=UseDirection.choices, required=False, allow_blank=True
    )
    acquired_on = serializers.DateField(required=False, allow_null=True)
    supplier = serializers.CharField(max_length=100, required=False, allow_blank=True)
    invoice_number = serializers.CharField(max_length=60, required=False, allow_blank=True)
    warranty_until = serializers.DateField(required=False, allow_null=True)
    room = _ScopedPK(queryset=None, required=False, allow_null=True)
    department = _ScopedPK(queryset=None, required=False, allow_null=True)
    custodian = _ScopedPK(queryset=get_user_model().objects.all(), required=False, allow_null=True)
    status = serializers.ChoiceField(
        choices=[c for c in AssetStatus.choices if c[0] in services.MANUAL_STATUSES],
        required=False,
    )
    useful_life_years = serializers.IntegerField(
        min_value=1, max_value=100, required=False, allow_null=True
    )
    notes = serializers.CharField(required=False, allow_blank=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = _model("org.Room").objects.all()
        self.fields["department"].queryset = _model("org.Department").objects.all()


class AssetPagination(PageNumberPagination):
    """``count`` stops at 2,000 (as the register page, ``AssetListView.count_limit``): past it
    ``count_capped`` is true and the pages end there; filter to reach the others. Counting up
    to 10,000 matches of a common word took 110 ms at 2,000,000 assets; up to 2,000, ~25."""

    count_limit = 2_000

    def django_paginator_class(self, queryset, page_size):
        return CappedPaginator(queryset, page_size, limit=self.count_limit)

    def get_paginated_response(self, data):
        paginator = self.page.paginator
        return Response(
            {
                "count": paginator.count,
                "count_capped": paginator.capped,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count_capped"] = {
            "type": "boolean",
            "description": "More assets match than count says (count stops at 2,000).",
        }
        return schema


class AssetViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, RestrictedReadOnlyViewSet):
    queryset = Asset.objects.select_related(*LIST_RELATED, "room__floor__building")
    serializer_class = AssetSerializer
    filterset_class = AssetFilterSet
    pagination_class = AssetPagination

    def filter_queryset(self, queryset):
        # The register's filters (with "active only" by default) are for the list; one asset
        # is found by its id whatever its status.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action == "list":
            # As the list page: fewer joins to plan, places in a second query.
            qs = tables.with_deep_pages(
                tables.with_places(
                    with_number_key(qs.select_related(None).select_related(*LIST_RELATED))
                )
            )
            qs = qs.order_by(*self.list_order())
        return qs

    SORTS = {
        "number": ("number_key",),
        "name": ("name", "pk"),
        "status": ("status", "number"),
        "category": ("category_id", "number"),
        "room": ("room_id", "number"),
        "department": ("department_id", "number"),
        "custodian": ("custodian_id", "number"),
        "total_value": ("total_value", "pk"),
        "acquired_on": ("acquired_on", "pk"),
    }

    def list_order(self):
        """``?sort=`` as on the page (``-`` for descending); the newest numbers first."""
        sort = self.request.query_params.get("sort", "-number")
        descending = sort.startswith("-")
        fields = self.SORTS.get(sort.lstrip("-"), self.SORTS["number"])
        if sort.lstrip("-") not in self.SORTS:
            descending = True
        return [f"-{f}" if descending else f for f in fields]

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return AssetWriteSerializer
        return AssetSerializer

    def _answer(self, asset, code=status.HTTP_200_OK):
        asset = self.scoped("view").filter(pk=asset.pk).first()
        if asset is None:
            return Response(status=code)
        return Response(AssetSerializer(asset, context=self.get_serializer_context()).data, code)

    @extend_schema(request=AssetWriteSerializer, responses={201: AssetSerializer(many=True)})
    def create(self, request, *args, **kwargs):
        serializer = AssetWriteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        count = data.pop("count", 1) or 1
        number = data.pop("number", "") or None
        school = apps.get_model("org", "School").objects.get(pk=acting_school_id(request))
        if count > 1:
            if number:
                raise serializers.ValidationError(
                    {"number": [_("A batch takes consecutive new numbers: leave it empty.")]}
                )
            assets = services.register_batch(school=school, by=request.user, count=count, **data)
        else:
            assets = [
                services.register_asset(school=school, by=request.user, number=number, **data)
            ]
        rows = self.scoped("view").filter(pk__in=[a.pk for a in assets]).order_by("number")
        body = AssetSerializer(rows, many=True, context=self.get_serializer_context()).data
        return Response(body if count > 1 else body[0], status=status.HTTP_201_CREATED)

    @extend_schema(request=AssetWriteSerializer, responses=AssetSerializer)
    def update(self, request, *args, **kwargs):
        asset = self.get_object()
        partial = kwargs.pop("partial", False) or request.method == "PATCH"
        serializer = AssetWriteSerializer(
            data=request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("count", None)
        if data.get("number") == asset.number:
            data.pop("number")
        moved = [name for name in services.PLACE_FIELDS if name in data]
        if moved:
            # The same refusal as the page: place and custodian change by a movement.
            raise services.AssetError(
                _("Place, department and custodian change by a movement: use Move on the asset.")
            )
        new_status = data.pop("status", None)
        changes = {
            name: value
            for name, value in data.items()
            if getattr(asset, "category_id" if name == "category" else name)
            != (value.pk if name == "category" else value)
        }
        with transaction.atomic():
            if changes:
                services.update_asset(asset, by=request.user, **changes)
            if new_status and new_status != asset.status:
                services.set_manual_status(asset, by=request.user, status=new_status)
        return self._answer(asset)


class CategoryViewSet(RestrictedReadOnlyViewSet):
    queryset = AssetCategory.objects.all()
    serializer_class = CategorySerializer
    pagination_class = None  # a school has tens of categories, never thousands

    def get_queryset(self):
        return super().get_queryset().order_by("code", "pk")


def register(router) -> None:
    router.register("assets", AssetViewSet, basename="asset")
    router.register("categories", CategoryViewSet, basename="category")
