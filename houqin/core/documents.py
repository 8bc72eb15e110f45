"""The registry of document types: label, number prefix, default approval steps, handlers.

A module registers each of its document types once, in its ``AppConfig.ready``::

    documents.register(DocumentType(
        doc_type="purchasing.purchaserequest", label=_("Purchase request"), prefix="CG",
        default_steps=(StepSpec(kind="department_head"),
                       StepSpec(kind="role", role="director", min_amount=Decimal("5000"))),
        on_approved=services.approval_granted, on_rejected=services.approval_refused,
        on_returned=services.approval_returned,
    ))

Approval handlers are called inside the approval's transaction as
``on_approved(obj, *, flow, by)``, ``on_rejected(obj, *, flow, by, reason)`` and
``on_returned(obj, *, flow, by, reason)``; they typically move the document's state with
``machine.perform(obj, "approve", by=by, system=True)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models


@dataclass(frozen=True)
class StepSpec:
    """One approval step of a default policy (see ``houqin.core.models.ApprovalStep``)."""

    kind: str  # "role" or "department_head"
    role: str = ""
    min_amount: Decimal | None = None
    max_amount: Decimal | None = None
    collective_decision: bool = False
    fallback_role: str = ""
    name: str = ""
    only_when: str = ""  # one of the document type's conditions, or "" for always


@dataclass(frozen=True)
class DocumentType:
    doc_type: str
    label: str
    prefix: str = ""
    # Used to create a school's policy the first time a document of this type is submitted.
    default_steps: tuple[StepSpec, ...] = ()
    # Conditions a step may be limited to, as (key, label): the document says which it meets
    # through ``approval_conditions`` (e.g. ("over_budget", _("Over the budget"))).
    conditions: tuple[tuple[str, str], ...] = ()
    on_approved: Callable | None = field(default=None, compare=False)
    on_rejected: Callable | None = field(default=None, compare=False)
    on_returned: Callable | None = field(default=None, compare=False)


_TYPES: dict[str, DocumentType] = {}


def register(document_type: DocumentType) -> DocumentType:
    _TYPES[document_type.doc_type] = document_type
    return document_type


def get(doc_type: str) -> DocumentType | None:
    return _TYPES.get(doc_type)


def all_types() -> list[DocumentType]:
    return sorted(_TYPES.values(), key=lambda t: t.doc_type)


def choices() -> list[tuple[str, str]]:
    return [(t.doc_type, t.label) for t in all_types()]


def condition_choices() -> list[tuple[str, str]]:
    """Every registered condition a step may be limited to (key, label), once each."""
    seen: dict[str, str] = {}
    for registered in all_types():
        for key, label in registered.conditions:
            seen.setdefault(key, label)
    return list(seen.items())


def condition_label(key: str) -> str:
    return str(dict(condition_choices()).get(key, key))


def label_for(doc_type: str) -> str:
    registered = _TYPES.get(doc_type)
    return str(registered.label) if registered else doc_type


def doc_type_of(obj_or_model) -> str:
    """The document type key: ``approval_doc_type`` if the model sets one, else app.model."""
    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    explicit = getattr(model, "approval_doc_type", "")
    if isinstance(explicit, str) and explicit:
        return explicit
    opts = model._meta
    return f"{opts.app_label}.{opts.model_name}"


def record_on_timeline(
    obj: models.Model, *, by, kind: str, text="", from_state="", to_state="", data=None
):
    """Write a timeline entry for a document (imported late: the timeline imports the models)."""
    from houqin.core.timeline import record

    return record(
        obj, by=by, kind=kind, text=str(text), from_state=from_state, to_state=to_state, data=data
    )


def notify_users(*, school, recipients, title, body="", url="", category="approvals", level="info"):
    """Notify the people a document now waits for (in-app at once, other channels after commit)."""
    if not recipients:
        return None
    from houqin.core.notify import notify

    return notify(
        recipients=recipients,
        title=title,
        body=body,
        url=url,
        category=category,
        school=school,
        level=level,
    )
