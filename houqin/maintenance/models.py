"""Repair requests (work orders): reported from a QR scan, the site or the API, dispatched to a
worker or a contractor, fixed, confirmed by the requester with a rating, closed."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
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
    HAZARD = "hazard", _("Safety hazard")


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


def can_claim(access, order) -> bool:
    """A maintenance worker of the school, when the school has the claim pool turned on."""
    from houqin.org.roles import Role

    if Role.WORKER not in getattr(access, "roles", ()):
        return False
    return MaintenanceSettings.for_school(order.school_id).claim_pool


is_requester = is_user("requester")


def needs_reason(order, reason="", **ctx):
    if not (reason or "").strip():
        raise MissingReason()


class MissingReason(DomainError):
    default_message = _("Give a reason.")


class DefaultAssignee(models.Model):
    """Who a new order goes to unless the dispatcher chooses: a worker or a contractor."""

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

    class Meta:
        abstract = True


class RepairCategory(DefaultAssignee, TenantModel):
    """水电, 空调, 门窗, 课桌椅, 多媒体/网络, 土建, 其他 — the school's own list, with a default
    in-house worker or contractor for dispatch suggestions."""

    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=40)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
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
    # The asset with the problem, when it was reported from the asset's label or page.
    asset = models.ForeignKey(
        "assets.Asset",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="work_orders",
        verbose_name=_("asset"),
    )
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
    # Preventive maintenance: the plan and the occurrence (due date) this order was made for.
    plan = models.ForeignKey(
        "MaintenancePlan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
        verbose_name=_("maintenance plan"),
    )
    plan_due = models.DateField(_("planned for"), null=True, blank=True)
    # Checklist lines ({"item", "done", "note"}), from a plan or added by the dispatcher.
    checklist = models.JSONField(_("checklist"), default=list, blank=True)
    requires_photo = models.BooleanField(_("photo required when finishing"), default=False)
    requires_signature = models.BooleanField(_("requester's signature required"), default=False)
    signed_by = models.CharField(_("signed by"), max_length=40, blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["version"])

    machine = StateMachine(
        field="status",
        transitions=[
            Transition(
                "assign",
                source={Status.SUBMITTED},
                target=Status.ASSIGNED,
                allowed=is_dispatcher,
                label=_("Assign"),
            ),
            # 转单: to another worker or contractor; the timeline keeps who had it before.
            Transition(
                "reassign",
                source={Status.ASSIGNED, Status.IN_PROGRESS, Status.ON_HOLD},
                target=Status.ASSIGNED,
                allowed=is_dispatcher,
                label=_("Reassign"),
            ),
            # 抢单: a worker takes an unassigned order from the pool (when the school allows).
            Transition(
                "claim",
                source={Status.SUBMITTED},
                target=Status.ASSIGNED,
                allowed=can_claim,
                label=_("Take this job"),
            ),
            Transition(
                "start",
                source={Status.ASSIGNED},
                target=Status.IN_PROGRESS,
                allowed=is_fixer,
                label=_("Start work"),
            ),
            Transition(
                "hold",
                source={Status.IN_PROGRESS},
                target=Status.ON_HOLD,
                allowed=is_fixer,
                guard=needs_reason,
                label=_("Put on hold"),
            ),
            Transition(
                "resume",
                source={Status.ON_HOLD},
                target=Status.IN_PROGRESS,
                allowed=is_fixer,
                label=_("Resume"),
            ),
            Transition(
                "finish",
                source={Status.IN_PROGRESS},
                target=Status.DONE,
                allowed=is_fixer,
                label=_("Mark as fixed"),
            ),
            Transition(
                "confirm",
                source={Status.DONE},
                target=Status.CONFIRMED,
                allowed=any_of(is_requester, is_dispatcher),
                label=_("Confirm the fix"),
            ),
            Transition(
                "reopen",
                source={Status.DONE},
                target=Status.ASSIGNED,
                allowed=any_of(is_requester, is_dispatcher),
                guard=needs_reason,
                label=_("Not fixed"),
            ),
            Transition(
                "reject",
                source={Status.SUBMITTED, Status.ASSIGNED},
                target=Status.REJECTED,
                allowed=is_dispatcher,
                guard=needs_reason,
                label=_("Reject"),
            ),
            Transition(
                "cancel",
                source=set(OPEN_STATUSES),
                target=Status.CANCELLED,
                allowed=any_of(is_requester, is_dispatcher),
                guard=needs_reason,
                label=_("Cancel"),
            ),
            Transition(
                "close",
                source={Status.CONFIRMED},
                target=Status.CLOSED,
                allowed=is_dispatcher,
                label=_("Close"),
            ),
            # Done orders nobody confirmed within the configured days close by themselves.
            Transition(
                "auto_close",
                source={Status.DONE},
                target=Status.CLOSED,
                system_only=True,
                label=_("Closed automatically"),
            ),
        ],
    )

    class Meta(NumberedDocument.Meta):
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        ordering = ["-created_at", "-pk"]
        constraints = [
            *NumberedDocument.Meta.constraints,
            # One order per plan, target (a place, or an asset) and occurrence, however often
            # the scheduler runs.
            models.UniqueConstraint(
                fields=["plan", "room", "plan_due"],
                condition=Q(plan__isnull=False, asset__isnull=True),
                name="uniq_plan_occurrence",
            ),
            models.UniqueConstraint(
                fields=["plan", "asset", "plan_due"],
                condition=Q(plan__isnull=False, asset__isnull=False),
                name="uniq_plan_asset_occurrence",
            ),
        ]
        indexes = [
            models.Index(fields=["school", "status", "-created_at"], name="wo_school_status_idx"),
            models.Index(fields=["school", "assignee", "status"], name="wo_assignee_idx"),
            models.Index(fields=["school", "room", "category", "status"], name="wo_place_idx"),
            # The overdue filter and the escalation job read open orders by their due times.
            models.Index(fields=["school", "status", "fix_due"], name="wo_fix_due_idx"),
            models.Index(fields=["school", "status", "response_due"], name="wo_response_due_idx"),
            # The list's sorts (tables.WorkOrderTable): each walks its index and stops after a
            # page, so a school with 500,000 orders sorts as fast as one with 50. The free-text
            # search indexes are PostgreSQL-only (migration 0004_list_performance).
            models.Index(fields=["school", "-created_at", "-id"], name="wo_list_created_idx"),
            models.Index(fields=["school", "number"], name="wo_list_number_idx"),
            models.Index(
                fields=["school", "urgency", "-created_at", "-id"], name="wo_list_urgency_idx"
            ),
            models.Index(
                fields=["school", "category", "-created_at", "-id"], name="wo_list_category_idx"
            ),
            models.Index(fields=["school", "room", "-created_at", "-id"], name="wo_list_room_idx"),
            models.Index(
                fields=["school", "assignee", "-created_at", "-id"], name="wo_list_assignee_idx"
            ),
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


class MaintenanceSettings(TenantModel):
    """A school's repair settings: auto-close, the claim pool, working hours and SLA targets.

    One row per school, made with the defaults the first time it is read."""

    autoclose_days = models.PositiveSmallIntegerField(
        _("close unconfirmed repairs after (days)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_("Fixed repairs the requester has not confirmed close by themselves."),
    )
    claim_pool = models.BooleanField(
        _("workers may take unassigned repairs (抢单)"),
        default=False,
        help_text=_("Maintenance workers see new repairs in a pool and take one themselves."),
    )
    require_signature = models.BooleanField(
        _("requester signs when a repair is finished"), default=False
    )
    workday_start = models.TimeField(_("working day starts"), default="07:30")
    workday_end = models.TimeField(_("working day ends"), default="17:30")
    workdays = models.CharField(
        _("working weekdays"),
        max_length=7,
        default="01234",
        help_text=_("Monday is 0, Sunday is 6."),
    )
    urgent_respond_hours = models.DecimalField(
        _("urgent: answer within (working hours)"), max_digits=6, decimal_places=1, default=2
    )
    urgent_fix_hours = models.DecimalField(
        _("urgent: fix within (working hours)"), max_digits=6, decimal_places=1, default=24
    )
    normal_respond_hours = models.DecimalField(
        _("normal: answer within (working hours)"), max_digits=6, decimal_places=1, default=24
    )
    normal_fix_hours = models.DecimalField(
        _("normal: fix within (working hours)"), max_digits=6, decimal_places=1, default=30
    )
    low_respond_hours = models.DecimalField(
        _("not urgent: answer within (working hours)"), max_digits=6, decimal_places=1, default=48
    )
    low_fix_hours = models.DecimalField(
        _("not urgent: fix within (working hours)"), max_digits=6, decimal_places=1, default=50
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("repair settings")
        verbose_name_plural = _("repair settings")
        constraints = [
            models.UniqueConstraint(fields=["school"], name="uniq_maintenance_settings"),
            models.CheckConstraint(
                condition=Q(workday_end__gt=models.F("workday_start")),
                name="maintenance_workday_order",
            ),
        ]

    def __str__(self):
        return str(self._meta.verbose_name)

    @classmethod
    def for_school(cls, school) -> "MaintenanceSettings":
        school_id = getattr(school, "pk", school)
        found = cls.objects.filter(school_id=school_id).first()
        if found is None:
            found, _created = cls.objects.get_or_create(school_id=school_id)
        return found

    @classmethod
    def owned_q(cls, access, action):
        return Q() if action == "view" else None

    def clean(self):
        days = set(self.workdays or "")
        if not days or not days <= set("0123456") or len(days) != len(self.workdays):
            raise ValidationError(
                {"workdays": _("List the working weekdays as digits 0-6, each once.")}
            )
        if self.workday_start and self.workday_end and self.workday_end <= self.workday_start:
            raise ValidationError({"workday_end": _("The working day must end after it starts.")})


class Recurrence(models.TextChoices):
    TERM = "term", _("Once each term")
    MONTHLY = "monthly", _("Every month")
    YEARLY = "yearly", _("Every year")
    RRULE = "rrule", _("Custom rule (RRULE)")
    AFTER_COMPLETION = "after_completion", _("Days after the last completion")


class MaintenancePlan(DefaultAssignee, TenantModel):
    """预防性维护计划: e.g. "clean every office air-conditioner, each term, two weeks after the
    term starts". The scheduler makes one work order per target place per occurrence."""

    name = models.CharField(_("name"), max_length=80)
    description = models.TextField(_("what to do"), blank=True)
    category = models.ForeignKey(
        RepairCategory, on_delete=models.PROTECT, related_name="plans", verbose_name=_("category")
    )
    # Targets: rooms of these types in these buildings, plus rooms named one by one.
    room_types = models.JSONField(_("room types"), default=list, blank=True)
    buildings = models.ManyToManyField(
        "org.Building", blank=True, related_name="+", verbose_name=_("buildings")
    )
    rooms = models.ManyToManyField(
        "org.Room", blank=True, related_name="+", verbose_name=_("also these rooms")
    )
    # With asset categories the targets are the assets (e.g. every air-conditioner) in those
    # places, or anywhere when no place is chosen: one order per asset, not per place.
    asset_categories = models.ManyToManyField(
        "assets.AssetCategory",
        blank=True,
        related_name="+",
        verbose_name=_("assets of these categories"),
        help_text=_(
            "One order for each asset of these categories (e.g. every air-conditioner) in the "
            "chosen places, instead of one per place."
        ),
    )
    recurrence = models.CharField(
        _("repeats"), max_length=20, choices=Recurrence.choices, default=Recurrence.TERM
    )
    offset_days = models.PositiveSmallIntegerField(
        _("days after the term starts"),
        default=0,
        validators=[MaxValueValidator(180)],
        help_text=_("Falls on the next working day when it is a weekend or a holiday."),
    )
    day_of_month = models.PositiveSmallIntegerField(
        _("day of the month"), default=1, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    month = models.PositiveSmallIntegerField(
        _("month"), default=9, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    rrule = models.CharField(
        _("RRULE"), max_length=200, blank=True, help_text=_("e.g. FREQ=WEEKLY;BYDAY=MO")
    )
    interval_days = models.PositiveSmallIntegerField(
        _("days after the last completion"),
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(3660)],
    )
    lead_days = models.PositiveSmallIntegerField(
        _("create orders this many days ahead"), default=7, validators=[MaxValueValidator(90)]
    )
    checklist = models.JSONField(_("checklist"), default=list, blank=True)
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.LOW
    )
    requires_photo = models.BooleanField(_("photo required when finishing"), default=False)
    requires_signature = models.BooleanField(_("signature required when finishing"), default=False)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("maintenance plan")
        verbose_name_plural = _("maintenance plans")
        ordering = ["name", "pk"]
        permissions = [("generate_maintenanceplan", _("Can generate plan work orders"))]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("maintenance:plan_detail", args=[self.pk])

    @classmethod
    def owned_q(cls, access, action):
        return None
