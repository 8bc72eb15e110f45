"""API: inspection templates (read), schedules, rounds (list/detail; answers and completion
through the same services as the phone pages), safety equipment.

    POST /api/safety/inspection-rounds/{id}/stops/    {"room": 12, "answers": [{"item": 5,
         "passed": false, "text": "…"}, …], "equipment": [{"equipment": 3, "ok": true}]}
    POST /api/safety/inspection-rounds/{id}/complete/ {"signed_by": "…", "signature": "data:image/png;base64,…",
         "second_signed_by": "…", "second_signature": "data:…"}
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from houqin.core.api import (
    RestrictedModelSerializer,
    RestrictedReadOnlyViewSet,
    RestrictedViewSet,
    acting_school_id,
)
from houqin.maintenance.forms import decode_signature
from houqin.org.models import Room

from . import schedules, services_equipment, services_inspections
from .filters_inspections import EquipmentFilterSet, RoundFilterSet, ScheduleFilterSet
from .models.equipment import EquipmentKind, EquipmentStatus, SafetyEquipment
from .models.inspections import (
    EquipmentCheck,
    InspectionAnswer,
    InspectionRound,
    InspectionSchedule,
    InspectionTemplate,
    RoundStatus,
    RoundStop,
    TemplateItem,
    TemplateKind,
    TemplateVersion,
)


def _choice_field(name, choices):
    """A choice field documented inline (no shared enum component: "kind" and "status" are
    names many apps use for different choices)."""
    schema = {"type": "string", "enum": [value for value, _label in choices]}
    return extend_schema_field(schema)(type(name, (serializers.ChoiceField,), {}))


TemplateKindField = _choice_field("TemplateKindField", TemplateKind.choices)
EquipmentKindField = _choice_field("EquipmentKindField", EquipmentKind.choices)
EquipmentStatusField = _choice_field("EquipmentStatusField", EquipmentStatus.choices)


class InspectionGeneratedSerializer(serializers.Serializer):
    made = serializers.ListField(child=serializers.CharField())


class InspectionItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = TemplateItem
        fields = [
            "id",
            "position",
            "label",
            "help_text",
            "answer_type",
            "min_value",
            "max_value",
            "unit",
            "options",
            "photo_required",
        ]


class InspectionTemplateSerializer(serializers.ModelSerializer):
    kind = TemplateKindField(choices=TemplateKind.choices, read_only=True)
    version = serializers.SerializerMethodField()
    needs_second_signature = serializers.SerializerMethodField()
    items = serializers.SerializerMethodField()

    class Meta:
        model = InspectionTemplate
        fields = [
            "id",
            "name",
            "kind",
            "rule_key",
            "description",
            "checks_equipment",
            "equipment_kinds",
            "is_active",
            "version",
            "needs_second_signature",
            "items",
        ]

    def _current(self, obj):
        return next(iter(getattr(obj, "current", [])), None)

    def get_version(self, obj) -> int | None:
        current = self._current(obj)
        return current.number if current else None

    def get_needs_second_signature(self, obj) -> bool:
        current = self._current(obj)
        return bool(current and current.needs_second_signature)

    def get_items(self, obj) -> InspectionItemSerializer(many=True):
        current = self._current(obj)
        return InspectionItemSerializer(current.items.all() if current else [], many=True).data


class InspectionTemplateViewSet(RestrictedReadOnlyViewSet):
    queryset = InspectionTemplate.objects.prefetch_related(
        Prefetch(
            "versions",
            queryset=TemplateVersion.objects.filter(is_current=True).prefetch_related("items"),
            to_attr="current",
        )
    ).order_by("kind", "name", "pk")
    serializer_class = InspectionTemplateSerializer


def _members(request):
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(
            memberships__school_id=acting_school_id(request), memberships__is_active=True
        )
        .distinct()
    )


class InspectionScheduleSerializer(RestrictedModelSerializer):
    related_querysets = {"inspectors": _members}
    room_types = serializers.ListField(child=serializers.CharField(), required=False)

    class Meta:
        model = InspectionSchedule
        fields = [
            "id",
            "template",
            "name",
            "recurrence",
            "every_days",
            "times_a_day",
            "day_starts",
            "day_ends",
            "weekday",
            "day_of_month",
            "offset_days",
            "on_date",
            "starts_on",
            "ends_on",
            "room_types",
            "buildings",
            "rooms",
            "inspectors",
            "is_active",
        ]

    def _save(self, instance, validated_data):
        many = {k: validated_data.pop(k, None) for k in ("rooms", "buildings", "inspectors")}
        for name, value in validated_data.items():
            setattr(instance, name, value)
        if instance._state.adding:
            instance.school_id = acting_school_id(self.context["request"])
        current = (lambda k: list(getattr(instance, k).all())) if instance.pk else (lambda k: [])
        try:
            return services_inspections.save_schedule(
                instance,
                by=self.context["request"].user,
                rooms=many["rooms"] if many["rooms"] is not None else current("rooms"),
                buildings=many["buildings"]
                if many["buildings"] is not None
                else current("buildings"),
                inspectors=many["inspectors"]
                if many["inspectors"] is not None
                else current("inspectors"),
            )
        except schedules.InvalidSchedule as exc:
            raise serializers.ValidationError(str(exc.message)) from None

    def create(self, validated_data):
        validated_data.pop("school_id", None)
        return self._save(InspectionSchedule(), validated_data)

    def update(self, instance, validated_data):
        return self._save(instance, validated_data)


class InspectionScheduleViewSet(RestrictedViewSet):
    queryset = InspectionSchedule.objects.select_related("template").prefetch_related(
        "rooms", "buildings", "inspectors"
    )
    serializer_class = InspectionScheduleSerializer
    filterset_class = ScheduleFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    restricted_actions = {"generate": "change"}

    @extend_schema(request=None, responses=InspectionGeneratedSerializer)
    @action(detail=True, methods=["post"])
    def generate(self, request, pk=None, **kwargs):
        schedule = self.get_object()
        made = schedules.generate_now(schedule, by=request.user)
        return Response({"made": [r.number for r in made]})


class InspectionAnswerSerializer(serializers.ModelSerializer):
    hazard_number = serializers.CharField(source="hazard.number", default=None, read_only=True)

    class Meta:
        model = InspectionAnswer
        fields = ["item", "passed", "value", "choice", "text", "failed", "hazard", "hazard_number"]


class InspectionEquipmentCheckSerializer(serializers.ModelSerializer):
    class Meta:
        model = EquipmentCheck
        fields = ["equipment", "ok", "note", "hazard"]


class InspectionStopSerializer(serializers.ModelSerializer):
    room_label = serializers.CharField(source="room.__str__", read_only=True)
    answers = InspectionAnswerSerializer(many=True, read_only=True)
    equipment_checks = InspectionEquipmentCheckSerializer(many=True, read_only=True)

    class Meta:
        model = RoundStop
        fields = [
            "id",
            "room",
            "room_label",
            "position",
            "visited_at",
            "scanned",
            "failed_count",
            "note",
            "answers",
            "equipment_checks",
        ]


class InspectionRoundSerializer(serializers.ModelSerializer):
    status = serializers.CharField(
        read_only=True, help_text=" / ".join(value for value, _label in RoundStatus.choices)
    )
    template_name = serializers.CharField(source="template.name", read_only=True)
    version_number = serializers.IntegerField(source="version.number", read_only=True)
    needs_second_signature = serializers.BooleanField(
        source="version.needs_second_signature", read_only=True
    )

    class Meta:
        model = InspectionRound
        fields = [
            "id",
            "number",
            "schedule",
            "template",
            "template_name",
            "version_number",
            "needs_second_signature",
            "due_date",
            "slot",
            "window_start",
            "window_end",
            "status",
            "is_late",
            "assignee",
            "started_at",
            "completed_at",
            "signed_by",
            "second_signed_by",
            "failed_count",
            "note",
        ]
        read_only_fields = fields


class InspectionRoundDetailSerializer(InspectionRoundSerializer):
    stops = InspectionStopSerializer(many=True, read_only=True)

    class Meta(InspectionRoundSerializer.Meta):
        fields = [*InspectionRoundSerializer.Meta.fields, "stops"]
        read_only_fields = fields


class InspectionStopInputAnswer(serializers.Serializer):
    item = serializers.IntegerField()
    passed = serializers.BooleanField(required=False, allow_null=True, default=None)
    value = serializers.CharField(required=False, allow_blank=True, default="")
    choice = serializers.CharField(required=False, allow_blank=True, default="")
    text = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class InspectionStopInputEquipment(serializers.Serializer):
    equipment = serializers.IntegerField()
    ok = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class InspectionStopInputSerializer(serializers.Serializer):
    room = serializers.IntegerField()
    answers = InspectionStopInputAnswer(many=True)
    equipment = InspectionStopInputEquipment(many=True, required=False, default=list)
    scanned = serializers.BooleanField(required=False, default=False)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class InspectionCompleteInputSerializer(serializers.Serializer):
    signed_by = serializers.CharField(max_length=40)
    signature = serializers.CharField()
    second_signed_by = serializers.CharField(
        max_length=40, required=False, allow_blank=True, default=""
    )
    second_signature = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")


def _signature(value, field):
    try:
        return decode_signature(value)
    except ValueError as exc:
        raise serializers.ValidationError({field: str(exc)}) from None


class InspectionRoundViewSet(RestrictedReadOnlyViewSet):
    queryset = InspectionRound.objects.select_related("template", "version")
    serializer_class = InspectionRoundSerializer
    filterset_class = RoundFilterSet
    restricted_actions = {"stops": "change", "complete": "change"}

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action != "list":
            queryset = queryset.prefetch_related(
                Prefetch(
                    "stops",
                    queryset=RoundStop.objects.select_related("room__floor__building")
                    .prefetch_related(
                        Prefetch(
                            "answers", queryset=InspectionAnswer.objects.select_related("hazard")
                        ),
                        "equipment_checks",
                    )
                    .order_by("position", "pk"),
                )
            )
        return queryset

    def get_serializer_class(self):
        return (
            InspectionRoundDetailSerializer if self.action != "list" else InspectionRoundSerializer
        )

    @extend_schema(request=InspectionStopInputSerializer, responses=InspectionRoundDetailSerializer)
    @action(detail=True, methods=["post"])
    def stops(self, request, pk=None, **kwargs):
        found = self.get_object()
        data = InspectionStopInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        room = Room.objects.filter(pk=values["room"], school_id=found.school_id).first()
        if room is None:
            raise serializers.ValidationError({"room": _("Choose a place of this round.")})
        answers = {
            a["item"]: services_inspections.Answer(
                passed=a["passed"], value=a["value"] or None, choice=a["choice"], text=a["text"]
            )
            for a in values["answers"]
        }
        equipment = {e["equipment"]: (e["ok"], e["note"]) for e in values["equipment"]}
        services_inspections.record_stop(
            found,
            by=request.user,
            room=room,
            answers=answers,
            equipment=equipment,
            scanned=values["scanned"],
            note=values["note"],
        )
        return Response(InspectionRoundDetailSerializer(self.get_queryset().get(pk=found.pk)).data)

    @extend_schema(
        request=InspectionCompleteInputSerializer, responses=InspectionRoundDetailSerializer
    )
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None, **kwargs):
        found = self.get_object()
        data = InspectionCompleteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        services_inspections.complete_round(
            found,
            by=request.user,
            signature=_signature(values["signature"], "signature"),
            signed_by=values["signed_by"],
            second_signature=_signature(values["second_signature"], "second_signature"),
            second_signed_by=values["second_signed_by"],
            note=values["note"],
        )
        return Response(InspectionRoundDetailSerializer(self.get_queryset().get(pk=found.pk)).data)


class SafetyEquipmentSerializer(RestrictedModelSerializer):
    kind = EquipmentKindField(choices=EquipmentKind.choices)
    status = EquipmentStatusField(choices=EquipmentStatus.choices, required=False)
    state = serializers.SerializerMethodField()

    class Meta:
        model = SafetyEquipment
        fields = [
            "id",
            "code",
            "kind",
            "model_name",
            "size",
            "room",
            "location_note",
            "installed_on",
            "last_checked_on",
            "next_check_on",
            "refill_due_on",
            "expires_on",
            "status",
            "note",
            "state",
        ]

    def get_state(self, obj) -> str:
        return services_equipment.state_of(obj, timezone.localdate())

    def _save(self, instance, validated_data):
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return services_equipment.save_equipment(instance, by=self.context["request"].user)

    def create(self, validated_data):
        school_id = validated_data.pop("school_id", None) or acting_school_id(
            self.context["request"]
        )
        return self._save(SafetyEquipment(school_id=school_id), validated_data)

    def update(self, instance, validated_data):
        return self._save(instance, validated_data)


class SafetyEquipmentViewSet(RestrictedViewSet):
    queryset = SafetyEquipment.objects.select_related("room")
    serializer_class = SafetyEquipmentSerializer
    filterset_class = EquipmentFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]


def register(router) -> None:
    """Register this area's viewsets on the app's router."""
    router.register(
        "inspection-templates", InspectionTemplateViewSet, basename="inspection-template"
    )
    router.register(
        "inspection-schedules", InspectionScheduleViewSet, basename="inspection-schedule"
    )
    router.register("inspection-rounds", InspectionRoundViewSet, basename="inspection-round")
    router.register("equipment", SafetyEquipmentViewSet, basename="safety-equipment")
