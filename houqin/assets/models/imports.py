"""Ledger imports: an uploaded file, its column mapping, the checked preview, and the import
itself, run as a background task with progress. Mappings are remembered per school."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from houqin.core.models import TenantModel


class ImportMapping(TenantModel):
    """The school's remembered column mapping: normalised header → register field."""

    history_exempt_reason = "a remembered preference, rewritten by each import"

    headers = models.JSONField(_("headers"), default=dict, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        verbose_name = _("import column mapping")
        verbose_name_plural = _("import column mappings")
        constraints = [models.UniqueConstraint(fields=["school"], name="uniq_asset_import_mapping")]

    def __str__(self):
        return str(self._meta.verbose_name)

    @classmethod
    def owned_q(cls, access, action):
        return None


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded: map the columns")
    CHECKED = "checked", _("Checked: ready to import")
    INVALID = "invalid", _("Has errors")
    QUEUED = "queued", _("Waiting to run")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed: nothing was written")


class AssetImport(TenantModel):
    """One upload of a ledger file and what became of it. Nothing is written to the register
    until every row checks out, and then all rows are written or none."""

    history_exempt_reason = "a job record; the imported assets carry their own history"

    file = models.FileField(_("file"), upload_to="asset-imports/%Y/%m/", max_length=255)
    original_name = models.CharField(_("file name"), max_length=200)
    status = models.CharField(
        _("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    sheet_name = models.CharField(_("sheet"), max_length=100, blank=True)
    header_row = models.PositiveIntegerField(_("header row"), default=1)
    headers = models.JSONField(_("headers in the file"), default=list, blank=True)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    # Places and departments named in the file that the school does not have yet, and what to
    # do with each: {"rooms": {"教学楼/301": {"create": true} | {"room": 12}}, "departments": …}
    new_names = models.JSONField(_("new places and departments"), default=dict, blank=True)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows done"), default=0)
    created_count = models.PositiveIntegerField(_("assets added"), default=0)
    updated_count = models.PositiveIntegerField(_("assets updated"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("errors found"), default=0)
    message = models.CharField(_("message"), max_length=300, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )

    class Meta:
        verbose_name = _("asset import")
        verbose_name_plural = _("asset imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.original_name

    @property
    def progress_percent(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, self.processed_rows * 100 // self.total_rows)

    @classmethod
    def owned_q(cls, access, action):
        if action != "view":
            return None
        return Q(created_by_id=getattr(access.user, "pk", None))
