"""The stock-take as a document of the approval engine (imported by the app's ready()).

Its corrections wait for the logistics director by default; a school changes the policy on
the approval settings pages. Registering twice is harmless (the registry is a dict).
"""

from django.utils.translation import gettext_lazy as _

from houqin.core import documents
from houqin.core.documents import DocumentType, StepSpec

from . import services_stocktake as services

STOCKTAKE = documents.register(
    DocumentType(
        doc_type=services.DOC_TYPE,
        label=_("Stock-take corrections"),
        prefix="PD",
        default_steps=(StepSpec(kind="role", role="director"),),
        on_approved=services.approval_granted,
        on_rejected=services.approval_refused,
        on_returned=services.approval_returned,
    )
)
