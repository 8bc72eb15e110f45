"""SampleRequest: a small document that uses core's machinery the way a real module would."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from houqin.core.models import NumberedDocument
from houqin.core.states import StateMachine, Transition, has_perm, is_user


def needs_reason(obj, reason="", **ctx):
    from houqin.core.errors import DomainError

    if not reason.strip():
        raise DomainError(_("Give a reason."))


class SampleRequest(NumberedDocument):
    """A request with an amount, sent for approval (test-only)."""

    history_exempt_reason = "test-only document"
    number_prefix = "SQ"

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        RETURNED = "returned", _("Returned")
        CANCELLED = "cancelled", _("Cancelled")
        CLOSED = "closed", _("Closed")

    title = models.CharField(_("title"), max_length=100)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2, default=0)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "org.Department", on_delete=models.PROTECT, null=True, blank=True
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(default=1)

    machine = StateMachine(
        field="status",
        transitions=[
            Transition(
                "submit",
                source={"draft", "returned"},
                target="submitted",
                allowed=is_user("requester"),
                label=_("Submit"),
            ),
            Transition("approve", source={"submitted"}, target="approved", system_only=True),
            Transition("reject", source={"submitted"}, target="rejected", system_only=True),
            Transition("return", source={"submitted"}, target="returned", system_only=True),
            Transition(
                "cancel",
                source={"draft", "returned"},
                target="cancelled",
                allowed=is_user("requester"),
                guard=needs_reason,
                label=_("Cancel"),
            ),
            Transition(
                "close",
                source={"approved"},
                target="closed",
                allowed=has_perm("testdocs.change_samplerequest"),
                label=_("Close"),
            ),
        ],
    )

    class Meta(NumberedDocument.Meta):
        ordering = ["pk"]

    def __str__(self):
        return f"{self.number} {self.title}".strip()

    @property
    def approval_requester(self):
        return self.requester

    @property
    def approval_department_id(self):
        return self.department_id

    @property
    def approval_amount(self):
        return self.amount

    @property
    def approval_title(self):
        return self.title

    @property
    def approval_version(self):
        return self.version

    @classmethod
    def owned_q(cls, access, action):
        if action in ("view", "change"):
            return Q(requester=access.user)
        return None
