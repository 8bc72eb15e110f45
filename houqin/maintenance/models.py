"""Repair requests (work orders): reported from a QR scan, the site or the API, dispatched to a
worker or a contractor, fixed, confirmed by the requester with a rating, closed."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from houqin.core.errors import DomainError
from houqin.core.models import NumberedDocument, TenantModel
from houqin.core.states import StateMachine, Transition, any_of, has_perm, is_user


class Urgency(models.TextChoices):
    URGENT = "urgent", _("Urgent")
    NORMAL = "normal", _("Normal")
    LOW = "low", _("Not urgent")


class Source(models.TextChoices):
    QR = "qr", _("QR code scan")
    WEB = "web", _("Website")
    API = "api", _("API")
    PLAN = "plan", _("Maintenance plan")


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    ON_HOLD = "on_hold", _("On hold")
    DONE = "done", _("Done")
    CONFIRMED = "confirmed", _("Confirmed")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = (Status.SUBMITTED, Status.ASSIGNED, Status.IN_PROGRESS, Status.ON_HOLD)
DEFAULT_CATEGORIES = (
    ("water_power", _("Water and electricity")),
    ("air_conditioning", _("Air conditioning")),
    ("doors_windows", _("Doors and windows")),
    ("desks_chairs", _("Desks and chairs")),
    ("multimedia", _("Multimedia and network")),
    ("building", _("Building works")),
    ("other", _("Other")),
)


DISPATCH_PERM = "maintenance.dispatch_workorder"


def is_fixer(access, order) -> bool:
    """The assigned worker, or any staff member of the assigned contractor."""
    user_id = getattr(access.user, "pk", None)
    if order.assignee_id is not None and order.assignee_id == user_id:
        return True
    company_id = getattr(access, "company_id", None)
    return bool(company_id) and order.company_id == company_id


is_dispatcher = has_perm(DISPATCH_PERM)
is_requester = is_user("requester")


def needs_reason(order, reason="", **ctx):
    if not (reason or "").strip():
        raise MissingReason()


class MissingReason(DomainError):
    default_message = _("Give a reason.")


class RepairCategory(TenantModel):
    """水电, 空调, 门窗, 课桌椅, 多媒体/网络, 土建, 其他 — the school's own list, with a default
    in-house worker or contractor for dispatch suggestions."""

    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=40)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    default_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("default worker"),
    )
    default_company = models.ForeignKey(
        "org.Company",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("default contractor"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("repair category")
        verbose_name_plural = _("repair categories")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["school", "code"], name="uniq_repair_category_code")
        ]

    def __str__(self):
        return self.name

    @classmethod
    def owned_q(cls, access, action):
        return Q() if action == "view" else None


class WorkOrder(NumberedDocument):
    """工单/报修单: one problem at one place, from report to a confirmed fix."""

    number_prefix = "WX"

    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(
        RepairCategory, on_delete=models.PROTECT, related_name="orders", verbose_name=_("category")
    )
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    room = models.ForeignKey(
        "org.Room",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="work_orders",
        verbose_name=_("place"),
    )
    location_note = models.CharField(_("where exactly"), max_length=100, blank=True)
    source = models.CharField(
        _("reported via"), max_length=10, choices=Source.choices, default=Source.WEB
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    # Who reported: a logged-in requester, or a name and phone from the public QR form.
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reported_work_orders",
        verbose_name=_("requester"),
    )
    reporter_name = models.CharField(_("reporter's name"), max_length=40, blank=True)
    reporter_phone = models.CharField(_("reporter's phone"), max_length=20, blank=True)
    # Who fixes: an in-house worker, or a contractor company (and optionally one of its staff).
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_work_orders",
        verbose_name=_("assignee"),
    )
    company = models.ForeignKey(
        "org.Company",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="work_orders",
        verbose_name=_("contractor"),
    )
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("same problem as"),
    )
    hold_reason = models.CharField(_("waiting for"), max_length=200, blank=True)
    labour_minutes = models.PositiveIntegerField(_("labour (minutes)"), default=0)
    outside_cost = models.DecimalField(
        _("outside cost (¥)"), max_digits=12, decimal_places=2, default=Decimal("0")
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rating_comment = models.CharField(_("requester's comment"), max_length=200, blank=True)
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # SLA clock (houqin.maintenance.sla): dues in working time, paused while on hold.
    response_due = models.DateTimeField(_("response due"), null=True, blank=True)
    fix_due = models.DateTimeField(_("fix due"), null=True, blank=True)
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(
        _("working seconds on hold"), default=0, editable=False
    )
    hold_started_at = models.DateTimeField(_("on hold since"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["version"])

    machine = StateMachine(
        field="status",
        transitions=[
            Transition(
                "assign", source={Status.SUBMITTED}, target=Status.ASSIGNED,
                allowed=is_dispatcher, label=_("Assign"),
            ),
            # 转单: to another worker or contractor; the timeline keeps who had it before.
            Transition(
                "reassign", source={Status.ASSIGNED, Status.IN_PROGRESS, Status.ON_HOLD},
                target=Status.ASSIGNED, allowed=is_dispatcher, label=_("Reassign"),
            ),
            Transition(
                "start", source={Status.ASSIGNED}, target=Status.IN_PROGRESS,
                allowed=is_fixer, label=_("Start work"),
            ),
            Transition(
                "hold", source={Status.IN_PROGRESS}, target=Status.ON_HOLD,
                allowed=is_fixer, guard=needs_reason, label=_("Put on hold"),
            ),
            Transition(
                "resume", source={Status.ON_HOLD}, target=Status.IN_PROGRESS,
                allowed=is_fixer, label=_("Resume"),
            ),
            Transition(
                "finish", source={Status.IN_PROGRESS}, target=Status.DONE,
                allowed=is_fixer, label=_("Mark as fixed"),
            ),
            Transition(
                "confirm", source={Status.DONE}, target=Status.CONFIRMED,
                allowed=any_of(is_requester, is_dispatcher), label=_("Confirm the fix"),
            ),
            Transition(
                "reopen", source={Status.DONE}, target=Status.ASSIGNED,
                allowed=any_of(is_requester, is_dispatcher), guard=needs_reason,
                label=_("Not fixed"),
            ),
            Transition(
                "reject", source={Status.SUBMITTED, Status.ASSIGNED}, target=Status.REJECTED,
                allowed=is_dispatcher, guard=needs_reason, label=_("Reject"),
            ),
            Transition(
                "cancel", source=set(OPEN_STATUSES), target=Status.CANCELLED,
                allowed=any_of(is_requester, is_dispatcher), guard=needs_reason,
                label=_("Cancel"),
            ),
            Transition(
                "close", source={Status.CONFIRMED}, target=Status.CLOSED,
                allowed=is_dispatcher, label=_("Close"),
            ),
            # Done orders nobody confirmed within the configured days close by themselves.
            Transition(
                "auto_close", source={Status.DONE}, target=Status.CLOSED, system_only=True,
                label=_("Closed automatically"),
            ),
        ],
    )

    class Meta(NumberedDocument.Meta):
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["school", "status", "-created_at"], name="wo_school_status_idx"),
            models.Index(fields=["school", "assignee", "status"], name="wo_assignee_idx"),
            models.Index(fields=["school", "room", "category", "status"], name="wo_place_idx"),
            # The overdue filter and the escalation job read open orders by their due times.
            models.Index(fields=["school", "status", "fix_due"], name="wo_fix_due_idx"),
            models.Index(fields=["school", "status", "response_due"], name="wo_response_due_idx"),
        ]
        permissions = [
            ("dispatch_workorder", _("Can dispatch work orders")),
            ("export_workorder", _("Can export work orders")),
        ]

    def __str__(self):
        return f"{self.number} {self.title}".strip()

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_urgent(self) -> bool:
        return self.urgency == Urgency.URGENT

    @property
    def response_overdue(self) -> bool:
        return (
            self.is_open
            and self.responded_at is None
            and self.response_due is not None
            and self.response_due < timezone.now()
        )

    @property
    def fix_overdue(self) -> bool:
        # The fix clock stops while the order waits on hold.
        return (
            self.is_open
            and self.status != Status.ON_HOLD
            and self.fix_due is not None
            and self.fix_due < timezone.now()
        )

    @property
    def is_overdue(self) -> bool:
        """Past the response or fix due time (same rule as ``sla.overdue_q``)."""
        return self.response_overdue or self.fix_overdue

    @property
    def place_label(self) -> str:
        return str(self.room) if self.room_id else self.location_note

    @classmethod
    def owned_q(cls, access, action):
        """My reports; orders assigned to me; my company's orders (contractor staff)."""
        user_id = getattr(access.user, "pk", None)
        if action == "view":
            q = Q(requester_id=user_id) | Q(assignee_id=user_id)
            if access.company_id:
                q |= Q(company_id=access.company_id)
            return q
        if action == "change":
            q = Q(assignee_id=user_id) | Q(requester_id=user_id)
            if access.company_id:
                q |= Q(company_id=access.company_id)
            return q
        return None


class PartUsage(TenantModel):
    """A part used on a work order. Free text with a cost until the stores module supplies the
    item (``item_id`` is then set by the stores service; this module's API stays the same)."""

    history_exempt_reason = "append-only lines of a work order; the order keeps the history"

    order = models.ForeignKey(
        WorkOrder, on_delete=models.CASCADE, related_name="parts", verbose_name=_("work order")
    )
    name = models.CharField(_("part"), max_length=100)
    quantity = models.DecimalField(
        _("quantity"), max_digits=10, decimal_places=2, default=Decimal("1")
    )
    unit = models.CharField(_("unit"), max_length=10, blank=True)
    unit_cost = models.DecimalField(
        _("unit cost (¥)"), max_digits=10, decimal_places=2, default=Decimal("0")
    )
    item_id = models.BigIntegerField(_("stores item"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("part used")
        verbose_name_plural = _("parts used")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.name} × {self.quantity}"

    @property
    def total(self) -> Decimal:
        return (self.quantity * self.unit_cost).quantize(Decimal("0.01"))

    @classmethod
    def owned_q(cls, access, action):
        return None
