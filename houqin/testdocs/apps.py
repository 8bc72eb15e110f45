"""A tiny document app used only by the test suite to exercise core's document machinery
(numbering, state machine, approvals, timeline) without any real domain. Installed only
while testing."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TestDocsConfig(AppConfig):
    name = "houqin.testdocs"
    label = "testdocs"

    def ready(self):
        from houqin.core import documents
        from houqin.org.roles import grant

        from . import services

        documents.register(
            documents.DocumentType(
                doc_type="testdocs.samplerequest",
                label=_("Sample request"),
                prefix="SQ",
                on_approved=services.approval_granted,
                on_rejected=services.approval_refused,
                on_returned=services.approval_returned,
            )
        )
        grant("director", {"testdocs.view_samplerequest", "testdocs.change_samplerequest"})
