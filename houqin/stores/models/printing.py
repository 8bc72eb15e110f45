"""The print shop (文印): print jobs, per-department page quotas, and the print room's store.

Who sees a print job (the compliance rule: exam papers are kept locked and collected by the
subject group leader):

- the print room staff (the warehouse keeper role, ``stores.view_printjob``) see every job of
  the school, confidential ones included, with their files;
- the requester sees their own jobs, confidential or not;
- the logistics director, the clerk, the principal and the auditor (``stores.oversee_printjob``)
  and the head of the job's department see the job's page only when it is not confidential; in
  lists a confidential job appears to them as "Confidential job" with its department, pages,
  dates and state (so volumes and turnaround add up) but never its title, description or file;
- any other teacher sees no one else's jobs.

A confidential job cannot be an outside job: exam papers are the school's own, and an
approver would otherwise have to open a job they may not see.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from houqin.core.models import NumberedDocument, TenantModel

from .catalogue import PaperSize

RUN_PERM = "stores.run_printjob"
ALL_PERM = "stores.view_printjob"
OVERSEE_PERM = "stores.oversee_printjob"


class PrintSides(models.TextChoices):
    SINGLE = "single", _("Single-sided")
    DOUBLE = "double", _("Double-sided")


class PrintJobStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    RETURNED = "returned", _("Returned for changes")
    QUEUED = "queued", _("Queued")
    PRINTING = "printing", _("Printing")
    DONE = "done", _("Done: ready to collect")
    COLLECTED = "collected", _("Collected")
    CANCELLED = "cancelled", _("Cancelled")
    REJECTED = "rejected", _("Rejected")


# Jobs that count against a quota and in the volume report (everything not withdrawn).
COUNTED_STATUSES = (
    PrintJobStatus.PENDING,
    PrintJobStatus.RETURNED,
    PrintJobStatus.QUEUED,
    PrintJobStatus.PRINTING,
    PrintJobStatus.DONE,
    PrintJobStatus.COLLECTED,
)
PRINTED_STATUSES = (PrintJobStatus.DONE, PrintJobStatus.COLLECTED)
OPEN_STATUSES = (PrintJobStatus.QUEUED, PrintJobStatus.PRINTING, PrintJobStatus.DONE)


def default_sheets(pages: int, copies: int, sides: str) -> int:
    """Sheets a job uses: pages (halved, rounded up, when double-sided) × copies."""
    per_copy = (pages + 1) // 2 if sides == PrintSides.DOUBLE else pages
    return per_copy * copies


class PrintJob(NumberedDocument):
    """A print job (文印): what, how many, how, by when; queued, printed, collected."""

    number_prefix = "WY"

    department = models.ForeignKey(
        "org.Department",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("department"),
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requester"),
    )
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    pages = models.PositiveIntegerField(
        _("pages"), validators=[MinValueValidator(1)], help_text=_("Pages of the original.")
    )
    copies = models.PositiveIntegerField(_("copies"), validators=[MinValueValidator(1)])
    sides = models.CharField(
        _("sides"), max_length=10, choices=PrintSides.choices, default=PrintSides.DOUBLE
    )
    paper_size = models.CharField(
        _("paper size"), max_length=5, choices=PaperSize.choices, default=PaperSize.A4
    )
    colour = models.BooleanField(_("colour"), default=False)
    needed_by = models.DateTimeField(_("needed by"))
    is_confidential = models.BooleanField(
        _("confidential"),
        default=False,
        help_text=_(
            "Exam papers and the like: only the print room and the requester see the job and "
            "its file; whoever collects it is recorded."
        ),
    )
    is_outside = models.BooleanField(
        _("outside job"),
        default=False,
        help_text=_("Not for the school's own teaching or offices: needs a leader's approval."),
    )
    outside_for = models.CharField(_("outside job for"), max_length=100, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=PrintJobStatus.choices,
        default=PrintJobStatus.PENDING,
    )
    term = models.ForeignKey(
        "org.Term",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("term"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    sheets_used = models.PositiveIntegerField(_("sheets used"), null=True, blank=True)
    paper_item = models.ForeignKey(
        "stores.Item",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("paper"),
    )
    stock_move = models.ForeignKey(
        "stores.StockMove",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("stock move"),
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )
    collected_at = models.DateTimeField(_("collected at"), null=True, blank=True)
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("collected by"),
    )
    collected_by_name = models.CharField(_("collected by (name)"), max_length=60, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta(NumberedDocument.Meta):
        verbose_name = _("print job")
        verbose_name_plural = _("print jobs")
        ordering = ["-created_at", "-pk"]
        permissions = [
            ("run_printjob", _("Can run the print room: print, finish and hand over jobs")),
            ("oversee_printjob", _("Can see the school's print jobs (not confidential ones)")),
        ]
        constraints = [
            *NumberedDocument.Meta.constraints,
            models.CheckConstraint(condition=Q(pages__gte=1), name="printjob_pages_positive"),
            models.CheckConstraint(condition=Q(copies__gte=1), name="printjob_copies_positive"),
            models.CheckConstraint(
                condition=~Q(is_confidential=True, is_outside=True),
                name="printjob_confidential_not_outside",
            ),
        ]
        indexes = [
            models.Index(fields=["school", "status", "needed_by"], name="printjob_queue_idx"),
            models.Index(fields=["school", "term", "department"], name="printjob_term_idx"),
            models.Index(fields=["school", "requester"], name="printjob_requester_idx"),
        ]

    def __str__(self):
        if self.is_confidential:
            return f"{self.number} {_('Confidential job')}".strip()
        return f"{self.number} {self.title}".strip()

    def get_absolute_url(self):
        return reverse("stores:printjob_detail", args=[self.pk])

    # ------------------------------------------------------------ figures

    @property
    def printed_pages(self) -> int:
        """Pages printed: pages of the original × copies (what quotas count)."""
        return (self.pages or 0) * (self.copies or 0)

    @property
    def expected_sheets(self) -> int:
        return default_sheets(self.pages or 0, self.copies or 0, self.sides)

    @property
    def collector_label(self) -> str:
        if self.collected_by_name:
            return self.collected_by_name
        return str(self.collected_by) if self.collected_by_id else ""

    @property
    def collected_by_someone_else(self) -> bool:
        return bool(self.collected_at) and self.collected_by_id != self.requester_id

    # ------------------------------------------------------------ who sees it

    def shown_to(self, access) -> bool:
        """May ``access`` read the title, description and file (not only "confidential job")?"""
        if not self.is_confidential:
            return True
        return access.has_perm(ALL_PERM) or self.requester_id == getattr(access.user, "pk", None)

    @classmethod
    def owned_q(cls, access, action):
        """The requester's own jobs; overseers and department heads the others' open ones."""
        user_id = getattr(access.user, "pk", None)
        if action == "change":
            return Q(requester_id=user_id)
        if action != "view":
            return None
        return Q(requester_id=user_id) | (cls.listed_q(access) & Q(is_confidential=False))

    @classmethod
    def listed_q(cls, access) -> Q:
        """Rows a list may show this person (confidential ones masked unless ``shown_to``)."""
        user_id = getattr(access.user, "pk", None)
        if access.has_perm(ALL_PERM) or access.has_perm(OVERSEE_PERM):
            return Q()
        q = Q(requester_id=user_id)
        headed = getattr(access, "headed_department_ids", None) or ()
        if headed:
            q |= Q(department_id__in=sorted(headed))
        return q

    # ------------------------------------------------------------ the approval engine

    @property
    def approval_requester(self):
        return self.requester

    @property
    def approval_department_id(self):
        return self.department_id

    @property
    def approval_amount(self):
        return None

    @property
    def approval_version(self):
        return self.version

    @property
    def approval_title(self):
        return str(self)

    @property
    def approval_conditions(self):
        return {"outside"} if self.is_outside else set()


class PrintQuota(TenantModel):
    """Pages a department may print in a term (optional: no row, no limit)."""

    department = models.ForeignKey(
        "org.Department", on_delete=models.CASCADE, related_name="+", verbose_name=_("department")
    )
    term = models.ForeignKey(
        "org.Term", on_delete=models.CASCADE, related_name="+", verbose_name=_("term")
    )
    pages = models.PositiveIntegerField(
        _("pages"), help_text=_("Printed pages (pages × copies) the department may use.")
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("print quota")
        verbose_name_plural = _("print quotas")
        ordering = ["-term__start_date", "department__name"]
        constraints = [
            models.UniqueConstraint(fields=["department", "term"], name="uniq_print_quota"),
        ]

    def __str__(self):
        return f"{self.department} · {self.term}: {self.pages}"

    def get_absolute_url(self):
        return reverse("stores:printquota_list")

    @classmethod
    def owned_q(cls, access, action):
        if action != "view":
            return None
        headed = getattr(access, "headed_department_ids", None) or ()
        q = Q(department_id__in=sorted(headed)) if headed else Q(pk__in=[])
        department_id = getattr(access, "department_id", None)
        if department_id:
            q |= Q(department_id=department_id)
        return q


class PrintShopSettings(TenantModel):
    """The print room's own settings: the store its paper is drawn from."""

    store = models.ForeignKey(
        "stores.Store",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("print room store"),
        help_text=_("Paper for print jobs is drawn from this store."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("print shop settings")
        verbose_name_plural = _("print shop settings")
        constraints = [
            models.UniqueConstraint(fields=["school"], name="uniq_print_shop_settings"),
        ]

    def __str__(self):
        return str(_("Print shop settings"))

    @classmethod
    def owned_q(cls, access, action):
        return None
