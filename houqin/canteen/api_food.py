"""API: food-safety records: meals, samples, morning checks, duty, accompanied meals, goods,
disinfection, handlers and supplier licences (/api/canteen/…).

Lists are filtered with the pages' FilterSets; every write calls the same service as the pages,
so a refusal (a light sample, an excluded handler put on duty…) is the same message, as JSON."""

from __future__ import annotations

from django.apps import apps
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from houqin.core.api import (
    RestrictedModelSerializer,
    RestrictedReadOnlyViewSet,
    acting_school_id,
    in_school,
    school_member,
)

from . import filters_food as filters
from . import services_food, services_goods, services_handlers
from .models.food import (
    AccompaniedMeal,
    Disinfection,
    DisinfectionMethod,
    FoodSample,
    Meal,
    MealDish,
    MealKind,
)
from .models.goods import GoodsCheck, LicenceKind, SupplierLicence
from .models.staff import DutyRecord, FoodHandler, MorningCheck
from .selectors_food import with_flags


class ServiceModelViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, RestrictedReadOnlyViewSet
):
    """Create and update through ``service(obj, by=user)`` (files, when the service takes them,
    are not sent through the API: attach them on the page's timeline)."""

    service = None
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def perform_create(self, serializer):
        obj = self.queryset.model(
            school_id=acting_school_id(self.request), **serializer.validated_data
        )
        serializer.instance = type(self).service(obj, by=self.request.user)

    def perform_update(self, serializer):
        obj = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(obj, name, value)
        serializer.instance = type(self).service(obj, by=self.request.user)


# ---------------------------------------------------------------- meals


class CanteenMealDishSerializer(serializers.ModelSerializer):
    sample_grams = serializers.SerializerMethodField()

    class Meta:
        model = MealDish
        fields = ["id", "name", "position", "sample_grams"]

    def get_sample_grams(self, obj) -> str | None:
        sample = getattr(obj, "sample", None)  # RelatedObjectDoesNotExist is an AttributeError
        return str(sample.grams) if sample else None


class CanteenMealSerializer(serializers.ModelSerializer):
    meal_kind = serializers.ChoiceField(source="kind", choices=MealKind.choices, read_only=True)
    dishes = CanteenMealDishSerializer(many=True, read_only=True)
    dish_count = serializers.IntegerField(read_only=True)
    sample_count = serializers.IntegerField(read_only=True)
    accompanied = serializers.BooleanField(read_only=True)
    disinfected = serializers.BooleanField(read_only=True)

    class Meta:
        model = Meal
        fields = [
            "id",
            "date",
            "meal_kind",
            "diners",
            "note",
            "dishes",
            "dish_count",
            "sample_count",
            "accompanied",
            "disinfected",
        ]
        read_only_fields = fields


class CanteenMealCreateSerializer(serializers.Serializer):
    date = serializers.DateField()
    meal_kind = serializers.ChoiceField(choices=MealKind.choices)
    dishes = serializers.ListField(child=serializers.CharField(max_length=60), min_length=1)
    diners = serializers.IntegerField(min_value=0, required=False, allow_null=True)


class CanteenSampleWeightsSerializer(serializers.Serializer):
    weights = serializers.DictField(
        child=serializers.DecimalField(max_digits=7, decimal_places=1), help_text="dish id → grams"
    )
    container = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")


class CanteenDisinfectionInputSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=DisinfectionMethod.choices)
    items = serializers.CharField(max_length=120)
    minutes = serializers.IntegerField(min_value=1)
    temperature = serializers.DecimalField(
        max_digits=5, decimal_places=1, required=False, allow_null=True
    )
    concentration = serializers.DecimalField(
        max_digits=7, decimal_places=1, required=False, allow_null=True
    )
    done_by_name = serializers.CharField(
        max_length=60, required=False, allow_blank=True, default=""
    )


class CanteenAccompanyInputSerializer(serializers.Serializer):
    leader = serializers.IntegerField(
        required=False, allow_null=True, help_text="Default: yourself."
    )
    rating = serializers.IntegerField(min_value=1, max_value=5)
    problems = serializers.CharField(required=False, allow_blank=True, default="")
    action = serializers.CharField(required=False, allow_blank=True, default="")


class MealViewSet(mixins.CreateModelMixin, RestrictedReadOnlyViewSet):
    """Meals with their dishes and what they have (samples, 陪餐, disinfection). POST records a
    meal; /samples/, /disinfection/ and /accompany/ add its records."""

    queryset = with_flags(Meal.objects.order_by("-date", "kind")).prefetch_related("dishes__sample")
    serializer_class = CanteenMealSerializer
    filterset_class = filters.MealFilterSet
    restricted_actions = {"samples": "view", "disinfection": "view", "accompany": "view"}

    def get_serializer_class(self):
        return {
            "create": CanteenMealCreateSerializer,
            "samples": CanteenSampleWeightsSerializer,
            "disinfection": CanteenDisinfectionInputSerializer,
            "accompany": CanteenAccompanyInputSerializer,
        }.get(self.action, CanteenMealSerializer)

    def _answer(self, meal, code=status.HTTP_200_OK):
        fresh = self.queryset.get(pk=meal.pk)
        return Response(
            CanteenMealSerializer(fresh, context=self.get_serializer_context()).data, status=code
        )

    def _input(self, cls):
        serializer = cls(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(request=CanteenMealCreateSerializer, responses={201: CanteenMealSerializer})
    def create(self, request, *args, **kwargs):
        data = dict(self._input(CanteenMealCreateSerializer))
        data["kind"] = data.pop("meal_kind")
        meal = services_food.record_meal(acting_school_id(request), by=request.user, **data)
        return self._answer(meal, status.HTTP_201_CREATED)

    @extend_schema(request=CanteenSampleWeightsSerializer, responses=CanteenMealSerializer)
    @action(detail=True, methods=["post"])
    def samples(self, request, pk=None, **kwargs):
        meal = self.get_object()
        data = self._input(CanteenSampleWeightsSerializer)
        services_food.take_samples(
            meal, by=request.user, weights=data["weights"], container=data["container"]
        )
        return self._answer(meal)

    @extend_schema(request=CanteenDisinfectionInputSerializer, responses=CanteenMealSerializer)
    @action(detail=True, methods=["post"])
    def disinfection(self, request, pk=None, **kwargs):
        meal = self.get_object()
        services_food.record_disinfection(
            meal, by=request.user, **self._input(CanteenDisinfectionInputSerializer)
        )
        return self._answer(meal)

    @extend_schema(request=CanteenAccompanyInputSerializer, responses=CanteenMealSerializer)
    @action(detail=True, methods=["post"])
    def accompany(self, request, pk=None, **kwargs):
        meal = self.get_object()
        data = self._input(CanteenAccompanyInputSerializer)
        leader = school_member(data.pop("leader", None), meal.school_id, "leader")
        services_food.record_accompanied_meal(meal, by=request.user, leader=leader, **data)
        return self._answer(meal)


class CanteenFoodSampleSerializer(serializers.ModelSerializer):
    dish = serializers.CharField(source="meal_dish.name", read_only=True)
    date = serializers.DateField(source="meal.date", read_only=True)
    meal_kind = serializers.ChoiceField(
        source="meal.kind", choices=MealKind.choices, read_only=True
    )

    class Meta:
        model = FoodSample
        fields = ["id", "meal", "meal_dish", "date", "meal_kind", "dish", "grams", "minimum_grams", "taken_at", "taken_by",
                  "container", "dispose_after", "disposed_at", "disposed_by"]  # fmt: skip
        read_only_fields = fields


class CanteenSampleCreateSerializer(serializers.Serializer):
    meal_dish = serializers.IntegerField()
    grams = serializers.DecimalField(max_digits=7, decimal_places=1)
    container = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")


class FoodSampleViewSet(mixins.CreateModelMixin, RestrictedReadOnlyViewSet):
    """Samples; POST keeps one dish's sample (refused under the school's minimum weight);
    /dispose/ records it thrown away (refused before its time)."""

    queryset = FoodSample.objects.select_related("meal", "meal_dish")
    serializer_class = CanteenFoodSampleSerializer
    filterset_class = filters.FoodSampleFilterSet
    restricted_actions = {"dispose": "view"}

    def get_serializer_class(self):
        return {"create": CanteenSampleCreateSerializer, "dispose": serializers.Serializer}.get(
            self.action, CanteenFoodSampleSerializer
        )

    @extend_schema(
        request=CanteenSampleCreateSerializer, responses={201: CanteenFoodSampleSerializer}
    )
    def create(self, request, *args, **kwargs):
        serializer = CanteenSampleCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        dish = in_school(MealDish, data["meal_dish"], acting_school_id(request), "meal_dish")
        sample = services_food.take_sample(
            dish, by=request.user, grams=data["grams"], container=data["container"]
        )
        return Response(CanteenFoodSampleSerializer(sample).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=CanteenFoodSampleSerializer)
    @action(detail=True, methods=["post"])
    def dispose(self, request, pk=None, **kwargs):
        sample = services_food.dispose_sample(self.get_object(), by=request.user)
        return Response(CanteenFoodSampleSerializer(sample).data)


class CanteenDisinfectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Disinfection
        fields = [
            "id",
            "meal",
            "method",
            "items",
            "temperature",
            "concentration",
            "minutes",
            "done_at",
            "done_by",
            "done_by_name",
        ]
        read_only_fields = fields


class DisinfectionViewSet(RestrictedReadOnlyViewSet):
    queryset = Disinfection.objects.select_related("meal")
    serializer_class = CanteenDisinfectionSerializer
    filterset_class = filters.DisinfectionFilterSet


class CanteenAccompaniedMealSerializer(serializers.ModelSerializer):
    class Meta:
        model = AccompaniedMeal
        fields = [
            "id",
            "meal",
            "leader",
            "rating",
            "problems",
            "action",
            "recorded_by",
            "created_at",
        ]
        read_only_fields = fields


class AccompaniedMealViewSet(RestrictedReadOnlyViewSet):
    queryset = AccompaniedMeal.objects.select_related("meal")
    serializer_class = CanteenAccompaniedMealSerializer
    filterset_class = filters.AccompaniedMealFilterSet


# ---------------------------------------------------------------- handlers, checks, duty


class CanteenFoodHandlerSerializer(RestrictedModelSerializer):
    related_querysets = {
        "user": lambda request: apps.get_model("org", "User").objects.filter(
            memberships__school_id=acting_school_id(request), memberships__is_active=True
        )
    }

    class Meta:
        model = FoodHandler
        fields = [
            "id",
            "name",
            "user",
            "company",
            "job",
            "phone",
            "certificate_number",
            "certificate_issued",
            "certificate_expires",
            "is_active",
        ]


class FoodHandlerViewSet(ServiceModelViewSet):
    queryset = FoodHandler.objects.select_related("company")
    serializer_class = CanteenFoodHandlerSerializer
    filterset_class = filters.FoodHandlerFilterSet
    service = staticmethod(services_handlers.save_handler)


class CanteenMorningCheckSerializer(serializers.ModelSerializer):
    class Meta:
        model = MorningCheck
        fields = ["id", "handler", "date", "temperature", "fever", "diarrhoea", "skin_wound", "sore_throat", "other_symptoms",
                  "hands_ok", "fit", "exclusion_reason", "checked_at", "checked_by"]  # fmt: skip
        read_only_fields = ["id", "fit", "checked_at", "checked_by"]
        extra_kwargs = {"handler": {"queryset": FoodHandler.objects.none()}}


class MorningCheckViewSet(mixins.CreateModelMixin, RestrictedReadOnlyViewSet):
    """Morning checks; POST records one (any symptom excludes the handler that day)."""

    queryset = MorningCheck.objects.select_related("handler")
    serializer_class = CanteenMorningCheckSerializer
    filterset_class = filters.MorningCheckFilterSet

    def create(self, request, *args, **kwargs):
        data = dict(request.data.items()) if hasattr(request.data, "items") else {}
        handler = in_school(
            FoodHandler, data.pop("handler", None), acting_school_id(request), "handler"
        )
        if handler is None:
            raise serializers.ValidationError({"handler": ["This field is required."]})
        fields = {
            k: data[k]
            for k in ("date", "temperature", "other_symptoms", "exclusion_reason")
            if k in data
        }
        flags = {
            k: str(data[k]).lower() in ("1", "true", "yes", "on")
            for k in ("fever", "diarrhoea", "skin_wound", "sore_throat", "hands_ok")
            if k in data
        }
        if fields.get("date"):
            fields["date"] = serializers.DateField().to_internal_value(fields["date"])
        check = services_handlers.record_check(handler, by=request.user, **fields, **flags)
        return Response(CanteenMorningCheckSerializer(check).data, status=status.HTTP_201_CREATED)


class CanteenDutyRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = DutyRecord
        fields = ["id", "handler", "date", "meal_kind", "recorded_by"]
        read_only_fields = ["id", "recorded_by"]
        extra_kwargs = {
            "handler": {"queryset": FoodHandler.objects.none()},
            "date": {"required": False},
        }


class DutyRecordViewSet(
    mixins.CreateModelMixin, mixins.DestroyModelMixin, RestrictedReadOnlyViewSet
):
    """Who is on duty; POST puts a handler on duty (refused when excluded, unchecked or with an
    expired certificate); DELETE takes them off."""

    queryset = DutyRecord.objects.select_related("handler")
    serializer_class = CanteenDutyRecordSerializer
    filterset_class = filters.DutyRecordFilterSet

    def create(self, request, *args, **kwargs):
        handler = in_school(
            FoodHandler, request.data.get("handler"), acting_school_id(request), "handler"
        )
        if handler is None:
            raise serializers.ValidationError({"handler": ["This field is required."]})
        day = request.data.get("date")
        day = serializers.DateField().to_internal_value(day) if day else None
        duty = services_handlers.put_on_duty(
            handler, by=request.user, date=day, meal_kind=request.data.get("meal_kind") or ""
        )
        return Response(CanteenDutyRecordSerializer(duty).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services_handlers.withdraw_duty(instance, by=self.request.user)


# ---------------------------------------------------------------- goods and licences


class CanteenGoodsCheckSerializer(RestrictedModelSerializer):
    class Meta:
        model = GoodsCheck
        fields = ["id", "date", "company", "supplier_name", "goods", "quantity", "unit", "batch", "production_date",
                  "shelf_life_days", "best_before", "licence_seen", "certificate_seen", "accepted", "refusal_reason",
                  "keep_until", "checked_by"]  # fmt: skip
        read_only_fields = ["id", "best_before", "keep_until", "checked_by"]


class GoodsCheckViewSet(ServiceModelViewSet):
    queryset = GoodsCheck.objects.select_related("company")
    serializer_class = CanteenGoodsCheckSerializer
    filterset_class = filters.GoodsCheckFilterSet
    service = staticmethod(services_goods.record_goods_check)
    http_method_names = ["get", "post", "head", "options"]


class CanteenSupplierLicenceSerializer(RestrictedModelSerializer):
    licence_kind = serializers.ChoiceField(source="kind", choices=LicenceKind.choices)

    class Meta:
        model = SupplierLicence
        fields = [
            "id",
            "company",
            "supplier_name",
            "licence_kind",
            "licence_number",
            "issued",
            "expires",
        ]


class SupplierLicenceViewSet(ServiceModelViewSet):
    queryset = SupplierLicence.objects.select_related("company")
    serializer_class = CanteenSupplierLicenceSerializer
    filterset_class = filters.SupplierLicenceFilterSet
    service = staticmethod(services_goods.save_licence)


def register(router) -> None:
    """Register this area's viewsets on the app's router."""
    router.register("meals", MealViewSet, basename="meal")
    router.register("samples", FoodSampleViewSet, basename="sample")
    router.register("disinfections", DisinfectionViewSet, basename="disinfection")
    router.register("accompanied-meals", AccompaniedMealViewSet, basename="accompanied")
    router.register("handlers", FoodHandlerViewSet, basename="handler")
    router.register("morning-checks", MorningCheckViewSet, basename="check")
    router.register("duty", DutyRecordViewSet, basename="duty")
    router.register("goods-checks", GoodsCheckViewSet, basename="goods")
    router.register("supplier-licences", SupplierLicenceViewSet, basename="licence")
