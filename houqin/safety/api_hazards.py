"""API: hazards (隐患) and their closed loop — /api/safety/hazards/.

Reading is scoped as on the pages (everyone's for the logistics office, the principal and
inspectors; one's own reports and rectifications otherwise). Reporting and every action call
``services_hazards``, so a refusal (the fixer verifying, a major hazard without a deadline, a
stale ``version``) is the same message the pages show."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from houqin.core.api import RestrictedReadOnlyViewSet, acting_school_id, in_school, school_member
from houqin.maintenance.models import RepairCategory, Urgency
from houqin.org.models import Department, Room

from . import services_hazards as hz
from .filters_hazards import HazardFilterSet
from .models.hazards import Hazard, HazardLevel, HazardSource

RELATED = ("room__floor__building", "owner", "department", "reported_by", "fixed_by",
           "verified_by", "work_order")  # fmt: skip


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


class SafetyHazardSerializer(serializers.ModelSerializer):
    place = serializers.CharField(source="place_label", read_only=True)
    owner_name = serializers.SerializerMethodField()
    fixed_by_name = serializers.SerializerMethodField()
    verified_by_name = serializers.SerializerMethodField()
    work_order_number = serializers.CharField(
        source="work_order.number", read_only=True, default=""
    )
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Hazard
        fields = [
            "id", "number", "title", "description", "level", "source", "status", "room",
            "place", "location_note", "found_at", "reported_by", "reporter_name", "owner",
            "owner_name", "department", "deadline", "control_measures", "work_order",
            "work_order_number", "fixed_by", "fixed_by_name", "fixed_at", "fix_note",
            "verified_by", "verified_by_name", "verified_at", "closed_at", "cancel_reason",
            "reopen_count", "escalated_at", "is_overdue", "version",
        ]  # fmt: skip
        read_only_fields = fields

    def get_owner_name(self, obj) -> str:
        return _name(obj.owner)

    def get_fixed_by_name(self, obj) -> str:
        return _name(obj.fixed_by)

    def get_verified_by_name(self, obj) -> str:
        return _name(obj.verified_by)


class SafetyHazardReportSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=100)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    level = serializers.ChoiceField(
        choices=HazardLevel.choices, default=HazardLevel.GENERAL, required=False
    )
    room = serializers.IntegerField(required=False, allow_null=True, default=None)
    location_note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=100
    )
    found_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class SafetyHazardVersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The version you read; a stale one is refused (409).",
    )


class SafetyHazardAssignSerializer(SafetyHazardVersionSerializer):
    owner = serializers.IntegerField()
    deadline = serializers.DateField(required=False, allow_null=True, default=None)
    control_measures = serializers.CharField(required=False, allow_blank=True, default="")
    department = serializers.IntegerField(required=False, allow_null=True, default=None)
    level = serializers.ChoiceField(
        choices=HazardLevel.choices, required=False, default=None, allow_null=True
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class SafetyHazardNoteSerializer(SafetyHazardVersionSerializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class SafetyHazardReasonSerializer(SafetyHazardVersionSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class SafetyHazardWorkOrderSerializer(SafetyHazardVersionSerializer):
    category = serializers.IntegerField()
    urgency = serializers.ChoiceField(
        choices=Urgency.choices, required=False, allow_null=True, default=None
    )
    description = serializers.CharField(required=False, allow_blank=True, default="")


class SafetyHazardViewSet(mixins.CreateModelMixin, RestrictedReadOnlyViewSet):
    """Hazards: list, read, report; assign, reassign, work_order, rectify, verify, fail,
    cancel."""

    queryset = Hazard.objects.select_related(*RELATED)
    serializer_class = SafetyHazardSerializer
    filterset_class = HazardFilterSet
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    restricted_actions = {
        a: "view"
        for a in ("assign", "reassign", "work_order", "rectify", "verify", "fail", "cancel")
    }

    def _answer(self, hazard, code=status.HTTP_200_OK):
        fresh = Hazard.objects.select_related(*RELATED).get(pk=hazard.pk)
        return Response(
            SafetyHazardSerializer(fresh, context=self.get_serializer_context()).data, status=code
        )

    def _data(self, serializer_class):
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(request=SafetyHazardReportSerializer, responses={201: SafetyHazardSerializer})
    def create(self, request, *args, **kwargs):
        data = self._data(SafetyHazardReportSerializer)
        school_id = acting_school_id(request)
        hazard = hz.report_hazard(
            school=school_id,
            by=request.user,
            title=data["title"],
            description=data["description"],
            level=data["level"] or HazardLevel.GENERAL,
            room=in_school(Room, data["room"], school_id, "room"),
            location_note=data["location_note"],
            source=HazardSource.REPORT,
            photos=data["photos"],
            found_at=data["found_at"],
        )
        return self._answer(hazard, status.HTTP_201_CREATED)

    def _assignment(self, data, hazard):
        return {
            "owner": school_member(data["owner"], hazard.school_id, "owner"),
            "deadline": data["deadline"],
            "control_measures": data["control_measures"],
            "department": in_school(Department, data["department"], hazard.school_id, "department"),
            "note": data["note"],
            "version": data["version"],
        }

    @extend_schema(request=SafetyHazardAssignSerializer, responses=SafetyHazardSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None, **kwargs):
        """Reported → rectifying: owner, deadline (required for a major hazard), measures."""
        hazard = self.get_object()
        data = self._data(SafetyHazardAssignSerializer)
        hz.assign(hazard, by=request.user, level=data["level"], **self._assignment(data, hazard))
        return self._answer(hazard)

    @extend_schema(request=SafetyHazardAssignSerializer, responses=SafetyHazardSerializer)
    @action(detail=True, methods=["post"])
    def reassign(self, request, pk=None, **kwargs):
        """Change the owner, deadline or measures while it is being rectified."""
        hazard = self.get_object()
        data = self._data(SafetyHazardAssignSerializer)
        hz.reassign(hazard, by=request.user, **self._assignment(data, hazard))
        return self._answer(hazard)

    @extend_schema(request=SafetyHazardWorkOrderSerializer, responses=SafetyHazardSerializer)
    @action(detail=True, methods=["post"], url_path="work-order")
    def work_order(self, request, pk=None, **kwargs):
        """Ask maintenance to rectify it; when the order is finished the hazard waits for
        verification."""
        hazard = self.get_object()
        data = self._data(SafetyHazardWorkOrderSerializer)
        hz.create_work_order(
            hazard,
            by=request.user,
            category=in_school(RepairCategory, data["category"], hazard.school_id, "category"),
            urgency=data["urgency"],
            description=data["description"],
            version=data["version"],
        )
        return self._answer(hazard)

    @extend_schema(request=SafetyHazardNoteSerializer, responses=SafetyHazardSerializer)
    @action(detail=True, methods=["post"])
    def rectify(self, request, pk=None, **kwargs):
        """The owner reports it rectified (``note`` says what was done)."""
        hazard = self.get_object()
        data = self._data(SafetyHazardNoteSerializer)
        hz.rectify(
            hazard,
            by=request.user,
            note=data["note"],
            photos=data["photos"],
            version=data["version"],
        )
        return self._answer(hazard)

    @extend_schema(request=SafetyHazardNoteSerializer, responses=SafetyHazardSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None, **kwargs):
        """Accept and close (销号) — never by whoever rectified it."""
        hazard = self.get_object()
        data = self._data(SafetyHazardNoteSerializer)
        hz.verify(
            hazard,
            by=request.user,
            note=data["note"],
            photos=data["photos"],
            version=data["version"],
        )
        return self._answer(hazard)

    @extend_schema(request=SafetyHazardReasonSerializer, responses=SafetyHazardSerializer)
    @action(detail=True, methods=["post"])
    def fail(self, request, pk=None, **kwargs):
        """Verification failed: back to rectifying with the reason."""
        hazard = self.get_object()
        data = self._data(SafetyHazardReasonSerializer)
        hz.fail_verification(
            hazard,
            by=request.user,
            reason=data["reason"],
            photos=data["photos"],
            version=data["version"],
        )
        return self._answer(hazard)

    @extend_schema(request=SafetyHazardReasonSerializer, responses=SafetyHazardSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None, **kwargs):
        """Not a hazard (the director, with the reason)."""
        hazard = self.get_object()
        data = self._data(SafetyHazardReasonSerializer)
        hz.cancel(hazard, by=request.user, reason=data["reason"], version=data["version"])
        return self._answer(hazard)


def register(router) -> None:
    """Register this area's viewsets on the app's router."""
    router.register("hazards", SafetyHazardViewSet, basename="hazard")
