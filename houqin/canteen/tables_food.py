"""Tables of the canteen and water lists (their columns are also what the exports write)."""

from __future__ import annotations

import django_tables2 as tables
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from houqin.core.tables import ActionsColumn, BaseTable, BooleanColumn

from .models.food import AccompaniedMeal, Dish, Disinfection, FoodSample, Meal
from .models.goods import GoodsCheck, SupplierLicence
from .models.staff import DutyRecord, FoodHandler, MorningCheck
from .models.water import Dispenser, EducationCampaign, FilterChange, WaterContract, WaterTest

TIME = "Y-m-d H:i"


class MealTable(BaseTable):
    date = tables.DateColumn(linkify=("canteen:meal_detail", {"pk": tables.A("pk")}))
    kind = tables.Column()
    dishes = tables.Column(verbose_name=_("Dishes"), empty_values=(), orderable=False)
    diners = tables.Column()
    samples = tables.Column(verbose_name=_("Samples"), empty_values=(), orderable=False)
    accompanied = BooleanColumn(verbose_name=_("Accompanied"), orderable=False)
    disinfected = BooleanColumn(verbose_name=_("Disinfected"), orderable=False)

    class Meta(BaseTable.Meta):
        model = Meal
        fields = ("date", "kind", "dishes", "diners", "samples", "accompanied", "disinfected")
        row_attrs = {
            "class": lambda record: (
                "table-warning"
                if record.sample_count < record.dish_count
                or not record.accompanied
                or not record.disinfected
                else ""
            )
        }

    def render_dishes(self, record):
        return "、".join(d.name for d in record.dishes.all())

    def value_dishes(self, record):
        return self.render_dishes(record)

    def render_samples(self, record):
        return f"{record.sample_count}/{record.dish_count}"

    def value_samples(self, record):
        return self.render_samples(record)


class FoodSampleTable(BaseTable):
    date = tables.DateColumn(
        accessor="meal__date", verbose_name=_("Date"), order_by=("meal__date", "taken_at")
    )
    meal = tables.Column(
        accessor="meal__get_kind_display", verbose_name=_("Meal"), order_by=("meal__kind",)
    )
    dish = tables.Column(
        accessor="meal_dish__name", verbose_name=_("Dish"), order_by=("meal_dish__name",)
    )
    grams = tables.Column()
    taken_at = tables.DateTimeColumn(format=TIME)
    taken_by = tables.Column(order_by=("taken_by__full_name",))
    container = tables.Column()
    dispose_after = tables.DateTimeColumn(format=TIME)
    disposed_at = tables.DateTimeColumn(format=TIME)
    disposed_by = tables.Column(order_by=("disposed_by__full_name",))

    class Meta(BaseTable.Meta):
        model = FoodSample
        fields = (
            "date",
            "meal",
            "dish",
            "grams",
            "taken_at",
            "taken_by",
            "container",
            "dispose_after",
            "disposed_at",
            "disposed_by",
        )
        row_attrs = {
            "class": lambda record: (
                "table-danger"
                if record.grams < record.minimum_grams
                else (
                    "table-info"
                    if record.disposed_at is None and record.dispose_after <= timezone.now()
                    else ""
                )
            )
        }


class DisinfectionTable(BaseTable):
    date = tables.DateColumn(
        accessor="meal__date", verbose_name=_("Date"), order_by=("meal__date", "done_at")
    )
    meal = tables.Column(
        accessor="meal__get_kind_display", verbose_name=_("Meal"), order_by=("meal__kind",)
    )
    method = tables.Column()
    items = tables.Column()
    temperature = tables.Column()
    concentration = tables.Column()
    minutes = tables.Column()
    done_at = tables.DateTimeColumn(format=TIME)
    done_by = tables.Column(order_by=("done_by__full_name",))
    done_by_name = tables.Column()

    class Meta(BaseTable.Meta):
        model = Disinfection
        fields = (
            "date",
            "meal",
            "method",
            "items",
            "temperature",
            "concentration",
            "minutes",
            "done_at",
            "done_by",
            "done_by_name",
        )


class AccompaniedMealTable(BaseTable):
    date = tables.DateColumn(
        accessor="meal__date", verbose_name=_("Date"), order_by=("meal__date",)
    )
    meal = tables.Column(
        accessor="meal__get_kind_display", verbose_name=_("Meal"), order_by=("meal__kind",)
    )
    leader = tables.Column(order_by=("leader__full_name",))
    rating = tables.Column()
    problems = tables.Column()
    action = tables.Column()

    class Meta(BaseTable.Meta):
        model = AccompaniedMeal
        fields = ("date", "meal", "leader", "rating", "problems", "action")


class FoodHandlerTable(BaseTable):
    name = tables.Column(linkify=("canteen:handler_detail", {"pk": tables.A("pk")}))
    company = tables.Column(order_by=("company__name", "name"))
    job = tables.Column()
    phone = tables.Column()
    certificate_number = tables.Column()
    certificate_issued = tables.DateColumn()
    certificate_expires = tables.DateColumn()
    is_active = BooleanColumn()
    actions = ActionsColumn("canteen:handler_edit")

    class Meta(BaseTable.Meta):
        model = FoodHandler
        fields = (
            "name",
            "company",
            "job",
            "phone",
            "certificate_number",
            "certificate_issued",
            "certificate_expires",
            "is_active",
        )
        row_attrs = {
            "class": lambda record: (
                "table-danger" if not record.certificate_valid_on(timezone.localdate()) else ""
            )
        }


class MorningCheckTable(BaseTable):
    date = tables.DateColumn()
    handler = tables.Column(order_by=("handler__name",))
    temperature = tables.Column()
    symptoms = tables.Column(verbose_name=_("Symptoms"), empty_values=(), orderable=False)
    hands_ok = BooleanColumn()
    fit = BooleanColumn()
    exclusion_reason = tables.Column()
    checked_by = tables.Column(order_by=("checked_by__full_name",))
    checked_at = tables.DateTimeColumn(format=TIME)

    class Meta(BaseTable.Meta):
        model = MorningCheck
        fields = (
            "date",
            "handler",
            "temperature",
            "symptoms",
            "hands_ok",
            "fit",
            "exclusion_reason",
            "checked_by",
            "checked_at",
        )
        row_attrs = {"class": lambda record: "" if record.fit else "table-danger"}

    def render_symptoms(self, record):
        return "、".join(record.symptoms) or "—"

    def value_symptoms(self, record):
        return "、".join(record.symptoms)


class DutyRecordTable(BaseTable):
    date = tables.DateColumn()
    meal_kind = tables.Column()
    handler = tables.Column(order_by=("handler__name",))
    recorded_by = tables.Column(order_by=("recorded_by__full_name",))

    class Meta(BaseTable.Meta):
        model = DutyRecord
        fields = ("date", "meal_kind", "handler", "recorded_by")


class GoodsCheckTable(BaseTable):
    date = tables.DateColumn(linkify=("canteen:goods_detail", {"pk": tables.A("pk")}))
    supplier = tables.Column(
        accessor="supplier_label",
        verbose_name=_("Supplier"),
        order_by=("company__name", "supplier_name"),
    )
    goods = tables.Column()
    quantity = tables.Column()
    unit = tables.Column(orderable=False)
    batch = tables.Column()
    production_date = tables.DateColumn()
    best_before = tables.DateColumn()
    licence_seen = BooleanColumn()
    certificate_seen = BooleanColumn()
    accepted = BooleanColumn()
    refusal_reason = tables.Column()
    keep_until = tables.DateColumn()
    checked_by = tables.Column(order_by=("checked_by__full_name",))

    class Meta(BaseTable.Meta):
        model = GoodsCheck
        fields = (
            "date", "supplier", "goods", "quantity", "unit", "batch", "production_date", "best_before",
            "licence_seen", "certificate_seen", "accepted", "refusal_reason", "keep_until", "checked_by",
        )  # fmt: skip


class SupplierLicenceTable(BaseTable):
    supplier = tables.Column(
        accessor="supplier_label",
        verbose_name=_("Supplier"),
        order_by=("company__name", "supplier_name"),
        linkify=("canteen:licence_detail", {"pk": tables.A("pk")}),
    )
    kind = tables.Column()
    licence_number = tables.Column()
    issued = tables.DateColumn()
    expires = tables.DateColumn()
    actions = ActionsColumn("canteen:licence_edit")

    class Meta(BaseTable.Meta):
        model = SupplierLicence
        fields = ("supplier", "kind", "licence_number", "issued", "expires")
        row_attrs = {
            "class": lambda record: (
                "table-danger" if record.expires and record.expires < timezone.localdate() else ""
            )
        }


class WaterContractTable(BaseTable):
    title = tables.Column(linkify=("canteen:contract_detail", {"pk": tables.A("pk")}))
    company = tables.Column(order_by=("company__name",))
    contract_number = tables.Column()
    start_date = tables.DateColumn()
    end_date = tables.DateColumn()
    contact_name = tables.Column()
    contact_phone = tables.Column()
    actions = ActionsColumn("canteen:contract_edit")

    class Meta(BaseTable.Meta):
        model = WaterContract
        fields = (
            "title",
            "company",
            "contract_number",
            "start_date",
            "end_date",
            "contact_name",
            "contact_phone",
        )


class DispenserTable(BaseTable):
    place = tables.Column(
        accessor="pk",
        verbose_name=_("Dispenser"),
        linkify=("canteen:dispenser_detail", {"pk": tables.A("pk")}),
        order_by=("location",),
    )
    model = tables.Column()
    filter_days = tables.Column()
    last_changed = tables.DateColumn()
    next_due = tables.DateColumn()
    is_active = BooleanColumn()
    actions = ActionsColumn("canteen:dispenser_edit")

    class Meta(BaseTable.Meta):
        model = Dispenser
        fields = ("place", "model", "filter_days", "last_changed", "next_due", "is_active")
        row_attrs = {
            "class": lambda record: (
                "table-warning"
                if record.is_active
                and (record.next_due is None or record.next_due <= timezone.localdate())
                else ""
            )
        }

    def render_place(self, record):
        return str(record)

    def value_place(self, record):
        return str(record)


class FilterChangeTable(BaseTable):
    date = tables.DateColumn()
    dispenser = tables.Column(order_by=("dispenser__location",))
    done_by_name = tables.Column()
    next_due = tables.DateColumn()
    note = tables.Column()

    class Meta(BaseTable.Meta):
        model = FilterChange
        fields = ("date", "dispenser", "done_by_name", "next_due", "note")


class WaterTestTable(BaseTable):
    date = tables.DateColumn(linkify=("canteen:watertest_detail", {"pk": tables.A("pk")}))
    place = tables.Column(accessor="place_label", verbose_name=_("Place"), order_by=("place",))
    tested_by = tables.Column()
    results = tables.Column()
    passed = BooleanColumn()
    follow_up = tables.Column()

    class Meta(BaseTable.Meta):
        model = WaterTest
        fields = ("date", "place", "tested_by", "results", "passed", "follow_up")
        row_attrs = {"class": lambda record: "" if record.passed else "table-danger"}


class EducationCampaignTable(BaseTable):
    date = tables.DateColumn(linkify=("canteen:campaign_detail", {"pk": tables.A("pk")}))
    topic = tables.Column()
    audience = tables.Column()
    participants = tables.Column()
    actions = ActionsColumn("canteen:campaign_edit")

    class Meta(BaseTable.Meta):
        model = EducationCampaign
        fields = ("date", "topic", "audience", "participants")


class DishTable(BaseTable):
    name = tables.Column()
    is_active = BooleanColumn()
    actions = ActionsColumn("canteen:dish_edit")

    class Meta(BaseTable.Meta):
        model = Dish
        fields = ("name", "is_active")
