"""Timeline panel, comments with photos, and attachment downloads, each gated by the document.

A document page shows its timeline with the partial ``core/timeline/panel.html``; its
context comes from ``timeline_context(request, obj)`` (the page's view adds it, or a
template tag calls it). Whoever may view the document may read and comment on its timeline.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from houqin.core.attachments import PILLOW_IMAGES
from houqin.core.errors import DomainError
from houqin.core.models import Attachment
from houqin.core.scoping import access_for
from houqin.core.timeline import comment, entries_for

PANEL_TEMPLATE = "core/timeline/panel.html"


def document_or_404(user, app_label: str, model_name: str, pk, action: str = "view"):
    """The document ``app_label.model_name #pk`` if ``user`` may ``action`` it, else 404."""
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        raise Http404 from None
    manager = model._default_manager
    if not hasattr(manager, "restrict"):
        raise Http404
    return get_object_or_404(manager.restrict(user, action), pk=pk)


def _state_labels(obj) -> dict:
    # State changes store codes; show the document's own labels for them.
    for name in ("status", "state"):
        try:
            field = obj._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if field.choices:
            return {str(value): label for value, label in field.flatchoices}
    return {}


def timeline_context(request, obj, *, error: str = "") -> dict:
    """What ``core/timeline/panel.html`` needs for ``obj``."""
    opts = obj._meta
    args = [opts.app_label, opts.model_name, obj.pk]
    labels = _state_labels(obj)
    entries = list(entries_for(obj))
    for entry in entries:
        entry.from_label = labels.get(entry.from_state, entry.from_state)
        entry.to_label = labels.get(entry.to_state, entry.to_state)
    return {
        "timeline_object": obj,
        "timeline_entries": entries,
        "timeline_comment_url": reverse("timeline_comment", args=args),
        "timeline_panel_url": reverse("timeline_panel", args=args),
        "timeline_error": error,
    }


def render_timeline_panel(request, obj) -> str:
    """The panel as safe HTML, for a template tag: ``{% timeline_panel obj %}``."""
    return render_to_string(PANEL_TEMPLATE, timeline_context(request, obj), request=request)


@login_required
@require_GET
def timeline_panel(request, app_label, model, pk):
    """The panel alone (htmx refresh, or a page that loads it lazily)."""
    obj = document_or_404(request.user, app_label, model, pk)
    return render(request, PANEL_TEMPLATE, timeline_context(request, obj))


@login_required
@require_POST
def timeline_comment(request, app_label, model, pk):
    obj = document_or_404(request.user, app_label, model, pk)
    error = ""
    try:
        comment(
            obj,
            by=request.user,
            text=request.POST.get("text", ""),
            files=request.FILES.getlist("files"),
        )
    except DomainError as exc:
        error = str(exc.message)
    if request.headers.get("HX-Request"):
        # htmx swaps 2xx only: the refreshed panel carries the error message itself.
        return render(request, PANEL_TEMPLATE, timeline_context(request, obj, error=error))
    if error:
        messages.error(request, error)
    return redirect(_back_to(request, obj))


def _back_to(request, obj) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    if hasattr(obj, "get_absolute_url"):
        return obj.get_absolute_url()
    return reverse("home")


def attachment_or_404(user, pk) -> Attachment:
    """An attachment whose document ``user`` may view; 404 otherwise (even across schools)."""
    access = access_for(user)
    if not access.is_member:
        raise Http404
    attachment = (
        Attachment.objects.select_related("entry", "entry__content_type")
        .filter(pk=pk, school_id=access.school_id)
        .first()
    )
    if attachment is None:
        raise Http404
    entry = attachment.entry
    model = entry.content_type.model_class()
    manager = getattr(model, "_default_manager", None) if model else None
    if manager is None or not hasattr(manager, "restrict"):
        raise Http404
    if not manager.restrict(user, "view").filter(pk=entry.object_id).exists():
        raise Http404
    return attachment


def _file_response(field, *, content_type: str, filename: str, inline: bool) -> FileResponse:
    try:
        handle = field.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=not inline, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    if not inline:
        # Nothing served from here may run as a page of our origin.
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_GET
def attachment_download(request, pk):
    attachment = attachment_or_404(request.user, pk)
    # Photos open in the browser; everything else downloads.
    inline = attachment.content_type in PILLOW_IMAGES
    return _file_response(
        attachment.file,
        content_type=attachment.content_type,
        filename=attachment.download_name,
        inline=inline,
    )


@login_required
@require_GET
def attachment_thumbnail(request, pk):
    attachment = attachment_or_404(request.user, pk)
    if not attachment.thumbnail:
        raise Http404
    return _file_response(
        attachment.thumbnail, content_type="image/jpeg", filename="thumbnail.jpg", inline=True
    )
