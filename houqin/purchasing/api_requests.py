"""Budgets, purchase requests and quotes in the API (/api/purchasing/…).

Reading is scoped as on the pages; creating, editing and every action call the same services,
so a refusal is the same DomainError the pages show, answered as JSON. Approving, rejecting
and returning go through /api/…/approvals like every document.
"""

from __future__ import annotations

from django.apps import apps
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from houqin.core.api import RestrictedReadOnlyViewSet, acting_school_id, in_school
from houqin.core.scoping import access_for

from . import selectors_budgets, services_budgets
from . import services_requests as services
from .filters_requests import BudgetFilterSet, RequestFilterSet
from .models import (
    Budget,
    BudgetCategory,
    LineKind,
    PurchaseRequest,
    PurchaseRequestLine,
    Quote,
)
from .views_requests import RELATED, requests_for

# ---------------------------------------------------------------- serializers


class BudgetCategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = BudgetCategory
        fields = ["id", "name", "code", "sort_order"]
        read_only_fields = fields


class BudgetSerializer(serializers.ModelSerializer):
    department_name = serializers.CharField(source="department.name", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)

    class Meta:
        model = Budget
        fields = [
            "id", "year", "department", "department_name", "category", "category_name",
            "amount", "note",
        ]  # fmt: skip
        read_only_fields = fields


class BudgetInputSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    department = serializers.IntegerField()
    category = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=0)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class FiguresSerializer(serializers.Serializer):
    department = serializers.IntegerField(source="department_id")
    category = serializers.IntegerField(source="category_id", allow_null=True)
    amount = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    committed = serializers.DecimalField(max_digits=16, decimal_places=2)
    spent = serializers.DecimalField(max_digits=16, decimal_places=2)
    remaining = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)


class LineSerializer(serializers.ModelSerializer):
    estimated_amount = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)

    class Meta:
        model = PurchaseRequestLine
        fields = [
            "id", "item", "description", "specification", "kind", "asset_category", "quantity",
            "unit", "estimated_price", "estimated_amount", "ordered_quantity",
            "received_quantity", "note",
        ]  # fmt: skip
        read_only_fields = fields


class QuoteSerializer(serializers.ModelSerializer):
    vendor_name = serializers.CharField(source="vendor.name", read_only=True)

    class Meta:
        model = Quote
        fields = ["id", "vendor", "vendor_name", "amount", "quoted_on", "valid_until", "note"]
        read_only_fields = fields


class RequestSerializer(serializers.ModelSerializer):
    department_name = serializers.CharField(source="department.name", read_only=True)
    requested_by_name = serializers.SerializerMethodField()
    budget_category_name = serializers.SerializerMethodField()

    class Meta:
        model = PurchaseRequest
        fields = [
            "id", "number", "title", "status", "department", "department_name", "requested_by",
            "requested_by_name", "reason", "needed_by", "budget_category",
            "budget_category_name", "budget_year", "estimated_total", "over_budget",
            "chosen_quote", "choice_reason", "submitted_at", "approved_at", "version",
            "created_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_requested_by_name(self, obj) -> str:
        return str(obj.requested_by)

    def get_budget_category_name(self, obj) -> str:
        return obj.budget_category.name if obj.budget_category_id else ""


class RequestDetailSerializer(RequestSerializer):
    lines = LineSerializer(many=True, read_only=True)
    quotes = QuoteSerializer(many=True, read_only=True)
    quotes_needed = serializers.SerializerMethodField()
    quotes_complete = serializers.SerializerMethodField()

    class Meta(RequestSerializer.Meta):
        fields = [*RequestSerializer.Meta.fields, "lines", "quotes", "quotes_needed",
                  "quotes_complete"]  # fmt: skip
        read_only_fields = fields

    def get_quotes_needed(self, obj) -> int:
        return services.quotes_needed(obj)

    def get_quotes_complete(self, obj) -> bool:
        return services.quotes_complete(obj)


class RequestLineInputSerializer(serializers.Serializer):
    item = serializers.IntegerField(required=False, allow_null=True, help_text="A catalogue item…")
    description = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default="", help_text="…or free text."
    )
    specification = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default=""
    )
    kind = serializers.ChoiceField(choices=LineKind.choices, default=LineKind.STOCK)
    asset_category = serializers.IntegerField(required=False, allow_null=True)
    quantity = serializers.DecimalField(max_digits=14, decimal_places=3)
    unit = serializers.CharField(max_length=10, required=False, allow_blank=True, default="")
    estimated_price = serializers.DecimalField(
        max_digits=14,
        decimal_places=4,
        required=False,
        allow_null=True,
        help_text="Empty: the item's reference price.",
    )
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class RequestInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=100)
    reason = serializers.CharField(max_length=2000)
    department = serializers.IntegerField(
        required=False, allow_null=True, help_text="Empty: the requester's department."
    )
    needed_by = serializers.DateField(required=False, allow_null=True)
    budget_category = serializers.IntegerField(required=False, allow_null=True)
    lines = RequestLineInputSerializer(many=True, allow_empty=False)
    submit = serializers.BooleanField(default=False, help_text="Send for approval at once.")


class RequestUpdateSerializer(RequestInputSerializer):
    title = serializers.CharField(max_length=100, required=False)
    reason = serializers.CharField(max_length=2000, required=False)
    lines = RequestLineInputSerializer(many=True, allow_empty=False, required=False)


class PurchaseReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


class QuoteInputSerializer(serializers.Serializer):
    vendor = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=0)
    quoted_on = serializers.DateField(required=False, allow_null=True)
    valid_until = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ChooseSerializer(serializers.Serializer):
    quote = serializers.IntegerField()
    reason = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


def _lines(data, school_id) -> list[services.LineInput]:
    Item = apps.get_model("stores", "Item")
    AssetCategory = apps.get_model("assets", "AssetCategory")
    out = []
    for line in data:
        out.append(
            services.LineInput(
                item=in_school(Item, line.get("item"), school_id, "lines"),
                description=line.get("description", ""),
                specification=line.get("specification", ""),
                kind=line.get("kind", LineKind.STOCK),
                asset_category=in_school(
                    AssetCategory, line.get("asset_category"), school_id, "lines"
                ),
                quantity=line["quantity"],
                unit=line.get("unit", ""),
                estimated_price=line.get("estimated_price"),
                note=line.get("note", ""),
            )
        )
    return out


# ---------------------------------------------------------------- viewsets


class BudgetCategoryViewSet(RestrictedReadOnlyViewSet):
    queryset = BudgetCategory.objects.all()
    serializer_class = BudgetCategorySerializer


class BudgetViewSet(mixins.CreateModelMixin, RestrictedReadOnlyViewSet):
    """Budget lines (create or change one by year, department and category) and the year's
    figures (committed, spent, remaining) at ``figures/?year=``."""

    queryset = Budget.objects.select_related("department", "category")
    serializer_class = BudgetSerializer
    filterset_class = BudgetFilterSet
    restricted_actions = {"figures": "view"}

    def get_serializer_class(self):
        if self.action == "create":
            return BudgetInputSerializer
        if self.action == "figures":
            return FiguresSerializer
        return BudgetSerializer

    @extend_schema(request=BudgetInputSerializer, responses={201: BudgetSerializer})
    def create(self, request, *args, **kwargs):
        serializer = BudgetInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        school_id = acting_school_id(request)
        budget = services_budgets.set_budget(
            by=request.user,
            school=school_id,
            year=data["year"],
            department=in_school(
                apps.get_model("org", "Department"), data["department"], school_id, "department"
            ),
            category=in_school(BudgetCategory, data["category"], school_id, "category"),
            amount=data["amount"],
            note=data["note"],
        )
        fresh = self.scoped("view").get(pk=budget.pk)
        return Response(BudgetSerializer(fresh).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=FiguresSerializer(many=True))
    @action(detail=False, methods=["get"])
    def figures(self, request, **kwargs):
        """Every budget line of ``year`` (default this year) with its derived figures."""
        try:
            year = int(request.query_params.get("year") or timezone.localdate().year)
        except ValueError:
            raise serializers.ValidationError({"year": [_("A year such as 2026.")]}) from None
        visible = set(self.scoped("view").filter(year=year).values_list("department_id", flat=True))
        cells = selectors_budgets.figures(acting_school_id(request), year)
        if not access_for(request.user).has_perm("purchasing.view_budget"):
            cells = {k: v for k, v in cells.items() if k[0] in visible}
        rows = sorted(cells.values(), key=lambda f: (f.department_id, f.category_id or 0))
        return Response(FiguresSerializer(rows, many=True).data)


class PurchaseRequestViewSet(mixins.CreateModelMixin, RestrictedReadOnlyViewSet):
    """Purchase requests: list, read, create (optionally submitted at once), change a draft
    (PATCH), submit, cancel; quotes: add, choose."""

    queryset = PurchaseRequest.objects.select_related(*RELATED)
    serializer_class = RequestSerializer
    filterset_class = RequestFilterSet
    restricted_actions = {
        "submit": "view",
        "cancel": "view",
        "partial_update": "view",
        "quotes": "view",
        "choose": "view",
    }

    def scoped(self, action):
        if action == "view":
            return requests_for(self.request.user).select_related(*RELATED)
        return super().scoped(action)

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action == "retrieve":
            qs = qs.prefetch_related("lines", "quotes__vendor")
        return qs

    def get_serializer_class(self):
        return {
            "retrieve": RequestDetailSerializer,
            "create": RequestInputSerializer,
            "partial_update": RequestUpdateSerializer,
            "submit": serializers.Serializer,
            "cancel": PurchaseReasonSerializer,
            "quotes": QuoteInputSerializer,
            "choose": ChooseSerializer,
        }.get(self.action, RequestSerializer)

    def _answer(self, obj, code=status.HTTP_200_OK):
        fresh = (
            self.scoped("view")
            .prefetch_related("lines", "quotes__vendor")
            .filter(pk=obj.pk)
            .first()
        )
        if fresh is None:
            return Response(status=code)
        return Response(
            RequestDetailSerializer(fresh, context=self.get_serializer_context()).data, status=code
        )

    def _head(self, data, school_id) -> dict:
        out = {}
        if data.get("department") is not None:
            out["department"] = in_school(
                apps.get_model("org", "Department"), data["department"], school_id, "department"
            )
        if "budget_category" in data:
            out["budget_category"] = in_school(
                BudgetCategory, data.get("budget_category"), school_id, "budget_category"
            )
        return out

    @extend_schema(request=RequestInputSerializer, responses={201: RequestDetailSerializer})
    def create(self, request, *args, **kwargs):
        serializer = RequestInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        school_id = acting_school_id(request)
        with transaction.atomic():
            obj = services.create_request(
                by=request.user,
                school=school_id,
                title=data["title"],
                reason=data["reason"],
                needed_by=data.get("needed_by"),
                lines=_lines(data["lines"], school_id),
                **self._head(data, school_id),
            )
            if data["submit"]:
                services.submit(obj, by=request.user)
        return self._answer(obj, status.HTTP_201_CREATED)

    @extend_schema(request=RequestUpdateSerializer, responses=RequestDetailSerializer)
    def partial_update(self, request, *args, **kwargs):
        """Change a draft or a returned request; ``lines`` replaces every line."""
        obj = self.get_object()
        serializer = RequestUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        school_id = obj.school_id
        changes = self._head(data, school_id)
        if "needed_by" in data:
            changes["needed_by"] = data["needed_by"]
        if "lines" in data:
            changes["lines"] = _lines(data["lines"], school_id)
        with transaction.atomic():
            services.update_request(
                obj, by=request.user, title=data.get("title"), reason=data.get("reason"), **changes
            )
            if data.get("submit"):
                services.submit(obj, by=request.user)
        return self._answer(obj)

    @extend_schema(request=None, responses=RequestDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None, **kwargs):
        """Send a draft (or one returned for changes) for approval; the requester only."""
        obj = self.get_object()
        services.submit(obj, by=request.user)
        return self._answer(obj)

    @extend_schema(request=PurchaseReasonSerializer, responses=RequestDetailSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None, **kwargs):
        obj = self.get_object()
        serializer = PurchaseReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.cancel(obj, by=request.user, reason=serializer.validated_data["reason"])
        return self._answer(obj)

    @extend_schema(request=QuoteInputSerializer, responses={201: RequestDetailSerializer})
    @action(detail=True, methods=["post"])
    def quotes(self, request, pk=None, **kwargs):
        """Record a vendor's quote (logistics)."""
        obj = self.get_object()
        serializer = QuoteInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.add_quote(
            obj,
            by=request.user,
            vendor=in_school(
                apps.get_model("org", "Company"), data["vendor"], obj.school_id, "vendor"
            ),
            amount=data["amount"],
            quoted_on=data.get("quoted_on"),
            valid_until=data.get("valid_until"),
            note=data["note"],
        )
        return self._answer(obj, status.HTTP_201_CREATED)

    @extend_schema(request=ChooseSerializer, responses=RequestDetailSerializer)
    @action(detail=True, methods=["post"])
    def choose(self, request, pk=None, **kwargs):
        """Choose the quote to buy from; a reason unless it is the cheapest."""
        obj = self.get_object()
        serializer = ChooseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        quote = obj.quotes.filter(pk=serializer.validated_data["quote"]).first()
        if quote is None:
            raise serializers.ValidationError({"quote": [_("Not a quote of this request.")]})
        services.choose_quote(
            obj, by=request.user, quote=quote, reason=serializer.validated_data["reason"]
        )
        return self._answer(obj)


def register(router) -> None:
    router.register("budget-categories", BudgetCategoryViewSet, basename="budgetcategory")
    router.register("budgets", BudgetViewSet, basename="budget")
    router.register("requests", PurchaseRequestViewSet, basename="purchaserequest")
