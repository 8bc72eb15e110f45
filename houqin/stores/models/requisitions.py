"""Requisitions (领用申请): staff ask for catalogue items, the department head approves (the
school's policy, through the approval engine), the keeper issues (partial issues allowed, the
rest stays back-ordered until issued or closed), the requester confirms receipt. Optional
quotas limit what a department may draw per term."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from houqin.core.models import NumberedDocument, TenantModel

from .catalogue import Item, ItemCategory, Store
from .common import MONEY, QUANTITY, ZERO


class RequisitionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved: to issue")
    PARTIAL = "partial", _("Partly issued")
    ISSUED = "issued", _("Issued: to confirm")
    RECEIVED = "received", _("Received")
    CLOSED = "closed", _("Closed without issue")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


# Statuses where the keeper still has something to issue (the back-order).
TO_ISSUE = (RequisitionStatus.APPROVED, RequisitionStatus.PARTIAL)


class Requisition(NumberedDocument):
    """A request for items from the stores, for a department."""

    number_prefix = "LY"

    department = models.ForeignKey(
        "org.Department",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("department"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    store = models.ForeignKey(
        Store, on_delete=models.PROTECT, related_name="+", verbose_name=_("store")
    )
    purpose = models.CharField(_("purpose"), max_length=200)
    needed_by = models.DateField(_("needed by"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=RequisitionStatus.choices,
        default=RequisitionStatus.DRAFT,
        db_index=True,
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    issued_at = models.DateTimeField(_("last issued at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    confirmed_automatically = models.BooleanField(_("confirmed automatically"), default=False)
    estimated_value = models.DecimalField(
        _("estimated value (¥)"),
        **MONEY,
        default=ZERO,
        editable=False,
        help_text=_("At the average cost when it was submitted: the approval amount."),
    )
    close_reason = models.CharField(_("why the rest was closed"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta(NumberedDocument.Meta):
        verbose_name = _("requisition")
        verbose_name_plural = _("requisitions")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["school", "department", "submitted_at"], name="requisition_dept_idx"),
        ]

    def __str__(self):
        return f"{self.number} {self.purpose}".strip()

    def get_absolute_url(self):
        return reverse("stores:requisition_detail", args=[self.pk])

    @property
    def approval_requester(self):
        return self.requested_by

    @property
    def approval_department_id(self):
        return self.department_id

    @property
    def approval_version(self):
        return self.version

    @property
    def approval_amount(self):
        return self.estimated_value

    @property
    def approval_title(self):
        return str(self)

    @classmethod
    def owned_q(cls, access, action):
        """Requesters see and edit their own; department heads see their departments'."""
        user_id = getattr(access.user, "pk", None)
        if action == "change":
            return Q(requested_by_id=user_id)
        if action != "view":
            return None
        q = Q(requested_by_id=user_id)
        headed = getattr(access, "headed_department_ids", None) or ()
        if headed:
            q |= Q(department_id__in=sorted(headed))
        return q


class RequisitionLine(TenantModel):
    """One item asked for; ``issued`` grows with each issue; the rest is back-ordered."""

    history_exempt_reason = "lines of a requisition; the requisition and the ledger keep the history"

    requisition = models.ForeignKey(
        Requisition, on_delete=models.CASCADE, related_name="lines", verbose_name=_("requisition")
    )
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="+", verbose_name=_("item")
    )
    quantity = models.DecimalField(
        _("quantity"), **QUANTITY, validators=[MinValueValidator(ZERO)]
    )
    issued = models.DecimalField(_("issued"), **QUANTITY, default=ZERO)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("requisition line")
        verbose_name_plural = _("requisition lines")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="requisition_line_positive"),
            models.CheckConstraint(
                condition=Q(issued__gte=0) & Q(issued__lte=models.F("quantity")),
                name="requisition_line_issued_within",
            ),
        ]

    def __str__(self):
        return f"{self.item} × {self.quantity}"

    @property
    def outstanding(self):
        return self.quantity - self.issued

    @classmethod
    def owned_q(cls, access, action):
        return None


class RequisitionQuota(TenantModel):
    """How much a department may draw of an item (or of a category) in a term."""

    department = models.ForeignKey(
        "org.Department", on_delete=models.CASCADE, related_name="+", verbose_name=_("department")
    )
    term = models.ForeignKey(
        "org.Term", on_delete=models.CASCADE, related_name="+", verbose_name=_("term")
    )
    item = models.ForeignKey(
        Item,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("item"),
    )
    category = models.ForeignKey(
        ItemCategory,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("category"),
    )
    quantity = models.DecimalField(
        _("quantity allowed"), **QUANTITY, validators=[MinValueValidator(ZERO)]
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("requisition quota")
        verbose_name_plural = _("requisition quotas")
        ordering = ["department__name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(item__isnull=False) & Q(category__isnull=True))
                | (Q(item__isnull=True) & Q(category__isnull=False)),
                name="requisition_quota_item_or_category",
            ),
            models.UniqueConstraint(
                fields=["department", "term", "item"],
                condition=Q(item__isnull=False),
                name="uniq_requisition_quota_item",
            ),
            models.UniqueConstraint(
                fields=["department", "term", "category"],
                condition=Q(category__isnull=False),
                name="uniq_requisition_quota_category",
            ),
        ]

    def __str__(self):
        return f"{self.department} · {self.item or self.category} · {self.term}"

    @property
    def target(self):
        return self.item or self.category

    @classmethod
    def owned_q(cls, access, action):
        return None
