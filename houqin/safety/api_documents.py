"""API: regulations and emergency plans (/api/safety/documents/), their versions, "I have
read it", who has read it; drills (/api/safety/drills/) with record, cancel and findings. Writes
call the same services as the pages, so refusals are the same messages."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from houqin.core.api import RestrictedReadOnlyViewSet, acting_school_id, in_school, school_member

from . import services_documents, services_drills
from .filters_documents import (
    DrillFilterSet,
    SafetyDocumentFilterSet,
    documents_annotated,
    drills_annotated,
)
from .models.documents import (
    DocumentAcknowledgement,
    Drill,
    DrillFinding,
    DrillKind,
    SafetyDocument,
    SafetyDocumentKind,
    SafetyDocumentVersion,
)


class SafetyDocumentSerializer(serializers.ModelSerializer):
    owner_name = serializers.SerializerMethodField()
    current_version = serializers.IntegerField(source="current_id", read_only=True, allow_null=True)
    current_label = serializers.CharField(read_only=True, allow_null=True)
    current_effective = serializers.DateField(read_only=True, allow_null=True)
    current_review = serializers.DateField(read_only=True, allow_null=True)
    read_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = SafetyDocument
        fields = [
            "id", "kind", "title", "owner", "owner_name", "department", "is_active",
            "current_version", "current_label", "current_effective", "current_review",
            "read_count", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_owner_name(self, obj) -> str:
        return str(obj.owner) if obj.owner_id else ""


class SafetyDocumentWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(
        choices=SafetyDocumentKind.choices, default=SafetyDocumentKind.REGULATION
    )
    owner = serializers.IntegerField(required=False, allow_null=True)
    department = serializers.IntegerField(required=False, allow_null=True)
    is_active = serializers.BooleanField(required=False, default=True)


class SafetyDocumentVersionSerializer(serializers.ModelSerializer):
    read_count = serializers.SerializerMethodField()

    class Meta:
        model = SafetyDocumentVersion
        fields = [
            "id", "document", "label", "text", "effective_date", "review_by", "is_current",
            "superseded_at", "created_by", "created_at", "read_count",
        ]  # fmt: skip
        read_only_fields = fields

    def get_read_count(self, obj) -> int:
        return getattr(obj, "reads", 0)


class SafetyDocumentVersionWriteSerializer(serializers.Serializer):
    label = serializers.CharField(max_length=30)
    effective_date = serializers.DateField()
    review_by = serializers.DateField(required=False, allow_null=True)
    text = serializers.CharField(required=False, allow_blank=True, default="")
    file = serializers.FileField(required=False, allow_null=True)


class DocumentAcknowledgementSerializer(serializers.ModelSerializer):
    user_name = serializers.SerializerMethodField()

    class Meta:
        model = DocumentAcknowledgement
        fields = ["id", "version", "user", "user_name", "read_at"]
        read_only_fields = fields

    def get_user_name(self, obj) -> str:
        return str(obj.user)


class SafetyDocumentReaderSerializer(serializers.Serializer):
    user = serializers.IntegerField()
    name = serializers.CharField()
    department = serializers.CharField()
    read_at = serializers.DateTimeField(allow_null=True)


class SafetyDocumentViewSet(mixins.CreateModelMixin, RestrictedReadOnlyViewSet):
    """Regulations and emergency plans with their current version and read count."""

    queryset = documents_annotated()
    serializer_class = SafetyDocumentSerializer
    filterset_class = SafetyDocumentFilterSet
    restricted_actions = {"versions": "view", "add_version": "view", "read": "view",
                          "readers": "view", "edit": "view"}  # fmt: skip

    def list(self, request, *args, **kwargs):
        services_documents.ensure_regulations(acting_school_id(request))
        return super().list(request, *args, **kwargs)

    def _people(self, data, school_id):
        from houqin.org.models import Department

        return (
            school_member(data.get("owner"), school_id, "owner"),
            in_school(Department, data.get("department"), school_id, "department"),
        )

    @extend_schema(request=SafetyDocumentWriteSerializer, responses=SafetyDocumentSerializer)
    def create(self, request, *args, **kwargs):
        payload = SafetyDocumentWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        school_id = acting_school_id(request)
        owner, department = self._people(payload.validated_data, school_id)
        document = services_documents.create_document(
            school=school_id, by=request.user, title=payload.validated_data["title"],
            kind=payload.validated_data["kind"], owner=owner, department=department,
        )  # fmt: skip
        row = self.get_queryset().get(pk=document.pk)
        return Response(SafetyDocumentSerializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=SafetyDocumentWriteSerializer, responses=SafetyDocumentSerializer)
    @action(detail=True, methods=["post"])
    def edit(self, request, pk=None, **kwargs):
        """Change the title, kind, owner, department or whether it is in force."""
        document = self.get_object()
        payload = SafetyDocumentWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        owner, department = self._people(payload.validated_data, document.school_id)
        services_documents.update_document(
            document, by=request.user, title=payload.validated_data["title"],
            kind=payload.validated_data["kind"], owner=owner, department=department,
            is_active=payload.validated_data["is_active"],
        )  # fmt: skip
        return Response(SafetyDocumentSerializer(self.scoped("view").get(pk=document.pk)).data)

    @extend_schema(responses=SafetyDocumentVersionSerializer(many=True))
    @action(detail=True, methods=["get"])
    def versions(self, request, pk=None, **kwargs):
        from django.db.models import Count

        document = self.get_object()
        rows = document.versions.annotate(reads=Count("acknowledgements")).order_by(
            "-effective_date", "-pk"
        )
        return Response(SafetyDocumentVersionSerializer(rows, many=True).data)

    @extend_schema(
        request=SafetyDocumentVersionWriteSerializer, responses=SafetyDocumentVersionSerializer
    )
    @versions.mapping.post
    def add_version(self, request, pk=None, **kwargs):
        """A new version (text and/or file): it supersedes the current one."""
        document = self.get_object()
        payload = SafetyDocumentVersionWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        version = services_documents.add_version(
            document, by=request.user, label=data["label"], text=data["text"],
            effective_date=data["effective_date"], review_by=data.get("review_by"),
            files=[data["file"]] if data.get("file") else (),
        )  # fmt: skip
        return Response(
            SafetyDocumentVersionSerializer(version).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=None, responses=DocumentAcknowledgementSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None, **kwargs):
        """I have read the current version (recorded once)."""
        document = self.get_object()
        version = document.versions.filter(is_current=True).first()
        if version is None:
            raise serializers.ValidationError(
                {"detail": _("This document has no version to read yet.")}
            )
        ack = services_documents.acknowledge(version, by=request.user)
        return Response(DocumentAcknowledgementSerializer(ack).data)

    @extend_schema(responses=SafetyDocumentReaderSerializer(many=True))
    @action(detail=True, methods=["get"])
    def readers(self, request, pk=None, **kwargs):
        """Everyone asked to read the current version, with when they read it (null: not yet);
        for the owner and the logistics office."""
        from houqin.core.scoping import access_for

        from .views_documents import _may_see_readers, readers_of

        document = self.get_object()
        if not _may_see_readers(access_for(request.user), document):
            self.permission_denied(request)
        version = document.versions.filter(is_current=True).first()
        rows = readers_of(version) if version else []
        return Response([
            {"user": r["user"].pk, "name": str(r["user"]), "department": str(r["department"] or ""),
             "read_at": r["read_at"]}
            for r in rows
        ])  # fmt: skip


class DocumentAcknowledgementViewSet(RestrictedReadOnlyViewSet):
    """Acknowledgements: everyone sees their own; the office (and a document's owner) all."""

    queryset = DocumentAcknowledgement.objects.select_related("user", "version")
    serializer_class = DocumentAcknowledgementSerializer


class DrillFindingSerializer(serializers.ModelSerializer):
    hazard_number = serializers.SerializerMethodField()

    class Meta:
        model = DrillFinding
        fields = ["id", "description", "room", "hazard", "hazard_number"]
        read_only_fields = fields

    def get_hazard_number(self, obj) -> str:
        return obj.hazard.number if obj.hazard_id else ""


class DrillSerializer(serializers.ModelSerializer):
    findings = DrillFindingSerializer(many=True, read_only=True)
    organiser_name = serializers.SerializerMethodField()

    class Meta:
        model = Drill
        fields = [
            "id", "title", "kind", "status", "planned_date", "plan", "organiser", "organiser_name",
            "buildings", "rooms", "done_date", "participants", "evacuation_seconds",
            "target_seconds", "is_slow", "notes", "cancel_reason", "findings", "created_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_organiser_name(self, obj) -> str:
        return str(obj.organiser) if obj.organiser_id else ""


class DrillPlanSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=DrillKind.choices, default=DrillKind.FIRE)
    planned_date = serializers.DateField()
    plan = serializers.IntegerField(required=False, allow_null=True)
    organiser = serializers.IntegerField(required=False, allow_null=True)
    buildings = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list
    )
    rooms = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)


class DrillFindingWriteSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=200)
    room = serializers.IntegerField(required=False, allow_null=True)
    raise_hazard = serializers.BooleanField(default=False)


class DrillRecordSerializer(serializers.Serializer):
    done_date = serializers.DateField()
    participants = serializers.IntegerField(min_value=1)
    evacuation_seconds = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    findings = DrillFindingWriteSerializer(many=True, required=False, default=list)


class DrillReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class DrillViewSet(mixins.CreateModelMixin, RestrictedReadOnlyViewSet):
    """Drills: plan, record (participants, evacuation time, findings), cancel, add findings."""

    queryset = drills_annotated().prefetch_related("buildings", "rooms", "findings__hazard")
    serializer_class = DrillSerializer
    filterset_class = DrillFilterSet
    restricted_actions = {"record": "view", "cancel": "view", "findings": "view"}

    def _rows(self, ids, model, school_id, field):
        return [in_school(model, pk, school_id, field) for pk in ids]

    @extend_schema(request=DrillPlanSerializer, responses=DrillSerializer)
    def create(self, request, *args, **kwargs):
        from houqin.org.models import Building, Room

        payload = DrillPlanSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        school_id = acting_school_id(request)
        drill = services_drills.plan_drill(
            school=school_id, by=request.user, title=data["title"], kind=data["kind"],
            planned_date=data["planned_date"],
            plan=in_school(SafetyDocument, data.get("plan"), school_id, "plan"),
            organiser=school_member(data.get("organiser"), school_id, "organiser"),
            buildings=self._rows(data["buildings"], Building, school_id, "buildings"),
            rooms=self._rows(data["rooms"], Room, school_id, "rooms"),
        )  # fmt: skip
        return Response(self._out(drill), status=status.HTTP_201_CREATED)

    def _out(self, drill):
        return DrillSerializer(
            self.get_queryset()
            .model.objects.filter(pk=drill.pk)
            .prefetch_related("buildings", "rooms", "findings__hazard")
            .get()
        ).data

    @extend_schema(request=DrillRecordSerializer, responses=DrillSerializer)
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None, **kwargs):
        from houqin.org.models import Room

        drill = self.get_object()
        payload = DrillRecordSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        findings = [
            (f["description"], in_school(Room, f.get("room"), drill.school_id, "findings"),
             f["raise_hazard"])
            for f in data["findings"]
        ]  # fmt: skip
        services_drills.record_drill(
            drill, by=request.user, done_date=data["done_date"], participants=data["participants"],
            evacuation_seconds=data.get("evacuation_seconds"), notes=data["notes"],
            findings=findings,
        )  # fmt: skip
        return Response(self._out(drill))

    @extend_schema(request=DrillReasonSerializer, responses=DrillSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None, **kwargs):
        drill = self.get_object()
        payload = DrillReasonSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services_drills.cancel_drill(
            drill, by=request.user, reason=payload.validated_data["reason"]
        )
        return Response(self._out(drill))

    @extend_schema(request=DrillFindingWriteSerializer, responses=DrillFindingSerializer)
    @action(detail=True, methods=["post"])
    def findings(self, request, pk=None, **kwargs):
        """Add a finding (``raise_hazard``: report it as a hazard at once)."""
        from houqin.org.models import Room

        drill = self.get_object()
        payload = DrillFindingWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        finding = services_drills.add_finding(
            drill, by=request.user, description=data["description"],
            room=in_school(Room, data.get("room"), drill.school_id, "room"),
            raise_hazard=data["raise_hazard"],
        )  # fmt: skip
        return Response(DrillFindingSerializer(finding).data, status=status.HTTP_201_CREATED)


def register(router) -> None:
    """Register this area's viewsets on the app's router."""
    router.register("documents", SafetyDocumentViewSet, basename="document")
    router.register("acknowledgements", DocumentAcknowledgementViewSet, basename="acknowledgement")
    router.register("drills", DrillViewSet, basename="drill")
