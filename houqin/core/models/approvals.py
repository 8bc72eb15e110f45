"""Approval policies (per school and document type), flows (one per document) and decisions."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .base import TenantModel

__all__ = ["ApprovalPolicy", "ApprovalStep", "ApprovalFlow", "ApprovalDecision", "Delegation"]


class ApprovalPolicy(TenantModel):
    """A school's approval chain for one document type; at most one is active per type."""

    doc_type = models.CharField(_("document type"), max_length=60)
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("approval policy")
        verbose_name_plural = _("approval policies")
        ordering = ["doc_type", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "doc_type"],
                condition=Q(is_active=True),
                name="uniq_active_policy",
            ),
        ]

    def __str__(self):
        return self.name

    @classmethod
    def owned_q(cls, access, action):
        # Everyone may read how their school's documents are approved.
        return Q() if action == "view" else None


class ApprovalStep(models.Model):
    """One step of a policy: a role or the requester's department head, within amount limits."""

    class Kind(models.TextChoices):
        ROLE = "role", _("Role")
        DEPARTMENT_HEAD = "department_head", _("Requester's department head")

    policy = models.ForeignKey(
        ApprovalPolicy, on_delete=models.CASCADE, related_name="steps", verbose_name=_("policy")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=60, blank=True)
    kind = models.CharField(_("approver"), max_length=20, choices=Kind.choices, default=Kind.ROLE)
    role = models.CharField(_("role"), max_length=30, blank=True)
    # Who approves a department-head step when the department has no other head.
    fallback_role = models.CharField(_("fallback role"), max_length=30, blank=True)
    min_amount = models.DecimalField(
        _("from amount (inclusive)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    max_amount = models.DecimalField(
        _("below amount"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    collective_decision = models.BooleanField(
        _("collective decision (三重一大)"),
        default=False,
        help_text=_("The approver must record the meeting that decided it."),
    )
    # A condition the document type defines (e.g. purchasing's "over_budget"): the step applies
    # only to documents that meet it. Blank: every document within the amounts.
    only_when = models.CharField(_("only when"), max_length=30, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        ordering = ["policy", "order"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "order"], name="uniq_approval_step_order"),
            models.CheckConstraint(
                condition=~Q(kind="role") | ~Q(role=""), name="approval_step_role_needs_role"
            ),
            models.CheckConstraint(
                condition=Q(min_amount__isnull=True)
                | Q(max_amount__isnull=True)
                | Q(max_amount__gt=models.F("min_amount")),
                name="approval_step_amount_order",
            ),
        ]

    def __str__(self):
        return self.name or f"{self.order}. {self.get_kind_display()} {self.role}".strip()

    def clean(self):
        if self.kind == self.Kind.ROLE and not self.role:
            raise ValidationError({"role": _("A role step needs a role.")})

    def applies_to(self, amount, conditions=frozenset()) -> bool:
        """Applies when amount >= min_amount and, if set, amount < max_amount, and the
        document meets the step's condition, if it has one."""
        if self.only_when and self.only_when not in conditions:
            return False
        if self.min_amount is not None and amount < self.min_amount:
            return False
        return self.max_amount is None or amount < self.max_amount


class ApprovalFlow(TenantModel):
    """The approval of one document: its current round, current step and version.

    ``plan`` is the list of steps that applied when the round started (a snapshot, so editing
    the policy does not change documents already under way). ``current_role`` and
    ``current_approver`` denormalise who may act on the current step for the inbox query.
    """

    # Decisions and the timeline are the flow's history; the row moves by conditional UPDATEs.
    history_exempt_reason = "approval flow: its decisions are the history"

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        RETURNED = "returned", _("Returned for changes")

    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("document type")
    )
    object_id = models.PositiveBigIntegerField(_("document id"))
    document = GenericForeignKey("content_type", "object_id")
    doc_type = models.CharField(_("document type"), max_length=60, db_index=True)
    number = models.CharField(_("number"), max_length=40, blank=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requester"),
    )
    department_id = models.PositiveBigIntegerField(_("department"), null=True, blank=True)
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    doc_version = models.CharField(_("document version"), max_length=64, blank=True)
    policy = models.ForeignKey(
        ApprovalPolicy,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("policy"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    plan = models.JSONField(_("steps"), default=list)
    current_step = models.PositiveSmallIntegerField(_("current step"), default=0)
    current_role = models.CharField(_("current role"), max_length=30, blank=True, db_index=True)
    current_approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("current approver"),
    )
    step_opened_at = models.DateTimeField(_("step opened at"), default=timezone.now)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        ordering = ["-step_opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="uniq_flow_per_document"
            ),
        ]
        indexes = [
            models.Index(fields=["school", "status", "current_role"], name="approval_inbox_idx")
        ]

    def __str__(self):
        if self.number and self.number not in self.title:
            return f"{self.number} {self.title}".strip()
        return self.title or self.number or f"#{self.pk}"

    @classmethod
    def owned_q(cls, access, action):
        if action != "view":
            return None
        user_id = getattr(access.user, "pk", None)
        roles = list(getattr(access, "roles", ()))
        acted = ApprovalDecision.objects.filter(approver_id=user_id).values("flow_id")
        mine = Q(requester_id=user_id) | Q(current_approver_id=user_id) | Q(pk__in=acted)
        if roles:
            mine |= Q(status=cls.Status.PENDING, current_role__in=roles)
        from houqin.core.approvals import delegated_q  # the engine knows delegations

        delegated = delegated_q(access)
        return mine if delegated is None else mine | delegated

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def current(self) -> dict | None:
        """The plan entry of the current step (None when the flow is decided)."""
        if not self.is_pending or not self.current_step:
            return None
        return next((s for s in self.plan if s["order"] == self.current_step), None)


class ApprovalDecision(models.Model):
    """One approver's decision on one step of one round; at most one per step and round."""

    history_exempt_reason = "append-only approval decisions"

    class Decision(models.TextChoices):
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        RETURNED = "returned", _("Returned for changes")
        AUTO_APPROVED = "auto_approved", _("Approved automatically")

    flow = models.ForeignKey(
        ApprovalFlow, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("approval")
    )
    round = models.PositiveSmallIntegerField(_("round"))
    step_order = models.PositiveSmallIntegerField(_("step"))
    step_label = models.CharField(_("step name"), max_length=100, blank=True)
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approver"),
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("on behalf of"),
    )
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    comment = models.TextField(_("comment"), blank=True)
    meeting_note = models.TextField(_("meeting record"), blank=True)
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("approval decision")
        verbose_name_plural = _("approval decisions")
        ordering = ["round", "step_order", "at"]
        constraints = [
            models.UniqueConstraint(
                fields=["flow", "round", "step_order"], name="uniq_decision_per_step"
            ),
        ]

    def __str__(self):
        return f"{self.get_decision_display()} ({self.round}.{self.step_order})"


class Delegation(TenantModel):
    """While away, ``from_user`` lets ``to_user`` approve in their place (dates inclusive)."""

    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("approver away"),
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("delegate"),
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="delegation_dates_order"
            ),
            models.CheckConstraint(
                condition=~Q(from_user=models.F("to_user")), name="delegation_not_to_self"
            ),
        ]

    def __str__(self):
        return f"{self.from_user} → {self.to_user}"

    @classmethod
    def owned_q(cls, access, action):
        user_id = getattr(access.user, "pk", None)
        if action == "view":
            return Q(from_user_id=user_id) | Q(to_user_id=user_id)
        if action in ("add", "change", "delete"):
            return Q(from_user_id=user_id)
        return None
