"""Print jobs in the API (/api/stores/print-jobs/), with the pages' rules.

The list shows what the pages' "all jobs" list shows (others' confidential jobs masked: no
title, description or file); a confidential job of someone else is a 404 when opened. Creating
and every action call ``services_printing``, so a refusal is the same DomainError the pages
show, answered as JSON.
"""

from __future__ import annotations

from django.apps import apps
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from houqin.core.api import RestrictedReadOnlyViewSet, acting_school_id, in_school, school_member

from . import services_printing as printing
from .filters_printing import PrintJobFilterSet, jobs_listed_for, jobs_viewable_by
from .models import Item, PaperSize
from .models.printing import PrintJob, PrintSides

MASKED_FIELDS = ("title", "description", "outside_for")


class PrintJobSerializer(serializers.ModelSerializer):
    department_name = serializers.SerializerMethodField()
    requester_name = serializers.SerializerMethodField()
    printed_pages = serializers.IntegerField(read_only=True)
    collected_by_name = serializers.SerializerMethodField()
    masked = serializers.SerializerMethodField()

    class Meta:
        model = PrintJob
        fields = [
            "id",
            "number",
            "status",
            "title",
            "description",
            "department",
            "department_name",
            "requester",
            "requester_name",
            "pages",
            "copies",
            "printed_pages",
            "sides",
            "paper_size",
            "colour",
            "needed_by",
            "is_confidential",
            "is_outside",
            "outside_for",
            "term",
            "submitted_at",
            "sheets_used",
            "paper_item",
            "done_at",
            "collected_at",
            "collected_by",
            "collected_by_name",
            "masked",
            "created_at",
        ]
        read_only_fields = fields

    def _masked(self, obj) -> bool:
        return not getattr(obj, "shown", False)

    def get_department_name(self, obj) -> str:
        return str(obj.department)

    def get_requester_name(self, obj) -> str:
        return str(obj.requester)

    def get_collected_by_name(self, obj) -> str:
        return obj.collector_label

    def get_masked(self, obj) -> bool:
        return self._masked(obj)

    def to_representation(self, obj):
        data = super().to_representation(obj)
        if self._masked(obj):
            data["title"] = str(_("Confidential job"))
            for name in MASKED_FIELDS[1:]:
                data[name] = ""
        return data


class PrintJobCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=120)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    pages = serializers.IntegerField(min_value=1)
    copies = serializers.IntegerField(min_value=1, default=1)
    sides = serializers.ChoiceField(choices=PrintSides.choices, default=PrintSides.DOUBLE)
    paper_size = serializers.ChoiceField(choices=PaperSize.choices, default=PaperSize.A4)
    colour = serializers.BooleanField(default=False)
    needed_by = serializers.DateTimeField()
    department = serializers.IntegerField(required=False, allow_null=True)
    requester = serializers.IntegerField(
        required=False, allow_null=True, help_text="The print room only: entered for someone."
    )
    is_confidential = serializers.BooleanField(default=False)
    is_outside = serializers.BooleanField(default=False)
    outside_for = serializers.CharField(required=False, allow_blank=True, default="")
    file = serializers.FileField(required=False, allow_null=True)


class PrintFinishSerializer(serializers.Serializer):
    sheets_used = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    paper_item = serializers.IntegerField(required=False, allow_null=True)


class CollectSerializer(serializers.Serializer):
    collector = serializers.IntegerField(required=False, allow_null=True)
    collector_name = serializers.CharField(
        max_length=60, required=False, allow_blank=True, default=""
    )


class PrintReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class PrintJobViewSet(mixins.CreateModelMixin, RestrictedReadOnlyViewSet):
    """Print jobs: list (others' confidential jobs masked), read, submit, and the print room's
    start, finish, collect; cancel and resubmit. Outside jobs are approved through
    /api/…/approvals like every document."""

    queryset = PrintJob.objects.select_related("department", "requester")
    serializer_class = PrintJobSerializer
    filterset_class = PrintJobFilterSet
    restricted_actions = {
        "start": "view",
        "finish": "view",
        "collect": "view",
        "cancel": "view",
        "resubmit": "view",
    }

    def scoped(self, action):
        if action == "view":
            if getattr(self, "action", None) == "list":
                return jobs_listed_for(self.request.user)
            return jobs_viewable_by(self.request.user)
        return super().scoped(action)

    def get_serializer_class(self):
        return {
            "create": PrintJobCreateSerializer,
            "finish": PrintFinishSerializer,
            "collect": CollectSerializer,
            "cancel": PrintReasonSerializer,
            "start": serializers.Serializer,
            "resubmit": serializers.Serializer,
        }.get(self.action, PrintJobSerializer)

    def _answer(self, job, code=status.HTTP_200_OK):
        fresh = jobs_viewable_by(self.request.user).get(pk=job.pk)
        return Response(
            PrintJobSerializer(fresh, context=self.get_serializer_context()).data, status=code
        )

    @extend_schema(request=PrintJobCreateSerializer, responses={201: PrintJobSerializer})
    def create(self, request, *args, **kwargs):
        serializer = PrintJobCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        school_id = acting_school_id(request)
        department = in_school(
            apps.get_model("org", "Department"), data.pop("department", None), school_id,
            "department",
        )  # fmt: skip
        requester = school_member(data.pop("requester", None), school_id, "requester")
        upload = data.pop("file", None)
        job = printing.submit_job(
            by=request.user,
            school=school_id,
            department=department,
            requester=requester,
            files=[upload] if upload else (),
            **data,
        )
        return self._answer(job, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=PrintJobSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None, **kwargs):
        """The print room starts printing a queued job."""
        job = self.get_object()
        printing.start(job, by=request.user)
        return self._answer(job)

    @extend_schema(request=PrintFinishSerializer, responses=PrintJobSerializer)
    @action(detail=True, methods=["post"])
    def finish(self, request, pk=None, **kwargs):
        """Done: the sheets used (default computed) are drawn from the print room's paper."""
        job = self.get_object()
        serializer = PrintFinishSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        paper = in_school(Item, data.get("paper_item"), job.school_id, "paper_item")
        printing.finish(job, by=request.user, sheets_used=data.get("sheets_used"), paper_item=paper)
        return self._answer(job)

    @extend_schema(request=CollectSerializer, responses=PrintJobSerializer)
    @action(detail=True, methods=["post"])
    def collect(self, request, pk=None, **kwargs):
        """Handed over: nobody named means the requester collected it."""
        job = self.get_object()
        serializer = CollectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        printing.collect(
            job,
            by=request.user,
            collector=school_member(data.get("collector"), job.school_id, "collector"),
            collector_name=data.get("collector_name", ""),
        )
        return self._answer(job)

    @extend_schema(request=PrintReasonSerializer, responses=PrintJobSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None, **kwargs):
        job = self.get_object()
        serializer = PrintReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        printing.cancel(job, by=request.user, reason=serializer.validated_data["reason"])
        return self._answer(job)

    @extend_schema(request=None, responses=PrintJobSerializer)
    @action(detail=True, methods=["post"])
    def resubmit(self, request, pk=None, **kwargs):
        """A job returned for changes, sent again (the requester)."""
        job = self.get_object()
        printing.resubmit(job, by=request.user)
        return self._answer(job)


def register(router) -> None:
    router.register("print-jobs", PrintJobViewSet, basename="printjob")
