"""The state-machine helper: each document type declares its transitions once.

    class WorkOrder(NumberedDocument):
        machine = StateMachine(field="status", transitions=[
            Transition("assign", source={"new"}, target="assigned", label=_("Assign"),
                       allowed=has_perm("maintenance.change_workorder")),
            Transition("cancel", source="*", target="cancelled", label=_("Cancel"),
                       allowed=is_user("requester"), guard=needs_reason),
            Transition("approve", source={"submitted"}, target="approved", system_only=True),
        ])

Services call ``WorkOrder.machine.perform(order, "assign", by=user, values={"worker": w})``;
pages call ``machine.available(order, user)`` for the buttons. ``perform`` checks the source
state, who may, the guard, then moves the row with a conditional UPDATE (``WHERE status =
source``) so two users cannot both move the document out of the same state, saves, and
writes a timeline entry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from houqin.core.documents import record_on_timeline
from houqin.core.errors import Conflict, DomainError, IllegalTransition, PermissionDenied
from houqin.core.scoping import access_for, can

ANY = "*"


@dataclass(frozen=True)
class Transition:
    """One move: from ``source`` states (a set, or ``"*"`` for any) to ``target``.

    ``allowed(access, obj) -> bool`` says who may (default: who may change the document);
    ``guard(obj, **ctx)`` raises a DomainError when the document is not ready.
    ``system_only`` transitions are taken by the engine (approvals), never offered as buttons.
    """

    name: str
    source: frozenset[str] | str
    target: str
    allowed: Callable | None = field(default=None, compare=False)
    guard: Callable | None = field(default=None, compare=False)
    label: str = ""
    system_only: bool = False

    def __post_init__(self):
        if self.source != ANY:
            sources = {self.source} if isinstance(self.source, str) else self.source
            object.__setattr__(self, "source", frozenset(sources))

    def applies_from(self, state: str) -> bool:
        return self.source == ANY or state in self.source

    @property
    def display(self) -> str:
        return str(self.label or self.name)


class StateMachine:
    """The transition table of one document type, declared as a model class attribute."""

    def __init__(
        self,
        *,
        field: str = "status",
        transitions: Iterable[Transition],
        on_transition: Callable | None = None,
    ):
        self.field = field
        self.transitions: dict[str, Transition] = {}
        for t in transitions:
            if t.name in self.transitions:
                raise ValueError(f"transition {t.name!r} is declared twice")
            self.transitions[t.name] = t
        # Called as on_transition(obj, by=, transition=, from_state=, note=) after each move.
        self.on_transition = on_transition

    def __set_name__(self, owner, name):
        self.model = owner

    def get(self, name: str) -> Transition:
        try:
            return self.transitions[name]
        except KeyError:
            raise IllegalTransition(_("Unknown action “%(name)s”.") % {"name": name}) from None

    def state_of(self, obj) -> str:
        return getattr(obj, self.field)

    def state_label(self, obj, state: str | None = None) -> str:
        state = self.state_of(obj) if state is None else state
        choices = dict(type(obj)._meta.get_field(self.field).flatchoices)
        return str(choices.get(state, state))

    # ------------------------------------------------------------------ who may

    def is_allowed(self, transition: Transition, obj, user) -> bool:
        access = access_for(user, obj.school_id)
        if not access.is_member:
            return False
        if transition.allowed is None:
            return can(user, "change", obj, school=obj.school_id)
        return bool(transition.allowed(access, obj))

    def available(self, obj, user) -> list[Transition]:
        """Transitions ``user`` may take on ``obj`` now (guards are checked on perform)."""
        state = self.state_of(obj)
        return [
            t
            for t in self.transitions.values()
            if not t.system_only and t.applies_from(state) and self.is_allowed(t, obj, user)
        ]

    # ------------------------------------------------------------------ the move

    @transaction.atomic
    def perform(
        self,
        obj: models.Model,
        name: str,
        *,
        by,
        note: str = "",
        values: dict | None = None,
        system: bool = False,
        **ctx,
    ):
        """Move ``obj`` by transition ``name``; ``values`` are saved with the new state.

        ``system=True`` skips the who-may check (for the approval engine, which checked it).
        Raises IllegalTransition, PermissionDenied, the guard's error, or Conflict when
        someone else moved the document first.
        """
        transition = self.get(name)
        current = self.state_of(obj)
        if not transition.applies_from(current):
            raise IllegalTransition(
                _("“%(action)s” is not possible while the document is %(state)s.")
                % {"action": transition.display, "state": self.state_label(obj, current)}
            )
        if transition.system_only and not system:
            raise PermissionDenied(
                _("“%(action)s” happens through the approval process, not by hand.")
                % {"action": transition.display}
            )
        if not system and not self.is_allowed(transition, obj, by):
            raise PermissionDenied(
                _("You may not “%(action)s” this document.") % {"action": transition.display}
            )
        if transition.guard is not None:
            transition.guard(obj, **ctx)

        values = dict(values or {})
        model = type(obj)
        # Claim the move: only one of two racing users finds the row still in ``current``.
        claimed = model._base_manager.filter(pk=obj.pk, **{self.field: current}).update(
            **{self.field: transition.target}
        )
        if not claimed:
            raise Conflict(
                _("Someone else changed the state of this document first. Reload and try again.")
            )
        setattr(obj, self.field, transition.target)
        for key, value in values.items():
            setattr(obj, key, value)
        update_fields = [self.field, *values]
        if any(f.name == "updated_at" for f in model._meta.concrete_fields):
            obj.updated_at = timezone.now()
            update_fields.append("updated_at")
        # A regular save after the claim keeps history (simple-history) and auto fields right.
        obj.save(update_fields=update_fields)

        record_on_timeline(
            obj,
            by=by,
            kind="state_change",
            text=note or transition.display,
            from_state=current,
            to_state=transition.target,
            data={"transition": transition.name},
        )
        if self.on_transition is not None:
            self.on_transition(obj, by=by, transition=transition, from_state=current, note=note)
        return obj


# ---------------------------------------------------------------- guards


def needs_reason(obj, reason="", **ctx) -> None:
    """Guard of a transition that must say why (reject, cancel, close): a reason is given."""
    if not (reason or "").strip():
        raise DomainError(_("Give a reason."), code="ReasonRequired")


# ---------------------------------------------------------------- predicates for ``allowed``


def has_perm(perm: str) -> Callable:
    return lambda access, obj: access.has_perm(perm)


def has_role(*roles: str) -> Callable:
    return lambda access, obj: bool(set(getattr(access, "roles", ())) & set(roles))


def is_user(attr: str) -> Callable:
    """The user named by ``obj.<attr>`` (e.g. the requester)."""
    return lambda access, obj: getattr(obj, f"{attr}_id", None) == getattr(access.user, "pk", None)


def any_of(*predicates: Callable) -> Callable:
    return lambda access, obj: any(p(access, obj) for p in predicates)


def nobody(access, obj) -> bool:
    return False
