"""Domain errors: raised by services, shown by pages and the API as a clear message."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A business rule refused the action. ``message`` is shown to the user as is."""

    default_message = _("This action is not allowed.")
    status_code = 400

    def __init__(self, message=None, *, code: str | None = None):
        self.message = message or self.default_message
        self.code = code or type(self).__name__
        super().__init__(str(self.message))


class PermissionDenied(DomainError):
    default_message = _("You do not have permission to do this.")
    status_code = 403


class IllegalTransition(DomainError):
    default_message = _("This document cannot move to that state now.")
    status_code = 409


class Conflict(DomainError):
    """Someone else changed the document first (double approval, stale form)."""

    default_message = _("Someone else changed this document first. Reload and try again.")
    status_code = 409
