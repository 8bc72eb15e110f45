"""API: drinking water: contract, dispensers and filter changes, quality tests; education
campaigns (/api/canteen/…). Writes call the same services as the pages."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from houqin.core.api import RestrictedModelSerializer, RestrictedReadOnlyViewSet

from . import filters_food as filters
from . import services_water
from .api_food import ServiceModelViewSet
from .models.water import Dispenser, EducationCampaign, FilterChange, WaterContract, WaterTest


class CanteenWaterContractSerializer(RestrictedModelSerializer):
    class Meta:
        model = WaterContract
        fields = [
            "id",
            "company",
            "title",
            "contract_number",
            "start_date",
            "end_date",
            "contact_name",
            "contact_phone",
            "note",
        ]


class WaterContractViewSet(ServiceModelViewSet):
    queryset = WaterContract.objects.select_related("company")
    serializer_class = CanteenWaterContractSerializer
    filterset_class = filters.WaterContractFilterSet
    service = staticmethod(services_water.save_contract)


class CanteenDispenserSerializer(RestrictedModelSerializer):
    class Meta:
        model = Dispenser
        fields = [
            "id",
            "room",
            "location",
            "model",
            "filter_days",
            "last_changed",
            "next_due",
            "is_active",
        ]
        read_only_fields = ["id", "last_changed", "next_due"]


class CanteenFilterChangeInputSerializer(serializers.Serializer):
    date = serializers.DateField(required=False)
    done_by_name = serializers.CharField(
        max_length=60, required=False, allow_blank=True, default=""
    )
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class CanteenFilterChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = FilterChange
        fields = ["id", "dispenser", "date", "done_by_name", "next_due", "note", "recorded_by"]
        read_only_fields = fields


class DispenserViewSet(ServiceModelViewSet):
    """Dispensers; /filter/ records a filter change (the next one is due after the interval)."""

    queryset = Dispenser.objects.select_related("room__floor__building")
    serializer_class = CanteenDispenserSerializer
    filterset_class = filters.DispenserFilterSet
    service = staticmethod(services_water.save_dispenser)
    restricted_actions = {"filter": "view"}

    def get_serializer_class(self):
        return (
            CanteenFilterChangeInputSerializer
            if self.action == "filter"
            else CanteenDispenserSerializer
        )

    @extend_schema(
        request=CanteenFilterChangeInputSerializer, responses=CanteenFilterChangeSerializer
    )
    @action(detail=True, methods=["post"])
    def filter(self, request, pk=None, **kwargs):
        dispenser = self.get_object()
        serializer = CanteenFilterChangeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        change = services_water.change_filter(
            dispenser, by=request.user, **serializer.validated_data
        )
        return Response(CanteenFilterChangeSerializer(change).data, status=201)


class FilterChangeViewSet(RestrictedReadOnlyViewSet):
    queryset = FilterChange.objects.select_related("dispenser")
    serializer_class = CanteenFilterChangeSerializer
    filterset_class = filters.FilterChangeFilterSet


class CanteenWaterTestSerializer(RestrictedModelSerializer):
    class Meta:
        model = WaterTest
        fields = [
            "id",
            "date",
            "dispenser",
            "place",
            "tested_by",
            "results",
            "passed",
            "follow_up",
            "followed_up_at",
            "recorded_by",
        ]
        read_only_fields = ["id", "follow_up", "followed_up_at", "recorded_by"]


class CanteenFollowUpSerializer(serializers.Serializer):
    text = serializers.CharField()


class WaterTestViewSet(ServiceModelViewSet):
    """Water tests; /follow-up/ records what was done after a failed one."""

    queryset = WaterTest.objects.select_related("dispenser")
    serializer_class = CanteenWaterTestSerializer
    filterset_class = filters.WaterTestFilterSet
    service = staticmethod(services_water.record_water_test)
    http_method_names = ["get", "post", "head", "options"]
    restricted_actions = {"follow_up": "view"}

    def get_serializer_class(self):
        return (
            CanteenFollowUpSerializer if self.action == "follow_up" else CanteenWaterTestSerializer
        )

    @extend_schema(request=CanteenFollowUpSerializer, responses=CanteenWaterTestSerializer)
    @action(detail=True, methods=["post"], url_path="follow-up")
    def follow_up(self, request, pk=None, **kwargs):
        test = self.get_object()
        serializer = CanteenFollowUpSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        test = services_water.follow_up_test(
            test, by=request.user, text=serializer.validated_data["text"]
        )
        return Response(
            CanteenWaterTestSerializer(test, context=self.get_serializer_context()).data
        )


class CanteenEducationCampaignSerializer(RestrictedModelSerializer):
    class Meta:
        model = EducationCampaign
        fields = ["id", "date", "topic", "audience", "participants", "summary", "recorded_by"]
        read_only_fields = ["id", "recorded_by"]


class EducationCampaignViewSet(ServiceModelViewSet):
    queryset = EducationCampaign.objects.all()
    serializer_class = CanteenEducationCampaignSerializer
    filterset_class = filters.EducationCampaignFilterSet
    service = staticmethod(services_water.save_campaign)


def register(router) -> None:
    """Register this area's viewsets on the app's router."""
    router.register("water-contracts", WaterContractViewSet, basename="watercontract")
    router.register("dispensers", DispenserViewSet, basename="dispenser")
    router.register("filter-changes", FilterChangeViewSet, basename="filterchange")
    router.register("water-tests", WaterTestViewSet, basename="watertest")
    router.register("campaigns", EducationCampaignViewSet, basename="campaign")
