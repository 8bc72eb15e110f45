"""The repairs API (router "maintenance"): work orders and categories, with the pages' rules.

Reading goes through ``restrict``; reporting and every action call ``services`` (which check
who may), so a refusal is the same DomainError the pages show, answered as JSON.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from houqin.core.api import RestrictedReadOnlyViewSet, acting_school_id
from houqin.core.tables import CappedPaginator

from . import filters, tables
from .api_plans import PlanViewSet
from .models import PartUsage, RepairCategory, Source, Urgency, WorkOrder
from .views import WORK_ORDER_RELATED


def _services():
    from houqin.maintenance import services

    return services


class RepairCategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = RepairCategory
        fields = ["id", "code", "name", "order", "is_active"]


class PartSerializer(serializers.ModelSerializer):
    total = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)

    class Meta:
        model = PartUsage
        fields = ["id", "name", "quantity", "unit", "unit_cost", "total"]


class WorkOrderSerializer(serializers.ModelSerializer):
    category_name = serializers.CharField(source="category.name", read_only=True)
    room_label = serializers.SerializerMethodField()
    assignee_name = serializers.SerializerMethodField()

    class Meta:
        model = WorkOrder
        fields = [
            "id",
            "number",
            "title",
            "description",
            "status",
            "urgency",
            "source",
            "category",
            "category_name",
            "room",
            "room_label",
            "location_note",
            "requester",
            "reporter_name",
            "assignee",
            "assignee_name",
            "company",
            "duplicate_of",
            "hold_reason",
            "labour_minutes",
            "outside_cost",
            "rating",
            "rating_comment",
            "created_at",
            "assigned_at",
            "started_at",
            "done_at",
            "confirmed_at",
            "closed_at",
        ]
        read_only_fields = fields

    def get_room_label(self, obj) -> str:
        return str(obj.room) if obj.room_id else ""

    def get_assignee_name(self, obj) -> str:
        return obj.assignee.get_full_name() if obj.assignee_id else ""


class WorkOrderDetailSerializer(WorkOrderSerializer):
    parts = PartSerializer(many=True, read_only=True)

    class Meta(WorkOrderSerializer.Meta):
        fields = [*WorkOrderSerializer.Meta.fields, "parts"]
        read_only_fields = fields


class _ScopedPK(serializers.PrimaryKeyRelatedField):
    """A related id the user may view in the acting school."""

    def get_queryset(self):
        request = self.context["request"]
        return self.queryset.model._default_manager.restrict(request.user, "view")


class ReportSerializer(serializers.Serializer):
    category = _ScopedPK(queryset=RepairCategory.objects.all())
    room = _ScopedPK(queryset=None, required=False, allow_null=True)
    title = serializers.CharField(max_length=100, required=False, allow_blank=True)
    description = serializers.CharField(max_length=1000)
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    location_note = serializers.CharField(max_length=100, required=False, allow_blank=True)
    join = _ScopedPK(queryset=WorkOrder.objects.all(), required=False, allow_null=True)
    photos = serializers.ListField(
        child=serializers.FileField(), required=False, max_length=10,
        help_text="Photos of the problem (multipart).",
    )

    def __init__(self, *args, **kwargs):
        from django.apps import apps

        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = apps.get_model("org", "Room").objects.all()


class AssignSerializer(serializers.Serializer):
    worker = serializers.IntegerField(required=False, allow_null=True)
    company = serializers.IntegerField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=200)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class PartInputSerializer(serializers.Serializer):
    """A part: free text with its cost, or from the stores' stock ("<item id>:<store id>", the
    cost is then the stock's average)."""

    name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    stock = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    quantity = serializers.DecimalField(max_digits=10, decimal_places=2, default=1)
    unit = serializers.CharField(max_length=10, required=False, allow_blank=True, default="")
    unit_cost = serializers.DecimalField(max_digits=10, decimal_places=2, default=0)


class ChecklistAnswerSerializer(serializers.Serializer):
    done = serializers.BooleanField(default=False)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class FinishSerializer(serializers.Serializer):
    labour_minutes = serializers.IntegerField(min_value=0, default=0)
    parts = PartInputSerializer(many=True, required=False, default=list)
    outside_cost = serializers.DecimalField(max_digits=12, decimal_places=2, default=0)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    checklist = ChecklistAnswerSerializer(many=True, required=False, default=list)
    signature = serializers.CharField(
        required=False, allow_blank=True, default="",
        help_text="The requester's signature as a data:image/png;base64 URL.",
    )
    signed_by = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")

    def validate_signature(self, value):
        from .forms import decode_signature

        try:
            return decode_signature(value)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from None


class PhotosSerializer(serializers.Serializer):
    files = serializers.ListField(child=serializers.FileField(), min_length=1, max_length=10)
    text = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class ConfirmSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class EmptySerializer(serializers.Serializer):
    pass


class WorkOrderPagination(PageNumberPagination):
    """Pages as everywhere, but ``count`` stops at 10,000 (the list page's limit): past it
    ``count_capped`` is true and the pages end there; filter (e.g. ``created_after``) to reach
    older orders. Counting 500,000 orders on every page would cost more than the page."""

    count_limit = 10_000

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
            "description": "More orders match than count says (count stops at 10,000).",
        }
        return schema


# Actions are open to everyone who can see the order; the services decide who may.
_ACTIONS = (
    "assign", "start", "hold", "resume", "finish", "confirm", "reject", "cancel", "reopen",
    "photos",
)


class WorkOrderViewSet(mixins.CreateModelMixin, RestrictedReadOnlyViewSet):
    queryset = WorkOrder.objects.select_related(*WORK_ORDER_RELATED)
    serializer_class = WorkOrderSerializer
    filterset_class = filters.WorkOrderFilterSet
    pagination_class = WorkOrderPagination
    restricted_actions = dict.fromkeys(_ACTIONS, "view")

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action == "retrieve":
            qs = qs.prefetch_related("parts")
        elif self.action == "list":
            # As the list page: fewer joins to plan, places in a second query.
            qs = tables.with_places(
                qs.select_related(None).select_related("category", "assignee")
            )
        return qs

    def get_serializer_class(self):
        return {
            "retrieve": WorkOrderDetailSerializer,
            "create": ReportSerializer,
            "assign": AssignSerializer,
            "hold": ReasonSerializer,
            "reject": ReasonSerializer,
            "cancel": ReasonSerializer,
            "finish": FinishSerializer,
            "confirm": ConfirmSerializer,
            "reopen": ReasonSerializer,
            "photos": PhotosSerializer,
            "start": EmptySerializer,
            "resume": EmptySerializer,
        }.get(self.action, WorkOrderSerializer)

    def _answer(self, order, code=status.HTTP_200_OK):
        order = self.scoped("view").prefetch_related("parts").filter(pk=order.pk).first()
        if order is None:
            # Reported but not visible to the reporter as a list row (should not happen).
            return Response(status=code)
        body = WorkOrderDetailSerializer(order, context=self.get_serializer_context()).data
        return Response(body, status=code)

    @extend_schema(request=ReportSerializer, responses={201: WorkOrderDetailSerializer})
    def create(self, request, *args, **kwargs):
        from django.apps import apps

        serializer = ReportSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        school = apps.get_model("org", "School").objects.get(pk=acting_school_id(request))
        join = data.get("join")
        order = _services().report(
            school=school,
            by=request.user,
            room=data.get("room"),
            category=join.category if join else data["category"],
            title=data.get("title", ""),
            description=data["description"],
            urgency=data["urgency"],
            location_note=data.get("location_note", ""),
            source=Source.API,
            join=join,
            photos=data.get("photos", []),
        )
        return self._answer(order, status.HTTP_201_CREATED)

    def _act(self, request, name, **extra):
        order = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        kwargs = {**serializer.validated_data, **extra}
        getattr(_services(), name)(order, by=request.user, **kwargs)
        return self._answer(order)

    @extend_schema(request=AssignSerializer, responses=WorkOrderDetailSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        from django.apps import apps
        from django.contrib.auth import get_user_model

        order = self.get_object()
        serializer = AssignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        worker = company = None
        if data.get("worker"):
            # Only members of the acting school: another school's user is "no such worker".
            worker = (
                get_user_model()
                .objects.filter(
                    pk=data["worker"],
                    memberships__school_id=acting_school_id(request),
                    memberships__is_active=True,
                )
                .first()
            )
            if worker is None:
                raise serializers.ValidationError({"worker": [_("No such worker in this school.")]})
        if data.get("company"):
            Company = apps.get_model("org", "Company")
            company = (
                Company.objects.restrict(request.user, "view").filter(pk=data["company"]).first()
            )
            if company is None:
                raise serializers.ValidationError(
                    {"company": [_("No such contractor in this school.")]}
                )
        _services().assign(
            order, by=request.user, worker=worker, company=company, note=data.get("note", "")
        )
        return self._answer(order)

    @extend_schema(request=None, responses=WorkOrderDetailSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        return self._act(request, "start")

    @extend_schema(request=ReasonSerializer, responses=WorkOrderDetailSerializer)
    @action(detail=True, methods=["post"])
    def hold(self, request, pk=None):
        return self._act(request, "hold")

    @extend_schema(request=None, responses=WorkOrderDetailSerializer)
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        return self._act(request, "resume")

    @extend_schema(request=FinishSerializer, responses=WorkOrderDetailSerializer)
    @action(detail=True, methods=["post"])
    def finish(self, request, pk=None):
        return self._act(request, "finish")

    @extend_schema(request=ConfirmSerializer, responses=WorkOrderDetailSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        return self._act(request, "confirm")

    @extend_schema(request=ReasonSerializer, responses=WorkOrderDetailSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._act(request, "reject")

    @extend_schema(request=ReasonSerializer, responses=WorkOrderDetailSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._act(request, "cancel")

    @extend_schema(request=ReasonSerializer, responses=WorkOrderDetailSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self._act(request, "reopen")

    @extend_schema(request=PhotosSerializer, responses=WorkOrderDetailSerializer)
    @action(detail=True, methods=["post"])
    def photos(self, request, pk=None):
        """Photos or documents (e.g. a contractor's invoice PDF) with an optional comment,
        as multipart ``files``; the requester, the fixers and dispatchers may add them."""
        order = self.get_object()
        serializer = PhotosSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        _services().comment(order, by=request.user, text=data["text"], photos=data["files"])
        return self._answer(order, status.HTTP_201_CREATED)


class PoolViewSet(RestrictedReadOnlyViewSet):
    """抢单 pool: unassigned orders a maintenance worker may take (when the school allows);
    ``POST …/pool/{id}/claim/`` takes one."""

    queryset = WorkOrder.objects.select_related(*WORK_ORDER_RELATED)
    serializer_class = WorkOrderSerializer
    restricted_actions = {"claim": "view"}

    def scoped(self, action):
        # The pool is its own scope: unassigned orders workers could not see otherwise.
        from .selectors import pool_for

        return pool_for(self.request.user, acting_school_id(self.request)).select_related(
            *WORK_ORDER_RELATED
        )

    @extend_schema(request=None, responses=WorkOrderDetailSerializer)
    @action(detail=True, methods=["post"])
    def claim(self, request, pk=None):
        order = self.get_object()
        _services().claim(order, by=request.user)
        body = WorkOrderDetailSerializer(
            WorkOrder.objects.prefetch_related("parts").get(pk=order.pk),
            context=self.get_serializer_context(),
        ).data
        return Response(body)


class RepairCategoryViewSet(RestrictedReadOnlyViewSet):
    queryset = RepairCategory.objects.all()
    serializer_class = RepairCategorySerializer


router = SimpleRouter()
router.register("workorders", WorkOrderViewSet, basename="workorder")
router.register("categories", RepairCategoryViewSet, basename="category")
router.register("pool", PoolViewSet, basename="pool")
router.register("plans", PlanViewSet, basename="plan")
