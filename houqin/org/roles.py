"""Roles (SPEC §2) and the permissions each grants.

A role is a set of permission names (``app.action_model``, plus a few named abilities such as
``org.switch_district``). Modules add their own with ``grant(role, perms)`` in their
``AppConfig.ready``. Permissions grant rights over every row of the current school; narrower
rights ("my requests", "my department", "my class", "my company") come from each model's
``owned_q`` (see ``houqin.core.scoping``).
"""

from collections import defaultdict

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    DIRECTOR = "director", _("Logistics director")
    CLERK = "clerk", _("Logistics clerk")
    WORKER = "worker", _("Maintenance worker")
    KEEPER = "keeper", _("Warehouse keeper")
    FINANCE = "finance", _("Finance officer")
    PRINCIPAL = "principal", _("Principal")
    DEPT_HEAD = "dept_head", _("Department head")
    STAFF = "staff", _("Teacher / staff")
    CLASS_TEACHER = "class_teacher", _("Class teacher")
    INSPECTOR = "inspector", _("Inspector")
    CONTRACTOR = "contractor", _("Contractor")
    GUARD = "guard", _("Guard")
    CANTEEN_MANAGER = "canteen_manager", _("Canteen manager")
    AUDITOR = "auditor", _("Auditor")
    DISTRICT_OFFICER = "district_officer", _("District officer")


ORG_MODELS = (
    "school", "academicyear", "term", "holiday", "campus", "building", "floor", "room",
    "department", "schoolclass", "company", "membership",
)


def _perms(actions, models=ORG_MODELS, app="org"):
    return {f"{app}.{a}_{m}" for a in actions for m in models}


_READ_ALL = _perms(["view"])
_MANAGE = _perms(["view", "add", "change", "delete"]) | {"org.import_org", "org.export_org"}

ROLE_PERMISSIONS: dict[str, set[str]] = defaultdict(set)
ROLE_PERMISSIONS.update(
    {
        Role.DIRECTOR: set(_MANAGE),
        Role.CLERK: set(_MANAGE),
        Role.PRINCIPAL: _READ_ALL | {"org.export_org"},
        Role.AUDITOR: _READ_ALL | {"org.export_org"},
        Role.DISTRICT_OFFICER: _READ_ALL | {"org.export_org"},
        Role.FINANCE: _READ_ALL | {"org.export_org"},
        Role.WORKER: _perms(["view"], ("campus", "building", "floor", "room", "department", "membership")),
        Role.KEEPER: set(_READ_ALL),
        Role.DEPT_HEAD: set(_READ_ALL),
        Role.STAFF: _perms(["view"], ("campus", "building", "floor", "room", "department", "schoolclass", "membership")),
        Role.CLASS_TEACHER: _perms(["view"], ("campus", "building", "floor", "room", "department", "schoolclass", "membership")),
        Role.INSPECTOR: _perms(["view"], ("campus", "building", "floor", "room", "schoolclass")),
        Role.CANTEEN_MANAGER: _perms(["view"], ("campus", "building", "floor", "room", "department")),
        Role.GUARD: _perms(["view"], ("campus", "building", "floor", "room")),
        Role.CONTRACTOR: _perms(["view"], ("campus", "building", "floor", "room")),
    }
)


# Core's document machinery: who reads every approval flow, who configures policies.
_APPROVAL_ADMIN = _perms(["view", "add", "change", "delete"], ("approvalpolicy", "approvalstep", "delegation"), app="core")
for _role in (Role.DIRECTOR, Role.PRINCIPAL, Role.AUDITOR, Role.DISTRICT_OFFICER):
    ROLE_PERMISSIONS[_role] |= {"core.view_approvalflow", "core.view_approvalpolicy", "core.view_approvalstep"}
ROLE_PERMISSIONS[Role.DIRECTOR] |= _APPROVAL_ADMIN
ROLE_PERMISSIONS[Role.PRINCIPAL] |= _APPROVAL_ADMIN

# The school's notification channels (group bots, shared mailboxes): the director sets them up.
ROLE_PERMISSIONS[Role.DIRECTOR] |= _perms(["view", "add", "change", "delete"], ("schoolchannel",), app="core")
ROLE_PERMISSIONS[Role.PRINCIPAL] |= {"core.view_schoolchannel"}


def grant(role: str, perms) -> None:
    """Let a module add permissions to a role (call from ``AppConfig.ready``)."""
    ROLE_PERMISSIONS[role] |= set(perms)


# Rights that come with a job rather than with seniority: the print room reads confidential
# exam papers, and the director who appoints its keeper should not. Whoever may grant a role
# needs every right of it except these (``houqin.org.services.roles_beyond``).
JOB_BOUND_PERMISSIONS: set[str] = set()


def bind_to_job(perms) -> None:
    """Mark rights as the job's own (call from ``AppConfig.ready``): granting a role that holds
    them does not require holding them."""
    JOB_BOUND_PERMISSIONS.update(perms)


def permissions_for(roles) -> frozenset[str]:
    out: set[str] = set()
    for role in roles:
        out |= ROLE_PERMISSIONS.get(role, set())
    return frozenset(out)
