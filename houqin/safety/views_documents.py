"""Regulations and emergency plans: the list (the seed's titles pre-loaded on first visit), a
document's page (versions with files, "I have read it", who has read it), forms for documents and
versions, the readers' list with its export, and the A4 regulation register. Every write goes
through ``services_documents``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from houqin.core.errors import DomainError
from houqin.core.excel import export_response
from houqin.core.scoping import access_for
from houqin.core.views.generic import ObjectDetailView, ObjectListView, add_validation_error

from . import services_documents as services
from .filters_documents import SafetyDocumentFilterSet, SafetyDocumentTable, documents_annotated
from .forms_documents import SafetyDocumentForm, VersionForm
from .models.documents import DocumentAcknowledgement, SafetyDocument, SafetyDocumentVersion

READERS_PERM = "safety.view_documentacknowledgement"
NOT_READERS = {"auditor", "district_officer"}  # they oversee; they are not asked to read


def _may_manage(access, document=None) -> bool:
    if not access.is_member:
        return False
    if access.has_perm(services.MANAGE_PERM):
        return True
    return document is not None and document.owner_id == getattr(access.user, "pk", None)


def _may_see_readers(access, document) -> bool:
    return access.is_member and (
        access.has_perm(READERS_PERM) or document.owner_id == getattr(access.user, "pk", None)
    )


class DocumentMixin:
    model = SafetyDocument
    route_prefix = "safety:document"


class DocumentListView(DocumentMixin, ObjectListView):
    queryset = documents_annotated()
    filterset_class = SafetyDocumentFilterSet
    table_class = SafetyDocumentTable
    template_name = "safety/documents/document_list.html"
    title = _("Regulations and emergency plans")

    def get(self, request, *args, **kwargs):
        if self.access.is_member:
            services.ensure_regulations(self.access.school_id)
        return super().get(request, *args, **kwargs)

    def get_extra_context(self):
        return {"register_url": reverse("safety:document_register")}


class DocumentDetailView(DocumentMixin, ObjectDetailView):
    template_name = "safety/documents/document_detail.html"
    detail_fields = ("kind", "owner", "department", "is_active")

    def base_queryset(self):
        return SafetyDocument.objects.select_related("owner", "department")

    def get_extra_context(self, obj):
        access = self.access
        versions = list(
            obj.versions.select_related("created_by").order_by("-effective_date", "-pk")
        )
        files = services.version_files(versions)
        for version in versions:
            version.files = files.get(version.pk, [])
        current = next((v for v in versions if v.is_current), None)
        read = None
        readers = None
        if current is not None:
            read = DocumentAcknowledgement.objects.filter(
                version=current, user=self.request.user
            ).first()
            if _may_see_readers(access, obj):
                readers = current.acknowledgements.count()
        manage = _may_manage(access, obj)
        return {
            "versions": versions,
            "current": current,
            "read": read,
            "may_acknowledge": current is not None and access.has_perm(services.ACK_PERM),
            "readers_count": readers,
            "readers_url": reverse("safety:document_readers", args=[obj.pk])
            if readers is not None
            else None,
            "version_url": reverse("safety:document_version_add", args=[obj.pk])
            if manage
            else None,
            "edit_url": reverse("safety:document_edit", args=[obj.pk])
            if access.has_perm(services.MANAGE_PERM)
            else None,
            "delete_url": None,
            "today": timezone.localdate(),
        }


@login_required
def document_edit(request, pk=None):
    """Add a document (``pk`` None) or change its title, kind, owner, department, in force."""
    access = access_for(request.user)
    document = None
    if pk is None:
        if not access.is_member or not access.has_perm("safety.add_safetydocument"):
            raise PermissionDenied
    else:
        document = get_object_or_404(SafetyDocument.objects.restrict(request.user, "view"), pk=pk)
        if not access.has_perm(services.MANAGE_PERM):
            raise PermissionDenied
    initial = {}
    if document is not None:
        initial = {
            "title": document.title, "kind": document.kind, "owner": document.owner_id,
            "department": document.department_id, "is_active": document.is_active,
        }  # fmt: skip
    form = SafetyDocumentForm(
        request.POST or None, initial=initial, user=request.user, school_id=access.school_id
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if document is None:
                document = services.create_document(
                    school=access.school_id, by=request.user, title=data["title"],
                    kind=data["kind"], owner=data["owner"], department=data["department"],
                )  # fmt: skip
            else:
                services.update_document(
                    document, by=request.user, title=data["title"], kind=data["kind"],
                    owner=data["owner"], department=data["department"],
                    is_active=data["is_active"],
                )  # fmt: skip
        except (DomainError, ValidationError) as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, gettext("%(title)s was saved.") % {"title": document.title})
            return redirect(document.get_absolute_url())
    return render(
        request,
        "core/generic/object_edit.html",
        {
            "form": form,
            "title": _("New regulation or plan")
            if document is None
            else gettext("Edit %(title)s") % {"title": document.title},
            "cancel_url": document.get_absolute_url()
            if document
            else reverse("safety:document_list"),
        },
    )


@login_required
def version_add(request, pk):
    """A new version: it supersedes the current one; staff are asked to read it."""
    access = access_for(request.user)
    document = get_object_or_404(SafetyDocument.objects.restrict(request.user, "view"), pk=pk)
    if not _may_manage(access, document):
        raise PermissionDenied
    form = VersionForm(
        request.POST or None, request.FILES or None, user=request.user, school_id=access.school_id
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            version = services.add_version(
                document, by=request.user, label=data["label"], text=data["text"],
                effective_date=data["effective_date"], review_by=data["review_by"],
                files=[data["file"]] if data.get("file") else (),
            )  # fmt: skip
        except (DomainError, ValidationError) as exc:
            add_validation_error(form, exc)
        else:
            messages.success(
                request,
                gettext("Version %(label)s is now in force; staff will be asked to read it.")
                % {"label": version.label},
            )
            return redirect(document.get_absolute_url())
    limit_months = services.compliance.value(access.school_id, services.REVIEW_RULE)
    return render(
        request,
        "safety/documents/version_form.html",
        {
            "form": form,
            "document": document,
            "limit_months": limit_months,
            "title": gettext("New version of %(title)s") % {"title": document.title},
            "cancel_url": document.get_absolute_url(),
        },
    )


@login_required
@require_POST
def acknowledge(request, pk):
    """One click: "I have read the current version"."""
    document = get_object_or_404(SafetyDocument.objects.restrict(request.user, "view"), pk=pk)
    version = document.versions.filter(is_current=True).first()
    if version is None:
        messages.error(request, gettext("This document has no version to read yet."))
    else:
        try:
            services.acknowledge(version, by=request.user)
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(
                request, gettext("Recorded: you have read %(title)s (%(label)s).")
                % {"title": document.title, "label": version.label},
            )  # fmt: skip
    return redirect(document.get_absolute_url())


def readers_of(version) -> list[dict]:
    """Every member asked to read ``version`` with when they read it (None: not yet); three
    queries whatever the school's size."""
    from houqin.org.models import Membership, RoleAssignment

    memberships = (
        Membership.objects.filter(school_id=version.school_id, is_active=True, user__is_active=True)
        .select_related("user", "department")
        .prefetch_related(
            Prefetch("roles", queryset=RoleAssignment.objects.only("role", "membership_id"))
        )
        .order_by("department__name", "user__full_name", "pk")
    )
    read = dict(
        DocumentAcknowledgement.objects.filter(version=version).values_list("user_id", "read_at")
    )
    rows = []
    for membership in memberships:
        roles = {r.role for r in membership.roles.all()}
        if roles and roles <= NOT_READERS:
            continue
        rows.append(
            {
                "user": membership.user,
                "department": membership.department,
                "title": membership.title,
                "read_at": read.get(membership.user_id),
            }
        )
    return rows


@login_required
def document_readers(request, pk):
    """Who has read the current version and who has not (the owner and the office)."""
    access = access_for(request.user)
    document = get_object_or_404(SafetyDocument.objects.restrict(request.user, "view"), pk=pk)
    if not _may_see_readers(access, document):
        raise PermissionDenied
    version = document.versions.filter(is_current=True).first()
    rows = readers_of(version) if version else []
    if request.GET.get("unread"):
        rows = [r for r in rows if r["read_at"] is None]
    fmt = request.GET.get("export")
    if fmt in ("xlsx", "csv"):
        headers = [_("name"), _("department"), _("job title"), _("read at")]
        data = [
            [str(r["user"]), str(r["department"] or ""), r["title"],
             timezone.localtime(r["read_at"]).strftime("%Y-%m-%d %H:%M") if r["read_at"] else ""]
            for r in rows
        ]  # fmt: skip
        name = f"{document.title}-{version.label if version else ''}"
        return export_response(name, headers, data, fmt)
    done = sum(1 for r in rows if r["read_at"])
    return render(
        request,
        "safety/documents/readers.html",
        {
            "title": gettext("Who has read %(title)s") % {"title": document.title},
            "document": document,
            "version": version,
            "rows": rows,
            "done": done,
            "unread_only": bool(request.GET.get("unread")),
        },
    )


@login_required
def document_register(request):
    """The A4 regulation register: every document with its versions and read counts."""
    from django.db.models import Count

    access = access_for(request.user)
    if not access.is_member or not access.has_perm("safety.view_safetydocument"):
        raise PermissionDenied
    versions = SafetyDocumentVersion.objects.annotate(reads=Count("acknowledgements")).order_by(
        "-effective_date", "-pk"
    )
    documents = list(
        SafetyDocument.objects.restrict(request.user, "view")
        .select_related("owner", "department")
        .prefetch_related(Prefetch("versions", queryset=versions))
        .order_by("kind", "title", "pk")
    )
    from houqin.org.models import School

    per_sheet = 14
    sheets = [documents[i : i + per_sheet] for i in range(0, len(documents), per_sheet)] or [[]]
    return render(
        request,
        "safety/documents/register_print.html",
        {
            "title": _("Regulation register"),
            "school": School.objects.get(pk=access.school_id),
            "sheets": sheets,
            "back_url": reverse("safety:document_list"),
            "printed_at": timezone.now(),
            "today": timezone.localdate(),
        },
    )
