"""The asset register: one card per asset, or per batch of identical items ("课桌椅 120 套")."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from houqin.core.models import TenantModel
from houqin.org.models import new_qr_token

from .categories import AssetCategory, ValueRule


class AssetStatus(models.TextChoices):
    IN_USE = "in_use", _("In use")
    IDLE = "idle", _("Idle")
    IN_REPAIR = "in_repair", _("In repair")
    LENT = "lent", _("Lent out")
    PENDING_DISPOSAL = "pending_disposal", _("Pending disposal")
    DISPOSED = "disposed", _("Disposed")
    LOST = "lost", _("Lost")


# Statuses of assets that are still on the active register (disposed and lost ones stay in
# history and in the ledger reports, but leave the everyday lists and stock-takes).
ACTIVE_STATUSES = (
    AssetStatus.IN_USE,
    AssetStatus.IDLE,
    AssetStatus.IN_REPAIR,
    AssetStatus.LENT,
    AssetStatus.PENDING_DISPOSAL,
)


class AssetKind(models.TextChoices):
    FIXED = "fixed", _("Fixed asset")
    LOW_VALUE = "low_value", _("Low-value item")


class AcquisitionMode(models.TextChoices):
    PURCHASE = "purchase", _("Purchase")
    TRANSFER_IN = "transfer_in", _("Transfer in")
    DONATION = "donation", _("Donation")
    SELF_BUILT = "self_built", _("Self-built")
    EXCHANGE = "exchange", _("Exchange")
    SURPLUS = "surplus", _("Found in a stock-take")
    OTHER = "other", _("Other")


class UseDirection(models.TextChoices):
    TEACHING = "teaching", _("Teaching")
    RESEARCH = "research", _("Research")
    ADMINISTRATION = "administration", pgettext_lazy("use of an asset", "Administration")
    LOGISTICS = "logistics", _("Logistics and services")
    STUDENT_LIFE = "student_life", _("Student life")
    OTHER = "other", _("Other")


class AssetSettings(TenantModel):
    """A school's asset rules: how numbers look and where a fixed asset starts.

    One row per school, made with the defaults the first time it is read."""

    number_prefix = models.CharField(
        _("asset number prefix"), max_length=10, default="ZC", blank=True
    )
    number_with_year = models.BooleanField(_("year in asset numbers"), default=True)
    number_digits = models.PositiveSmallIntegerField(
        _("digits of the sequence"),
        default=6,
        validators=[MinValueValidator(3), MaxValueValidator(10)],
    )
    fixed_threshold = models.DecimalField(
        _("fixed asset from (¥ per unit)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("1000"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    special_threshold = models.DecimalField(
        _("special equipment is a fixed asset from (¥ per unit)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("1500"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    label_title = models.CharField(
        _("title on labels"),
        max_length=60,
        blank=True,
        help_text=_("Printed at the top of each asset label; the school's name when empty."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("asset settings")
        verbose_name_plural = _("asset settings")
        constraints = [models.UniqueConstraint(fields=["school"], name="uniq_asset_settings")]

    def __str__(self):
        return str(self._meta.verbose_name)

    @classmethod
    def for_school(cls, school) -> "AssetSettings":
        school_id = getattr(school, "pk", school)
        found = cls.objects.filter(school_id=school_id).first()
        if found is None:
            found, _created = cls.objects.get_or_create(school_id=school_id)
        return found

    @classmethod
    def owned_q(cls, access, action):
        return Q() if action == "view" else None

    def kind_for(self, category: AssetCategory, unit_price) -> str:
        """Fixed or low-value, by the category's rule and the unit price (SPEC §6)."""
        if category.value_rule == ValueRule.ALWAYS_FIXED:
            return AssetKind.FIXED
        threshold = (
            self.special_threshold
            if category.value_rule == ValueRule.SPECIAL
            else self.fixed_threshold
        )
        return AssetKind.FIXED if (unit_price or 0) >= threshold else AssetKind.LOW_VALUE

    def format_number(self, year: int, value: int) -> str:
        year_part = str(year) if self.number_with_year else ""
        return f"{self.number_prefix}{year_part}{value:0{self.number_digits}d}"


class Asset(TenantModel):
    """资产卡片: one asset, or a batch of identical ones counted by ``quantity``."""

    number = models.CharField(_("asset number"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    category = models.ForeignKey(
        AssetCategory, on_delete=models.PROTECT, related_name="assets", verbose_name=_("category")
    )
    kind = models.CharField(
        _("asset class"), max_length=10, choices=AssetKind.choices, default=AssetKind.FIXED
    )
    model = models.CharField(_("model / specification"), max_length=100, blank=True)
    brand = models.CharField(_("brand"), max_length=60, blank=True)
    serial_number = models.CharField(_("serial number"), max_length=60, blank=True)
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    unit = models.CharField(_("unit"), max_length=10, blank=True)
    unit_price = models.DecimalField(
        _("unit value (¥)"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    total_value = models.DecimalField(
        _("total value (¥)"),
        max_digits=16,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    funding_source = models.CharField(_("funding source"), max_length=60, blank=True)
    acquisition_mode = models.CharField(
        _("acquired by"),
        max_length=20,
        choices=AcquisitionMode.choices,
        default=AcquisitionMode.PURCHASE,
    )
    use_direction = models.CharField(
        _("use"), max_length=20, choices=UseDirection.choices, blank=True
    )
    acquired_on = models.DateField(_("acquired on"), null=True, blank=True)
    supplier = models.CharField(_("supplier"), max_length=100, blank=True)
    invoice_number = models.CharField(_("invoice number"), max_length=60, blank=True)
    warranty_until = models.DateField(_("warranty until"), null=True, blank=True)
    room = models.ForeignKey(
        "org.Room",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assets",
        verbose_name=_("place"),
    )
    department = models.ForeignKey(
        "org.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assets",
        verbose_name=_("custodian department"),
    )
    custodian = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="custodied_assets",
        verbose_name=_("custodian"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=AssetStatus.choices, default=AssetStatus.IN_USE
    )
    useful_life_years = models.PositiveSmallIntegerField(
        _("useful life (years)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text=_("Leave empty to use the category's life."),
    )
    notes = models.TextField(_("notes"), blank=True)
    qr_token = models.CharField(
        _("QR token"), max_length=32, unique=True, default=new_qr_token, editable=False
    )
    # Kept by the monthly depreciation run (services in houqin.assets.depreciation).
    accumulated_depreciation = models.DecimalField(
        _("accumulated depreciation (¥)"),
        max_digits=16,
        decimal_places=2,
        default=Decimal("0"),
        editable=False,
    )
    depreciated_through = models.DateField(
        _("depreciated through (month)"), null=True, blank=True, editable=False
    )
    disposed_on = models.DateField(_("disposed on"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
        editable=False,
    )
    history = HistoricalRecords(
        excluded_fields=["accumulated_depreciation", "depreciated_through", "updated_at"]
    )

    class Meta:
        verbose_name = _("asset")
        verbose_name_plural = _("assets")
        ordering = ["number", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["school", "number"], name="uniq_asset_number"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="asset_quantity_positive"),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0) & Q(total_value__gte=0),
                name="asset_value_not_negative",
            ),
        ]
        indexes = [
            # The register's filters and sorts: each walks an index and stops after a page.
            models.Index(fields=["school", "status", "number"], name="asset_status_idx"),
            models.Index(fields=["school", "category", "number"], name="asset_category_idx"),
            models.Index(fields=["school", "room", "number"], name="asset_room_idx"),
            models.Index(fields=["school", "department", "number"], name="asset_department_idx"),
            models.Index(fields=["school", "custodian", "number"], name="asset_custodian_idx"),
            models.Index(fields=["school", "acquired_on", "id"], name="asset_acquired_idx"),
            models.Index(fields=["school", "total_value", "id"], name="asset_value_idx"),
            models.Index(fields=["school", "name", "id"], name="asset_name_idx"),
        ]
        permissions = [
            ("export_asset", _("Can export assets")),
            ("import_asset", _("Can import asset ledgers")),
            ("move_asset", _("Can move and lend assets")),
            ("label_asset", _("Can print asset labels")),
            ("depreciate_asset", _("Can run depreciation")),
        ]

    def __str__(self):
        return f"{self.number} {self.name}".strip()

    def get_absolute_url(self):
        return reverse("assets:asset_detail", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def life_months(self) -> int | None:
        """Months over which the asset depreciates; None when it does not."""
        if not self.category.depreciates:
            return None
        years = self.useful_life_years or self.category.useful_life_years
        return years * 12 if years else None

    @property
    def net_book_value(self) -> Decimal:
        return self.total_value - self.accumulated_depreciation

    def clean(self):
        if self.warranty_until and self.acquired_on and self.warranty_until < self.acquired_on:
            raise ValidationError(
                {"warranty_until": _("The warranty cannot end before the asset was acquired.")}
            )

    @classmethod
    def owned_q(cls, access, action):
        """Staff see what they look after, and department heads their department's assets."""
        if action != "view":
            return None
        user_id = getattr(access.user, "pk", None)
        q = Q(custodian_id=user_id)
        department_ids = getattr(access, "headed_department_ids", None) or ()
        if department_ids:
            q |= Q(department_id__in=list(department_ids))
        return q
