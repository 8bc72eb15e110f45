"""Core's to-do sources: approvals waiting for me."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from houqin.core import documents, todo


def _approval_items(access, limit):
    from houqin.core.approvals import pending_for

    return [
        todo.TodoItem(
            title=flow.title or str(flow),
            url=reverse("approval_detail", args=[flow.pk]),
            source="core.approvals",
            module=documents.label_for(flow.doc_type),
            number=flow.number,
            created_at=flow.step_opened_at,
        )
        for flow in pending_for(access)[:limit]
    ]


def _approval_count(access):
    from houqin.core.approvals import pending_for

    return pending_for(access).count()


todo.register(
    todo.TodoSource(
        key="core.approvals",
        label=_("Approvals waiting for me"),
        items=_approval_items,
        count=_approval_count,
    )
)
