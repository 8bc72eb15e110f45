"""The change history of any record the user may view: /history/<app>/<model>/<pk>/."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from houqin.core.history import has_history, history_for
from houqin.core.views.timeline import document_or_404


@login_required
@require_GET
def object_history(request, app_label, model, pk):
    obj = document_or_404(request.user, app_label, model, pk)
    if not has_history(type(obj)):
        raise Http404
    context = {
        "object": obj,
        "model_name": type(obj)._meta.verbose_name,
        "rows": history_for(obj),
        "back_url": obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else "",
    }
    return render(request, "core/history/object_history.html", context)
