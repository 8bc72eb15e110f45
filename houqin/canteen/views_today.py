"""The canteen manager's phone pages: today's meals with what is recorded and what is missing,
and quick forms (a meal's dishes, sample weights per dish, disinfection, 陪餐); the morning
check of every handler in one form, and who is on duty. Every POST calls a service; a refusal
comes back as a message on the same page, and nothing of the form is half-saved."""

from __future__ import annotations

from datetime import date as date_type

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from houqin.core.errors import DomainError
from houqin.core.scoping import access_for
from houqin.org.models import Membership

from . import forms_food as forms
from . import services_food, services_handlers, services_water
from .models.food import Dish, FoodSample, Meal, MealKind
from .models.staff import DutyRecord, FoodHandler
from .models.water import Dispenser, WaterTest
from .selectors_food import day_status, meal_gaps


def _day(request) -> date_type:
    raw = request.GET.get("day") or request.POST.get("day") or ""
    try:
        return date_type.fromisoformat(raw)
    except ValueError:
        return timezone.localdate()


def _page(day: date_type, anchor: str = "") -> str:
    return f"{reverse('canteen:today')}?day={day.isoformat()}{'#' + anchor if anchor else ''}"


def _need(request, perm: str):
    access = access_for(request.user)
    if not access.is_member or not access.has_perm(perm):
        raise PermissionDenied
    return access


def leaders_of(school_id):
    return [
        m.user
        for m in Membership.objects.filter(
            school_id=school_id, is_active=True, roles__role__in=services_food.LEADER_ROLES
        )
        .select_related("user")
        .distinct()
        .order_by("user__full_name")
    ]


@login_required
def today(request):
    access = _need(request, "canteen.view_meal")
    day = _day(request)
    status = day_status(
        access.school_id, day, with_handlers=access.has_perm("canteen.view_morningcheck")
    )
    dishes = list(
        Dish.objects.filter(school_id=access.school_id, is_active=True).values_list(
            "name", flat=True
        )
    )
    may_keep = access.has_perm("canteen.add_foodsample")
    is_leader = access.has_role(*services_food.LEADER_ROLES)
    leaders = (
        leaders_of(access.school_id) if access.has_perm("canteen.change_accompaniedmeal") else []
    )
    for meal in status.meals:
        meal.gaps = meal_gaps(meal)
        meal.leaders_done = {a.leader_id for a in meal.accompaniments.all()}
        meal.may_accompany = is_leader and request.user.pk not in meal.leaders_done
    kinds = status.expected_kinds or [
        k for k in MealKind.values if k not in {m.kind for m in status.meals}
    ]
    context = {
        "title": _("Canteen today") if day == timezone.localdate() else _("Canteen on %(day)s") % {"day": day},
        "day": day,
        "previous_day": day.fromordinal(day.toordinal() - 1),
        "next_day": day.fromordinal(day.toordinal() + 1),
        "is_today": day == timezone.localdate(),
        "status": status,
        "missing": status.missing,
        "expected_labels": [MealKind(k).label for k in status.expected_kinds],
        "meal_form": forms.MealForm(initial={"date": day, "kind": kinds[0] if kinds else MealKind.LUNCH}, dishes=dishes),
        "disinfection_form": forms.DisinfectionForm(),
        "accompanied_form": forms.AccompaniedForm(leaders=leaders),
        "may_keep": may_keep,
        "may_accompany_for_others": bool(leaders),
        "disposable": FoodSample.objects.filter(
            school_id=access.school_id, disposed_at__isnull=True, dispose_after__lte=timezone.now()
        ).select_related("meal", "meal_dish")[:30] if may_keep else [],
    }  # fmt: skip
    return render(request, "canteen/today.html", context)


def _done(request, day, anchor, call, success):
    try:
        with transaction.atomic():
            call()
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, success)
    return redirect(_page(day, anchor))


@login_required
@require_POST
def meal_add(request):
    access = _need(request, "canteen.add_meal")
    dishes = list(
        Dish.objects.filter(school_id=access.school_id, is_active=True).values_list(
            "name", flat=True
        )
    )
    form = forms.MealForm(request.POST, dishes=dishes)
    if not form.is_valid():
        messages.error(request, _("Check the meal's date, meal and dishes."))
        return redirect(_page(_day(request), "record-meal"))
    data = form.cleaned_data
    return _done(
        request, data["date"], "record-meal",
        lambda: services_food.record_meal(
            access.school_id, by=request.user, date=data["date"], kind=data["kind"],
            dishes=form.dish_names, diners=data.get("diners"),
        ),
        _("The meal was recorded."),
    )  # fmt: skip


def _meal(request, pk, action="view"):
    return get_object_or_404(Meal.objects.restrict(request.user, action), pk=pk)


@login_required
@require_POST
def meal_samples(request, pk):
    meal = _meal(request, pk)
    weights = {
        key[1:]: value.strip()
        for key, value in request.POST.items()
        if key.startswith("w") and key[1:].isdigit() and value.strip()
    }
    return _done(
        request, meal.date, f"meal-{meal.pk}",
        lambda: services_food.take_samples(meal, by=request.user, weights=weights, container=request.POST.get("container", "")),
        _("The samples were recorded."),
    )  # fmt: skip


@login_required
@require_POST
def meal_disinfection(request, pk):
    meal = _meal(request, pk)
    form = forms.DisinfectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the disinfection: method, items and minutes are needed."))
        return redirect(_page(meal.date, f"meal-{meal.pk}"))
    data = form.cleaned_data
    return _done(
        request, meal.date, f"meal-{meal.pk}",
        lambda: services_food.record_disinfection(meal, by=request.user, **data),
        _("The disinfection was recorded."),
    )  # fmt: skip


@login_required
@require_POST
def meal_accompany(request, pk):
    meal = _meal(request, pk)
    access = access_for(request.user)
    leaders = (
        leaders_of(access.school_id) if access.has_perm("canteen.change_accompaniedmeal") else []
    )
    form = forms.AccompaniedForm(request.POST, leaders=leaders)
    if not form.is_valid():
        messages.error(request, _("Rate the meal from 1 to 5."))
        return redirect(_page(meal.date, f"meal-{meal.pk}"))
    data = form.cleaned_data
    leader = next((u for u in leaders if u.pk == data.get("leader")), None)
    return _done(
        request, meal.date, f"meal-{meal.pk}",
        lambda: services_food.record_accompanied_meal(
            meal, by=request.user, leader=leader, rating=data["rating"], problems=data["problems"], action=data["action"],
        ),
        _("The accompanied meal was recorded."),
    )  # fmt: skip


@login_required
@require_POST
def sample_dispose(request, pk):
    sample = get_object_or_404(
        FoodSample.objects.restrict(request.user, "view").select_related("meal", "meal_dish"), pk=pk
    )
    return _done(
        request, _day(request), "disposable",
        lambda: services_food.dispose_sample(sample, by=request.user),
        _("The sample was recorded as disposed of."),
    )  # fmt: skip


# ---------------------------------------------------------------- morning checks and duty


@login_required
def checks(request):
    """Every active handler's morning check of the day in one form (a row each), then duty."""
    access = _need(request, "canteen.view_morningcheck")
    day = _day(request)
    handlers = list(
        FoodHandler.objects.filter(school_id=access.school_id, is_active=True).select_related(
            "company"
        )
    )
    if request.method == "POST":
        _need(request, "canteen.add_morningcheck")
        try:
            with transaction.atomic():
                count = _save_checks(request, handlers, day)
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("%(n)d morning checks recorded.") % {"n": count})
            return redirect(f"{reverse('canteen:checks')}?day={day.isoformat()}")
    status = day_status(access.school_id, day, with_handlers=True)
    duties = list(
        DutyRecord.objects.filter(school_id=access.school_id, date=day).select_related("handler")
    )
    ready = [h for h in status.handlers if h.check and h.check.fit and h.cert_ok]
    context = {
        "title": _("Morning checks"), "day": day, "handlers": status.handlers, "duties": duties,
        "duty_form": forms.DutyForm(handlers=ready), "may_check": access.has_perm("canteen.add_morningcheck"),
        "previous_day": day.fromordinal(day.toordinal() - 1), "next_day": day.fromordinal(day.toordinal() + 1),
    }  # fmt: skip
    return render(request, "canteen/checks.html", context)


def _save_checks(request, handlers, day) -> int:
    """Rows whose 'checked' box is ticked; all are saved or none (the first refusal stops)."""
    count = 0
    for handler in handlers:
        p = f"h{handler.pk}_"
        if not request.POST.get(p + "checked"):
            continue
        try:
            services_handlers.record_check(
                handler, by=request.user, date=day, temperature=request.POST.get(p + "temperature"),
                fever=bool(request.POST.get(p + "fever")), diarrhoea=bool(request.POST.get(p + "diarrhoea")),
                skin_wound=bool(request.POST.get(p + "skin_wound")), sore_throat=bool(request.POST.get(p + "sore_throat")),
                other_symptoms=request.POST.get(p + "other", ""), hands_ok=not request.POST.get(p + "hands_dirty"),
                exclusion_reason=request.POST.get(p + "reason", ""),
            )  # fmt: skip
        except DomainError as exc:
            raise DomainError(f"{handler.name}: {exc.message}") from None
        count += 1
    if not count:
        raise DomainError(_("Tick the handlers you checked."))
    return count


@login_required
@require_POST
def duty_add(request):
    access = _need(request, "canteen.add_dutyrecord")
    day = _day(request)
    handlers = list(FoodHandler.objects.filter(school_id=access.school_id, is_active=True))
    form = forms.DutyForm(request.POST, handlers=handlers)
    back = f"{reverse('canteen:checks')}?day={day.isoformat()}#duty"
    if not form.is_valid():
        messages.error(request, _("Choose the handlers on duty."))
        return redirect(back)
    chosen = [h for h in handlers if h.pk in set(form.cleaned_data["handlers"])]
    try:
        services_handlers.put_many_on_duty(
            chosen, by=request.user, date=day, meal_kind=form.cleaned_data["meal_kind"]
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("%(n)d handlers on duty.") % {"n": len(chosen)})
    return redirect(back)


@login_required
@require_POST
def duty_withdraw(request, pk):
    duty = get_object_or_404(
        DutyRecord.objects.restrict(request.user, "view").select_related("handler"), pk=pk
    )
    try:
        services_handlers.withdraw_duty(duty, by=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect(f"{reverse('canteen:checks')}?day={duty.date.isoformat()}#duty")


# ---------------------------------------------------------------- water actions and settings


@login_required
@require_POST
def dispenser_filter(request, pk):
    dispenser = get_object_or_404(Dispenser.objects.restrict(request.user, "view"), pk=pk)
    form = forms.FilterChangeForm(request.POST)
    back = reverse("canteen:dispenser_detail", args=[dispenser.pk])
    if not form.is_valid():
        messages.error(request, _("Enter the date of the change."))
        return redirect(back)
    try:
        services_water.change_filter(dispenser, by=request.user, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The filter change was recorded."))
    return redirect(back)


@login_required
@require_POST
def watertest_followup(request, pk):
    test = get_object_or_404(WaterTest.objects.restrict(request.user, "view"), pk=pk)
    form = forms.FollowUpForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError(_("Say what was done."))
        services_water.follow_up_test(test, by=request.user, text=form.cleaned_data["text"])
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect(reverse("canteen:watertest_detail", args=[test.pk]))


@login_required
def settings_page(request):
    access = _need(request, "canteen.change_canteensettings")
    current = services_food.settings_for(access.school_id)
    form = forms.SettingsForm(
        request.POST or None, instance=current, user=request.user, school_id=access.school_id
    )
    if request.method == "POST" and form.is_valid():
        try:
            services_food.save_settings(access.school_id, by=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("The canteen settings were saved."))
            return redirect("canteen:settings")
    return render(
        request,
        "canteen/form.html",
        {"title": _("Canteen settings"), "form": form, "cancel_url": reverse("canteen:today")},
    )
