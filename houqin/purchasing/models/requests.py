"""Settings, budgets, purchase requests and their lines, quotes."""


from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from houqin.core.models import NumberedDocument, TenantModel

from .common import MONEY, PRICE, QUANTITY, ZERO


class PurchasingSettings(TenantModel):
    """A school's purchasing rules."""

    quote_threshold = models.DecimalField(
        _("quotes needed from (¥)"),
        **MONEY,
        default=Decimal("5000"),
        validators=[MinValueValidator(ZERO)],
        help_text=_("A request of this amount or more needs quotes before it is ordered."),
    )
    quotes_required = models.PositiveSmallIntegerField(
        _("quotes needed"), default=3, help_text=_("From different vendors.")
    )
    missing_budget_is_over = models.BooleanField(
        _("no budget counts as over budget"),
        default=False,
        help_text=_(
            "A request for a department and category without a budget for its year needs the "
            "extra over-budget approval step."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("purchasing settings")
        verbose_name_plural = _("purchasing settings")
        constraints = [
            models.UniqueConstraint(fields=["school"], name="uniq_purchasing_settings"),
        ]

    def __str__(self):
        return str(_("Purchasing settings"))

    @classmethod
    def for_school(cls, school) -> "PurchasingSettings":
        school_id = getattr(school, "pk", school)
        found = cls.objects.filter(school_id=school_id).first()
        return found or cls(school_id=school_id)

    @classmethod
    def owned_q(cls, access, action):
        return Q() if action == "view" else None


class BudgetCategory(TenantModel):
    """What a budget is for (办公用品, 设备购置, 维修维护, 图书资料 …)."""

    name = models.CharField(_("name"), max_length=60)
    code = models.CharField(_("code"), max_length=20, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("budget category")
        verbose_name_plural = _("budget categories")
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="uniq_budget_category_name"),
        ]

    def __str__(self):
        return self.name

    @classmethod
    def owned_q(cls, access, action):
        return Q() if action == "view" else None


class Budget(TenantModel):
    """A department's budget for one category in one (calendar, i.e. fiscal) year."""

    year = models.PositiveSmallIntegerField(_("year"))
    department = models.ForeignKey(
        "org.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    category = models.ForeignKey(
        BudgetCategory, on_delete=models.PROTECT, related_name="budgets", verbose_name=_("category")
    )
    amount = models.DecimalField(
        _("amount (¥)"), **MONEY, validators=[MinValueValidator(ZERO)]
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")
        ordering = ["-year", "department__name", "category__sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "year", "department", "category"], name="uniq_budget"
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.department} {self.category}"

    @classmethod
    def owned_q(cls, access, action):
        """Department heads read their departments' budgets."""
        department_ids = getattr(access, "headed_department_ids", None) or ()
        if action == "view" and department_ids:
            return Q(department_id__in=list(department_ids))
        return None


class RequestStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Waiting for approval")
    RETURNED = "returned", _("Returned for changes")
    APPROVED = "approved", _("Approved")
    ORDERED = "ordered", _("Ordered")
    PARTLY_RECEIVED = "partly_received", _("Partly received")
    RECEIVED = "received", _("Received")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


# Statuses whose estimate counts as committed against the budget until received.
COMMITTED_STATUSES = (
    RequestStatus.SUBMITTED,
    RequestStatus.APPROVED,
    RequestStatus.ORDERED,
    RequestStatus.PARTLY_RECEIVED,
)


class PurchaseRequest(NumberedDocument):
    """A department asks to buy (采购申请): lines, reason, needed-by date, attachments."""

    number_prefix = "CG"

    department = models.ForeignKey(
        "org.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    title = models.CharField(_("title"), max_length=100)
    reason = models.TextField(_("reason"))
    needed_by = models.DateField(_("needed by"), null=True, blank=True)
    budget_category = models.ForeignKey(
        BudgetCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("budget category"),
    )
    budget_year = models.PositiveSmallIntegerField(_("budget year"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.DRAFT
    )
    estimated_total = models.DecimalField(
        _("estimated total (¥)"), **MONEY, default=ZERO, editable=False
    )
    # Set when submitted: the estimate was more than the budget had left.
    over_budget = models.BooleanField(_("over budget"), default=False, editable=False)
    chosen_quote = models.ForeignKey(
        "Quote",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("chosen quote"),
    )
    choice_reason = models.TextField(_("why this vendor"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta(NumberedDocument.Meta):
        verbose_name = _("purchase request")
        verbose_name_plural = _("purchase requests")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["school", "status", "-created_at"], name="purchase_request_status"),
            models.Index(
                fields=["school", "budget_year", "department", "budget_category"],
                name="purchase_request_budget",
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.title}".strip()

    def get_absolute_url(self):
        return reverse("purchasing:request_detail", args=[self.pk])

    # The approval engine's view of the document (houqin.core.approvals).
    @property
    def approval_requester(self):
        return self.requested_by

    @property
    def approval_department_id(self):
        return self.department_id

    @property
    def approval_amount(self):
        return self.estimated_total

    @property
    def approval_version(self):
        return self.version

    @property
    def approval_title(self):
        return str(self)

    @property
    def approval_conditions(self) -> set[str]:
        return {"over_budget"} if self.over_budget else set()

    @classmethod
    def owned_q(cls, access, action):
        """Requesters see and edit their own requests; department heads see their
        departments'."""
        if action not in ("view", "change"):
            return None
        q = Q(requested_by_id=getattr(access.user, "pk", None))
        department_ids = getattr(access, "headed_department_ids", None) or ()
        if action == "view" and department_ids:
            q |= Q(department_id__in=list(department_ids))
        return q


class LineKind(models.TextChoices):
    """What a received line becomes: stock in the stores, or cards on the asset register
    (fixed or low-value by the asset thresholds)."""

    STOCK = "stock", _("Stock (consumables)")
    ASSET = "asset", _("Asset")
    SERVICE = "service", _("Service or other (not stocked)")


class PurchaseRequestLine(TenantModel):
    """One thing asked for: a catalogue item or a free-text description."""

    history_exempt_reason = "lines of a purchase request; the request keeps the history"

    request = models.ForeignKey(
        PurchaseRequest, on_delete=models.CASCADE, related_name="lines", verbose_name=_("request")
    )
    item = models.ForeignKey(
        "stores.Item",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("catalogue item"),
    )
    description = models.CharField(_("description"), max_length=100)
    specification = models.CharField(_("specification"), max_length=100, blank=True)
    kind = models.CharField(
        _("becomes"), max_length=10, choices=LineKind.choices, default=LineKind.STOCK
    )
    asset_category = models.ForeignKey(
        "assets.AssetCategory",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("asset category"),
    )
    quantity = models.DecimalField(
        _("quantity"), **QUANTITY, validators=[MinValueValidator(Decimal("0.001"))]
    )
    unit = models.CharField(_("unit"), max_length=10)
    estimated_price = models.DecimalField(
        _("estimated unit price (¥)"), **PRICE, validators=[MinValueValidator(ZERO)]
    )
    ordered_quantity = models.DecimalField(
        _("ordered"), **QUANTITY, default=ZERO, editable=False
    )
    received_quantity = models.DecimalField(
        _("received"), **QUANTITY, default=ZERO, editable=False
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("purchase request line")
        verbose_name_plural = _("purchase request lines")
        ordering = ["request", "pk"]

    def __str__(self):
        return f"{self.description} × {self.quantity}"

    @property
    def estimated_amount(self) -> Decimal:
        return (self.quantity * self.estimated_price).quantize(Decimal("0.01"))

    @property
    def left_to_order(self) -> Decimal:
        return max(self.quantity - self.ordered_quantity, ZERO)

    @classmethod
    def owned_q(cls, access, action):
        if action != "view":
            return None
        q = Q(request__requested_by_id=getattr(access.user, "pk", None))
        department_ids = getattr(access, "headed_department_ids", None) or ()
        if department_ids:
            q |= Q(request__department_id__in=list(department_ids))
        return q


class Quote(TenantModel):
    """A vendor's quote for a request (询价): the amount for the whole request."""

    history_exempt_reason = "quotes of a request; the request's timeline records each"

    request = models.ForeignKey(
        PurchaseRequest, on_delete=models.CASCADE, related_name="quotes", verbose_name=_("request")
    )
    vendor = models.ForeignKey(
        "org.Company", on_delete=models.PROTECT, related_name="+", verbose_name=_("vendor")
    )
    amount = models.DecimalField(_("amount (¥)"), **MONEY, validators=[MinValueValidator(ZERO)])
    quoted_on = models.DateField(_("quoted on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        ordering = ["request", "amount", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["request", "vendor"], name="uniq_quote_vendor"),
        ]

    def __str__(self):
        return f"{self.vendor} ¥{self.amount}"

    @classmethod
    def owned_q(cls, access, action):
        if action != "view":
            return None
        return Q(request__requested_by_id=getattr(access.user, "pk", None))
