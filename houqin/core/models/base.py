"""Abstract bases every domain model builds on."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from houqin.core.scoping import RestrictedManager

__all__ = ["TimeStampedModel", "TenantModel"]


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class TenantModel(TimeStampedModel):
    """A record that belongs to one school (the tenant). Scoped by ``objects.restrict``."""

    school = models.ForeignKey(
        settings.HOUQIN_TENANT_MODEL,
        on_delete=models.PROTECT,
        verbose_name=_("school"),
        related_name="+",
    )

    objects = RestrictedManager()

    class Meta:
        abstract = True
