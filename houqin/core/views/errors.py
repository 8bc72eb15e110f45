"""Friendly error pages. The 500 page renders without the request (no database, no session)."""

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token


@requires_csrf_token
def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


@requires_csrf_token
def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    # No RequestContext: context processors would touch the database, which may be what failed.
    return HttpResponseServerError(loader.get_template("errors/500.html").render())
