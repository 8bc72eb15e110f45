"""Template helpers for the shell: optional URLs, nav state and badges, counts, due times."""

from importlib import import_module

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

register = template.Library()


@register.simple_tag
def optional_url(name, *args):
    """``reverse(name)``, or "" while the module that owns the URL is not installed."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@register.simple_tag
def unread_notifications(user) -> int:
    """Unread in-app notifications of ``user``; 0 while the notifications module is absent."""
    if not getattr(user, "is_authenticated", False):
        return 0
    try:
        notify = import_module("houqin.core.notify")
    except ModuleNotFoundError as exc:
        if exc.name != "houqin.core.notify":
            raise
        return 0
    unread_count = getattr(notify, "unread_count", None)
    return unread_count(user) if unread_count else 0


@register.simple_tag(takes_context=True)
def nav_badge(context, item) -> int:
    """The badge number a navigation item asks for (0 when it has none)."""
    if item.badge is None:
        return 0
    return item.badge(context.get("access"))


def _is_under(path: str, url: str) -> bool:
    # Every path starts with "/", so home is active only on itself.
    return path == url if url == "/" else path.startswith(url)


@register.simple_tag(takes_context=True)
def nav_active(context, url) -> str:
    """Return "active" for the menu entry the current page belongs to: the one with the
    longest URL the page lies under (so /approvals/policies/ is not "My approvals")."""
    return "active" if url and url == _best_menu_url(context) else ""


def _best_menu_url(context) -> str:
    path = getattr(context.get("request"), "path", "")
    menu = context.get("nav_menu") or []
    urls = [url for _section, entries in menu for _item, url in entries if _is_under(path, url)]
    return max(urls, key=len, default="")


@register.simple_tag(takes_context=True)
def section_active(context, entries) -> str:
    """Return "active" when the page lies under one of a section's ``(item, url)`` entries."""
    best = _best_menu_url(context)
    return "active" if best and any(url == best for _item, url in entries) else ""


@register.filter
def overdue(when) -> bool:
    return bool(when) and when < timezone.now()


@register.filter
def minutes(delta) -> int:
    """Whole minutes of a timedelta, rounded up (for "try again in N minutes")."""
    if not delta:
        return 0
    seconds = int(delta.total_seconds())
    return -(-seconds // 60)


@register.filter
def initial(user) -> str:
    """The first character of a person's name, for the round avatar."""
    name = getattr(user, "get_short_name", lambda: "")() or getattr(user, "username", "")
    return name[:1].upper()


@register.filter
def message_class(level_tag) -> str:
    """Bootstrap alert colour for a Django messages level."""
    return {"error": "danger", "debug": "secondary"}.get(level_tag, level_tag or "info")


@register.simple_tag(takes_context=True)
def timeline_panel(context, obj):
    """A document's timeline with its comment form: ``{% timeline_panel object %}``."""
    from houqin.core.views.timeline import render_timeline_panel

    return render_timeline_panel(context["request"], obj)
