"""API: greening plots, plants and care tasks (planned, done with photos, checked) — the same
services as the pages."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from houqin.core.api import (
    RestrictedModelSerializer,
    RestrictedReadOnlyViewSet,
    RestrictedViewSet,
    acting_school_id,
    in_school,
)

from . import services_greening as services
from .forms_greening import CareTaskFilterSet, GreenPlotFilterSet, PlantFilterSet
from .models.greening import CareKind, CareTask, GreenPlot, Plant


class GreenPlotSerializer(RestrictedModelSerializer):
    class Meta:
        model = GreenPlot
        fields = ["id", "name", "room", "location", "size_m2", "company", "note", "is_active"]


class GreenPlotViewSet(RestrictedViewSet):
    queryset = GreenPlot.objects.select_related("room", "company")
    serializer_class = GreenPlotSerializer
    filterset_class = GreenPlotFilterSet


class GreenPlantSerializer(RestrictedModelSerializer):
    class Meta:
        model = Plant
        fields = ["id", "plot", "species", "count", "planted_on", "note"]


class GreenPlantViewSet(RestrictedViewSet):
    queryset = Plant.objects.select_related("plot")
    serializer_class = GreenPlantSerializer
    filterset_class = PlantFilterSet


class GreenCareTaskSerializer(serializers.ModelSerializer):
    plot_name = serializers.CharField(source="plot.name", read_only=True)
    overdue = serializers.BooleanField(read_only=True)
    care_kind = serializers.ChoiceField(source="kind", choices=CareKind.choices, read_only=True)

    class Meta:
        model = CareTask
        fields = [
            "id",
            "plot",
            "plot_name",
            "company",
            "care_kind",
            "due_on",
            "status",
            "overdue",
            "note",
            "done_at",
            "done_by",
            "done_note",
            "checked_at",
            "checked_by",
            "check_note",
            "redo_count",
        ]
        read_only_fields = fields


class GreenCarePlanSerializer(serializers.Serializer):
    plot = serializers.IntegerField()
    care_kind = serializers.ChoiceField(choices=CareKind.choices)
    first = serializers.DateField()
    every_days = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, default=None
    )
    until = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class GreenCareNoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class GreenCareDoneSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")
    photos = serializers.ListField(child=serializers.FileField(), allow_empty=False)


class GreenCareTaskViewSet(mixins.CreateModelMixin, RestrictedReadOnlyViewSet):
    """Care tasks: plan (POST, one or repeated), ``done`` (multipart with photos), ``accept``,
    ``redo`` (with the reason in ``note``). Contractors see their company's tasks only."""

    queryset = CareTask.objects.select_related("plot")
    serializer_class = GreenCareTaskSerializer
    filterset_class = CareTaskFilterSet
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    restricted_actions = {"done": "view", "accept": "view", "redo": "view", "create": "add"}

    def get_serializer_class(self):
        return {
            "create": GreenCarePlanSerializer,
            "done": GreenCareDoneSerializer,
            "accept": GreenCareNoteSerializer,
            "redo": GreenCareNoteSerializer,
        }.get(self.action, GreenCareTaskSerializer)

    def _answer(self, task, code=status.HTTP_200_OK):
        return Response(GreenCareTaskSerializer(self.queryset.get(pk=task.pk)).data, status=code)

    @extend_schema(
        request=GreenCarePlanSerializer, responses={201: GreenCareTaskSerializer(many=True)}
    )
    def create(self, request, *args, **kwargs):
        data = GreenCarePlanSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        plot = in_school(GreenPlot, v["plot"], acting_school_id(request), "plot")
        tasks = services.plan_tasks(
            by=request.user,
            plot=plot,
            kind=v["care_kind"],
            first=v["first"],
            until=v["until"],
            every_days=v["every_days"],
            note=v["note"],
        )
        rows = self.queryset.filter(pk__in=[t.pk for t in tasks])
        return Response(
            GreenCareTaskSerializer(rows, many=True).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=GreenCareDoneSerializer, responses=GreenCareTaskSerializer)
    @action(detail=True, methods=["post"])
    def done(self, request, pk=None, **kwargs):
        task = self.get_object()
        photos = request.FILES.getlist("photos")
        services.mark_done(task, by=request.user, note=request.data.get("note", ""), photos=photos)
        return self._answer(task)

    @extend_schema(request=GreenCareNoteSerializer, responses=GreenCareTaskSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None, **kwargs):
        task = self.get_object()
        services.accept(task, by=request.user, note=request.data.get("note", ""))
        return self._answer(task)

    @extend_schema(request=GreenCareNoteSerializer, responses=GreenCareTaskSerializer)
    @action(detail=True, methods=["post"])
    def redo(self, request, pk=None, **kwargs):
        task = self.get_object()
        services.send_back(task, by=request.user, reason=request.data.get("note", ""))
        return self._answer(task)


def register(router) -> None:
    """Register this area's viewsets on the app's router."""
    router.register("plots", GreenPlotViewSet, basename="plot")
    router.register("plants", GreenPlantViewSet, basename="plant")
    router.register("care-tasks", GreenCareTaskViewSet, basename="caretask")
