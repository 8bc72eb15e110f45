"""API: hygiene areas, score items, score sheets (created through the service), rankings (read:
the week, live for the office and published for everyone else; the term; the red flag)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.dateparse import parse_date
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from houqin.core.api import (
    RestrictedModelSerializer,
    RestrictedReadOnlyViewSet,
    RestrictedViewSet,
    acting_school_id,
    in_school,
)
from houqin.org.models import SchoolClass
from houqin.org.terms import current_term, school_terms

from . import rankings
from . import services_scores as services
from .forms_scores import HygieneAreaFilterSet, ScoreSheetFilterSet
from .models.scores import (
    AreaKind,
    HygieneArea,
    InspectorKind,
    ScoreDeduction,
    ScoreItem,
    ScoreSheet,
    WeekResult,
)


class HygieneAreaSerializer(RestrictedModelSerializer):
    area_kind = serializers.ChoiceField(source="kind", choices=AreaKind.choices, required=False)

    class Meta:
        model = HygieneArea
        fields = ["id", "term", "name", "area_kind", "room", "school_class", "company", "note"]


class HygieneAreaViewSet(RestrictedViewSet):
    """卫生区: areas kept by a class or by the cleaning contractor, per term."""

    queryset = HygieneArea.objects.select_related("term", "room", "school_class", "company")
    serializer_class = HygieneAreaSerializer
    filterset_class = HygieneAreaFilterSet


class HygieneScoreItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ScoreItem
        fields = ["id", "name", "full_marks", "order", "hint", "is_active"]
        read_only_fields = fields


class HygieneScoreItemViewSet(RestrictedReadOnlyViewSet):
    queryset = ScoreItem.objects.all()
    serializer_class = HygieneScoreItemSerializer


class HygieneDeductionSerializer(serializers.ModelSerializer):
    item_name = serializers.CharField(source="item.name", read_only=True)

    class Meta:
        model = ScoreDeduction
        fields = ["item", "item_name", "points", "reason"]
        read_only_fields = fields


class HygieneSheetSerializer(serializers.ModelSerializer):
    class_name = serializers.CharField(source="school_class.__str__", read_only=True)
    inspector_name = serializers.CharField(source="inspector.__str__", read_only=True)
    deductions = HygieneDeductionSerializer(many=True, read_only=True)

    class Meta:
        model = ScoreSheet
        fields = [
            "id",
            "term",
            "school_class",
            "class_name",
            "inspected_on",
            "slot",
            "week",
            "inspector",
            "inspector_name",
            "inspector_kind",
            "base_score",
            "deducted",
            "bonus",
            "bonus_reason",
            "total",
            "note",
            "deductions",
        ]
        read_only_fields = fields


class HygieneDeductionInputSerializer(serializers.Serializer):
    item = serializers.IntegerField()
    points = serializers.DecimalField(max_digits=5, decimal_places=2)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class HygieneSheetCreateSerializer(serializers.Serializer):
    school_class = serializers.IntegerField()
    inspected_on = serializers.DateField()
    deductions = HygieneDeductionInputSerializer(many=True, required=False, default=list)
    bonus = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, default=0)
    bonus_reason = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")
    inspector_kind = serializers.ChoiceField(
        choices=InspectorKind.choices, required=False, allow_null=True, default=None
    )


class HygieneSheetViewSet(mixins.CreateModelMixin, RestrictedReadOnlyViewSet):
    """Score sheets: inspectors create them (same rules as the phone page); photos go to the
    sheet's timeline through the timeline API."""

    queryset = ScoreSheet.objects.select_related("school_class", "inspector").prefetch_related(
        "deductions__item"
    )
    serializer_class = HygieneSheetSerializer
    filterset_class = ScoreSheetFilterSet
    restricted_actions = {"create": "view"}

    def get_serializer_class(self):
        return HygieneSheetCreateSerializer if self.action == "create" else HygieneSheetSerializer

    @extend_schema(request=HygieneSheetCreateSerializer, responses={201: HygieneSheetSerializer})
    def create(self, request, *args, **kwargs):
        data = HygieneSheetCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        school_id = acting_school_id(request)
        klass = in_school(SchoolClass, v["school_class"], school_id, "school_class")
        items = {i.pk: i for i in ScoreItem.objects.filter(school_id=school_id)}
        deductions = []
        for row in v["deductions"]:
            if row["item"] not in items:
                raise serializers.ValidationError({"deductions": ["No such item in this school."]})
            deductions.append(
                services.DeductionInput(
                    item=items[row["item"]], points=row["points"], reason=row["reason"]
                )
            )
        sheet = services.create_sheet(
            by=request.user,
            school_class=klass,
            inspected_on=v["inspected_on"],
            deductions=deductions,
            bonus=v["bonus"],
            bonus_reason=v["bonus_reason"],
            note=v["note"],
            inspector_kind=v["inspector_kind"],
        )
        fresh = self.queryset.get(pk=sheet.pk)
        return Response(HygieneSheetSerializer(fresh).data, status=status.HTTP_201_CREATED)


class HygieneWeekResultSerializer(serializers.ModelSerializer):
    class_name = serializers.CharField(source="school_class.__str__", read_only=True)
    grade = serializers.IntegerField(source="school_class.grade", read_only=True)

    class Meta:
        model = WeekResult
        fields = [
            "week",
            "school_class",
            "class_name",
            "grade",
            "score",
            "slots",
            "grade_rank",
            "school_rank",
            "red_flag",
            "praised",
            "criticised",
        ]
        read_only_fields = fields


def _week_rows(ranking):
    return [
        {
            "week": ranking.week,
            "school_class": r.school_class.pk,
            "class_name": str(r.school_class),
            "grade": r.school_class.grade,
            "score": r.score,
            "slots": r.slots,
            "grade_rank": r.grade_rank,
            "school_rank": r.school_rank,
            "red_flag": r.red_flag,
            "praised": r.praised,
            "criticised": r.criticised,
        }
        for r in ranking.rows
    ]


class HygieneRankingViewSet(RestrictedReadOnlyViewSet):
    """Published week results (the red-flag history is ``?red_flag=true``); ``week/`` and
    ``term/`` compute a ranking (live for the logistics office, published weeks for others)."""

    queryset = WeekResult.objects.select_related("school_class")
    serializer_class = HygieneWeekResultSerializer
    filterset_fields = ["week", "school_class", "red_flag"]

    def _office(self, request):
        from houqin.core.scoping import access_for

        return access_for(request.user).has_perm("hygiene.view_scoresheet")

    @extend_schema(
        parameters=[OpenApiParameter("week", str, description="any day of the week, YYYY-MM-DD")],
        responses=HygieneWeekResultSerializer(many=True),
    )
    @action(detail=False, methods=["get"])
    def week(self, request, **kwargs):
        school_id = acting_school_id(request)
        day = parse_date(request.query_params.get("week") or "") or timezone.localdate()
        ranking = rankings.published_week(school_id, day)
        if ranking is None and self._office(request):
            ranking = rankings.compute_week(school_id, day)
        if ranking is None:
            return Response({"published": False, "rows": []})
        return Response(
            {"week": ranking.week, "published": ranking.published, "rows": _week_rows(ranking)}
        )

    @extend_schema(parameters=[OpenApiParameter("term", int)], responses=dict)
    @action(detail=False, methods=["get"])
    def term(self, request, **kwargs):
        school_id = acting_school_id(request)
        terms = school_terms(school_id)
        wanted = request.query_params.get("term")
        term = next((t for t in terms if str(t.pk) == wanted), None) or current_term(
            terms, timezone.localdate()
        )
        if term is None:
            return Response({"term": None, "weeks": [], "rows": []})
        ranking = rankings.compute_term(school_id, term, published_only=not self._office(request))
        return Response(
            {
                "term": term.pk,
                "weeks": ranking.weeks,
                "rows": [
                    {
                        "school_class": r.school_class.pk,
                        "class_name": str(r.school_class),
                        "grade": r.school_class.grade,
                        "weeks": r.weeks,
                        "total": r.total,
                        "grade_rank": r.grade_rank,
                        "school_rank": r.school_rank,
                        "red_flags": r.red_flags,
                    }
                    for r in ranking.rows
                ],
            }
        )


def register(router) -> None:
    """Register this area's viewsets on the app's router."""
    router.register("areas", HygieneAreaViewSet, basename="area")
    router.register("score-items", HygieneScoreItemViewSet, basename="scoreitem")
    router.register("sheets", HygieneSheetViewSet, basename="sheet")
    router.register("rankings", HygieneRankingViewSet, basename="ranking")
