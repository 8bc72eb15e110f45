"""Document numbers (``WX-2026-00042``): one counter row per school, document type and year."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .base import TenantModel

__all__ = ["NumberCounter", "NumberedDocument"]


class NumberCounter(TenantModel):
    """The last number handed out for (school, doc_type, year). Append-only: no history."""

    history_exempt_reason = "a counter: the numbered documents are the history"

    doc_type = models.CharField(_("document type"), max_length=60)
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("number counter")
        verbose_name_plural = _("number counters")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "doc_type", "year"], name="uniq_number_counter"
            ),
        ]

    def __str__(self):
        return f"{self.doc_type} {self.year}: {self.value}"


class NumberedDocument(TenantModel):
    """A tenant document with a human number, unique per school.

    Subclasses set ``number_prefix`` (``"WX"``) and may set ``number_doc_type`` (default
    ``app_label.model_name``); services call ``assign_number()`` inside their transaction
    before the first save. A subclass that declares its own ``Meta`` keeps the unique
    constraint by inheriting it: ``class Meta(NumberedDocument.Meta): ...`` (and, when it adds
    constraints, ``constraints = [*NumberedDocument.Meta.constraints, ...]``).
    """

    number_prefix: str = ""
    number_doc_type: str = ""

    number = models.CharField(_("number"), max_length=40, blank=True, editable=False, db_index=True)

    class Meta:
        abstract = True
        constraints = [
            models.UniqueConstraint(
                fields=["school", "number"],
                condition=~Q(number=""),
                name="%(app_label)s_%(class)s_uniq_number",
            ),
        ]

    @classmethod
    def get_number_doc_type(cls) -> str:
        return cls.number_doc_type or f"{cls._meta.app_label}.{cls._meta.model_name}"

    def assign_number(self, *, year: int | None = None) -> str:
        """Give this document the next number of its school (once); call inside a transaction."""
        from houqin.core.numbering import next_number

        if not self.number:
            self.number = next_number(
                school=self.school_id,
                doc_type=self.get_number_doc_type(),
                prefix=self.number_prefix,
                year=year,
            )
        return self.number
