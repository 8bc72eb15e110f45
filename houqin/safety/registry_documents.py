"""Registrations (imported by the app's ready()): regulations, emergency plans,
acknowledgements and drills — roles, to-dos, the daily review reminders, compliance statuses;
and who may see and tighten the compliance page (core's ``ComplianceSetting``)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from houqin.core import compliance, todo
from houqin.core.scheduler import periodic
from houqin.org.roles import Role, grant

from . import rules, status_documents  # noqa: F401  (rules first: statuses name them)

_DOCS = ("safetydocument", "safetydocumentversion")
_DRILLS = ("drill", "drillfinding")
_READERS = (Role.PRINCIPAL, Role.AUDITOR, Role.DISTRICT_OFFICER)

# Everyone reads the regulations and plans; staff acknowledge having read them.
for _role in Role.values:
    grant(_role, {f"safety.view_{m}" for m in _DOCS})
    if _role not in (Role.AUDITOR, Role.DISTRICT_OFFICER):
        grant(_role, {"safety.add_documentacknowledgement"})
# The logistics office keeps the documents and runs the drills.
for _role in (Role.DIRECTOR, Role.CLERK):
    grant(_role, {f"safety.{a}_{m}" for a in ("add", "change") for m in (*_DOCS, *_DRILLS)})
    grant(_role, {f"safety.view_{m}" for m in _DRILLS} | {"safety.view_documentacknowledgement"})
for _role in _READERS:
    grant(_role, {f"safety.view_{m}" for m in _DRILLS} | {"safety.view_documentacknowledgement"})
# Guards help run the drills: they see them.
grant(Role.GUARD, {f"safety.view_{m}" for m in _DRILLS})

# The compliance page: the school's leaders and overseers read it; the director tightens
# figures (the school admin is a superuser and may too).
for _role in (Role.DIRECTOR, Role.PRINCIPAL, *_READERS):
    grant(_role, {"core.view_compliancesetting"})
grant(Role.DIRECTOR, {"core.add_compliancesetting", "core.change_compliancesetting"})

compliance.register_status("safety.drill_months", status_documents.drill_status)
compliance.register_status("safety.evacuation_seconds", status_documents.evacuation_status)
compliance.register_status("safety.regulation_review_months", status_documents.review_status)


@periodic("safety.regulation_review_reminders", hour=7, minute=10)
def regulation_review_reminders(now):
    """Owners hear when a regulation's or plan's review is within 30 days, and when it passed."""
    from . import services_documents

    return services_documents.send_review_reminders()


# To-do: current versions this person has not acknowledged yet (counted with every other
# source in the page's one statement).
def _unread(access):
    from .models.documents import SafetyDocumentVersion

    if not access.is_member or not access.has_perm("safety.add_documentacknowledgement"):
        return None
    return SafetyDocumentVersion.objects.filter(
        school_id=access.school_id, is_current=True, document__is_active=True
    ).exclude(acknowledgements__user_id=getattr(access.user, "pk", None))


def _unread_items(access, limit):
    rows = _unread(access)
    if rows is None:
        return []
    rows = rows.select_related("document").order_by("effective_date", "pk")[:limit]
    return [
        todo.TodoItem(
            title=str(_("Read %(title)s (%(label)s)"))
            % {"title": v.document.title, "label": v.label},
            url=reverse("safety:document_detail", args=[v.document_id]),
            source="safety.regulations_to_read",
            module=str(_("Safety")),
            created_at=v.created_at,
        )
        for v in rows
    ]


todo.register(
    todo.TodoSource(
        key="safety.regulations_to_read",
        label=_("Regulations to read"),
        items=_unread_items,
        counted=_unread,
    )
)
