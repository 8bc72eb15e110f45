"""Asset categories: the national classification (GB/T 14885-2022) shipped as data, with each
school's own sub-categories underneath."""

from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from houqin.core.models import TenantModel


class ValueRule(models.TextChoices):
    """How a category decides between a fixed asset and a low-value item (SPEC §6)."""

    STANDARD = "standard", _("Fixed asset from the general threshold")
    SPECIAL = "special", _("Fixed asset from the special-equipment threshold")
    ALWAYS_FIXED = "always_fixed", _("Always a fixed asset (kept in batches)")


class AssetCategory(TenantModel):
    """A class of assets. Top classes come from the standard; a school adds its own below them.

    ``code`` is the finance classification code (GB/T 14885); ``edu_code`` the optional
    education-sector code some bureaus ask for. Life and depreciation default from the parent
    when a sub-category is added."""

    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent category"),
    )
    code = models.CharField(_("classification code"), max_length=20)
    edu_code = models.CharField(_("education-sector code"), max_length=20, blank=True)
    name = models.CharField(_("name"), max_length=60)
    useful_life_years = models.PositiveSmallIntegerField(
        _("useful life (years)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text=_("Used for depreciation. Leave empty for classes that are not depreciated."),
    )
    depreciates = models.BooleanField(_("depreciated"), default=True)
    value_rule = models.CharField(
        _("fixed asset when"), max_length=20, choices=ValueRule.choices, default=ValueRule.STANDARD
    )
    default_unit = models.CharField(_("default unit"), max_length=10, blank=True)
    is_standard = models.BooleanField(
        _("from the national classification"), default=False, editable=False
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("asset category")
        verbose_name_plural = _("asset categories")
        ordering = ["code", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["school", "code"], name="uniq_asset_category_code"),
            models.CheckConstraint(
                condition=Q(depreciates=False) | Q(useful_life_years__gt=0),
                name="asset_category_life_when_depreciated",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}".strip()

    @property
    def life_months(self) -> int | None:
        if not self.depreciates or not self.useful_life_years:
            return None
        return self.useful_life_years * 12

    @classmethod
    def owned_q(cls, access, action):
        return Q() if action == "view" else None
