"""Registrations (imported by the app's ready()): drinking water: contract, quality tests, filter
changes; education campaigns — roles and the to-do of filters due."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from houqin.core import todo
from houqin.org.roles import Role, grant

WATER_MODELS = ("watercontract", "dispenser", "filterchange", "watertest", "educationcampaign")


def perms(actions):
    return {f"canteen.{a}_{m}" for a in actions for m in WATER_MODELS}


for _role in (Role.CANTEEN_MANAGER, Role.DIRECTOR, Role.CLERK):
    grant(_role, perms(["view", "add", "change", "delete"]))
for _role in (Role.PRINCIPAL, Role.AUDITOR, Role.DISTRICT_OFFICER):
    grant(_role, perms(["view"]))


def _filters_due(access):
    from .models.water import Dispenser

    return Dispenser.objects.filter(
        school_id=access.school_id,
        is_active=True,
        next_due__lte=timezone.localdate() + timedelta(days=7),
    )


def _counted(access):
    if not (access.has_role(Role.CANTEEN_MANAGER) and access.has_perm("canteen.add_filterchange")):
        return None
    return _filters_due(access)


def _items(access, limit):
    if _counted(access) is None:
        return []
    today = timezone.localdate()
    return [
        todo.TodoItem(
            title=str(_("Change the filter: %(dispenser)s") % {"dispenser": d}),
            url=reverse("canteen:dispenser_list") + "?due=1",
            source="canteen.filters",
            module=str(_("Drinking water")),
            urgent=d.next_due < today,
            created_at=None,
        )  # fmt: skip
        for d in _filters_due(access).select_related("room").order_by("next_due")[:limit]
    ]


todo.register(
    todo.TodoSource(
        key="canteen.filters", label=_("Water filters to change"), items=_items, counted=_counted
    )
)
