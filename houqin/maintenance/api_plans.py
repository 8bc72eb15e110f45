"""Maintenance plans in the API (``/api/maintenance/plans/``): the same rules as the pages.

Plans are not deleted (their orders keep pointing at them): pause one with ``is_active``.
``POST …/plans/{id}/generate/`` makes the orders that are due now, like the scheduler.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from houqin.core.api import RestrictedModelSerializer, RestrictedViewSet, acting_school_id

from . import plans
from .models import MaintenancePlan


def _workers(request):
    return get_user_model().objects.filter(
        memberships__school_id=acting_school_id(request),
        memberships__is_active=True,
        memberships__roles__role__in=("worker", "contractor"),
    ).distinct()


class ComplianceSerializer(serializers.Serializer):
    label = serializers.CharField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    expected = serializers.IntegerField()
    done = serializers.IntegerField()
    overdue = serializers.IntegerField()
    percent = serializers.IntegerField(allow_null=True)


class PlanSerializer(RestrictedModelSerializer):
    related_querysets = {"default_worker": _workers}
    checklist = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, max_length=40
    )
    room_types = serializers.ListField(child=serializers.CharField(), required=False)
    compliance = serializers.SerializerMethodField()

    class Meta:
        model = MaintenancePlan
        fields = [
            "id", "name", "description", "category", "room_types", "buildings", "rooms",
            "asset_categories", "recurrence", "offset_days", "day_of_month", "month", "rrule", "interval_days",
            "lead_days", "checklist", "urgency", "default_worker", "default_company",
            "requires_photo", "requires_signature", "starts_on", "ends_on", "is_active",
            "compliance",
        ]

    def get_compliance(self, plan) -> ComplianceSerializer:
        calendar = self.context.get("school_calendar")
        result = plans.compliance(plan, today=timezone.localdate(), school_calendar=calendar)
        return ComplianceSerializer(
            {**result.__dict__, "percent": result.percent}
        ).data

    def validate(self, attrs):
        from houqin.org.models import RoomType

        unknown = set(attrs.get("room_types") or []) - set(RoomType.values)
        if unknown:
            raise serializers.ValidationError({"room_types": sorted(unknown)})
        probe = MaintenancePlan(**{
            k: v for k, v in attrs.items() if k not in ("buildings", "rooms", "asset_categories")
        })
        if self.instance is not None:
            for field in ("recurrence", "rrule", "starts_on", "ends_on", "room_types"):
                if field not in attrs:
                    setattr(probe, field, getattr(self.instance, field))
        probe.school_id = acting_school_id(self.context["request"])
        rooms = attrs.get("rooms")
        buildings = attrs.get("buildings")
        asset_categories = attrs.get("asset_categories")
        if self.instance is not None:
            if asset_categories is None:
                asset_categories = list(self.instance.asset_categories.all())
            rooms = rooms if rooms is not None else list(self.instance.rooms.all())
            buildings = (
                buildings if buildings is not None else list(self.instance.buildings.all())
            )
        try:
            plans.validate(
                probe,
                room_ids=[r.pk for r in rooms or []],
                building_ids=[b.pk for b in buildings or []],
                asset_category_ids=[c.pk for c in asset_categories or []],
            )
        except plans.InvalidPlan as exc:
            raise serializers.ValidationError(str(exc.message)) from None
        return attrs


class GeneratedSerializer(serializers.Serializer):
    made = serializers.ListField(child=serializers.CharField())


class PlanViewSet(RestrictedViewSet):
    queryset = MaintenancePlan.objects.select_related("category").prefetch_related(
        "buildings", "rooms", "asset_categories"
    )
    serializer_class = PlanSerializer
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    restricted_actions = {"generate": "view"}

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if getattr(self, "swagger_fake_view", False) or not self.request.user.is_authenticated:
            return context
        school_id = acting_school_id(self.request)
        if school_id:
            context["school_calendar"] = plans.SchoolCalendar.load(school_id)
        return context

    @extend_schema(request=None, responses=GeneratedSerializer)
    @action(detail=True, methods=["post"])
    def generate(self, request, pk=None):
        plan = self.get_object()
        made = plans.generate_now(plan, by=request.user)
        return Response({"made": [order.number for order in made]})
