"""This area's registrations (document types, jobs, to-do sources), imported by the
app's ready()."""

from . import documents_requests  # noqa: F401  (registers the purchase request type)
