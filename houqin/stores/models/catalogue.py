"""The catalogue: stores, item categories and items."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from houqin.core.models import TenantModel

from .common import MONEY, QUANTITY, ZERO


class Store(TenantModel):
    """A place where items are kept and issued from (总务仓库, 文印室, 维修间)."""

    name = models.CharField(_("name"), max_length=60)
    room = models.ForeignKey(
        "org.Room",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("room"),
    )
    keeper = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("keeper"),
    )
    is_default = models.BooleanField(
        _("default store"),
        default=False,
        help_text=_("Receipts and requisitions use it unless another store is chosen."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("store")
        verbose_name_plural = _("stores")
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="uniq_store_name"),
            models.UniqueConstraint(
                fields=["school"], condition=Q(is_default=True), name="uniq_default_store"
            ),
        ]

    def __str__(self):
        return self.name

    @classmethod
    def owned_q(cls, access, action):
        return None


class ItemCategory(TenantModel):
    """A group of items (办公用品, 纸张, 打印耗材, 清洁用品, 维修配件 …)."""

    name = models.CharField(_("name"), max_length=60)
    code = models.CharField(_("code"), max_length=20, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("item category")
        verbose_name_plural = _("item categories")
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="uniq_item_category_name"),
        ]

    def __str__(self):
        return self.name

    @classmethod
    def owned_q(cls, access, action):
        return None


class PaperSize(models.TextChoices):
    A4 = "A4", "A4"
    A3 = "A3", "A3"
    B4 = "B4", "B4"
    B5 = "B5", "B5"
    A5 = "A5", "A5"
    K8 = "8K", _("8K (八开)")
    K16 = "16K", _("16K (十六开)")


class Item(TenantModel):
    """A kind of thing the stores keep: unit, specification, category, reorder level."""

    code = models.CharField(_("item code"), max_length=30)
    name = models.CharField(_("name"), max_length=100)
    specification = models.CharField(_("specification"), max_length=100, blank=True)
    unit = models.CharField(_("unit"), max_length=10, help_text=_("e.g. 包, 盒, 个, 箱"))
    category = models.ForeignKey(
        ItemCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("category"),
    )
    reorder_level = models.DecimalField(
        _("reorder level"),
        **QUANTITY,
        default=ZERO,
        validators=[MinValueValidator(ZERO)],
        help_text=_("Suggest buying more when the quantity on hand falls to this level."),
    )
    reorder_quantity = models.DecimalField(
        _("reorder quantity"),
        **QUANTITY,
        default=ZERO,
        validators=[MinValueValidator(ZERO)],
        help_text=_("How much a reorder suggestion asks for (0: up to twice the level)."),
    )
    preferred_vendor = models.ForeignKey(
        "org.Company",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("preferred vendor"),
    )
    reference_price = models.DecimalField(
        _("reference price (¥)"),
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
        help_text=_("Used for estimates before the item has been received."),
    )
    # Paper: how many sheets one unit holds (a ream 500, a box of five reams 2,500), so print
    # jobs draw by sheets and reports count sheets and reams.
    sheets_per_unit = models.PositiveIntegerField(_("sheets per unit"), null=True, blank=True)
    paper_size = models.CharField(
        _("paper size"), max_length=5, choices=PaperSize.choices, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["code"]
        permissions = [
            ("receive_stock", _("Can receive stock")),
            ("issue_stock", _("Can issue stock")),
            ("adjust_stock", _("Can adjust stock and transfer between stores")),
            ("draw_stock", _("Can draw stock for a work order")),
            ("export_item", _("Can export items and stock")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["school", "code"], name="uniq_item_code"),
        ]
        indexes = [models.Index(fields=["school", "category", "code"], name="item_category_idx")]

    def __str__(self):
        spec = f" {self.specification}" if self.specification else ""
        return f"{self.name}{spec}"

    def get_absolute_url(self):
        return reverse("stores:item_detail", args=[self.pk])

    @property
    def is_paper(self) -> bool:
        return bool(self.sheets_per_unit)

    @classmethod
    def owned_q(cls, access, action):
        return None
