"""The REST API base: permission and error handling shared by every viewset."""

from rest_framework import permissions
from rest_framework.views import exception_handler as drf_exception_handler


class RestrictedPermission(permissions.IsAuthenticated):
    """Authenticated users only; rows are limited by each viewset's ``restrict``."""


def exception_handler(exc, context):
    return drf_exception_handler(exc, context)
