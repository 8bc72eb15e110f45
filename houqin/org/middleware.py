from django.utils.functional import SimpleLazyObject

from .access import access_for


class SchoolMiddleware:
    """Attach the acting user's current school and access to the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.access = SimpleLazyObject(lambda: access_for(request.user))
        request.school = SimpleLazyObject(lambda: _school(request))
        return self.get_response(request)


def _school(request):
    from .models import School

    school_id = request.access.school_id
    return School.objects.filter(pk=school_id).first() if school_id else None
