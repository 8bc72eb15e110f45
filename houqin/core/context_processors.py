"""What the base layout needs on every page: current school, access, navigation, counts.

Everything that costs a query is lazy, so pages that never show the shell (errors, fragments
swapped in by htmx) pay nothing for it.
"""

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from houqin.core import navigation, todo


def _member_schools(user):
    """The active schools where ``user`` holds an active membership (one query)."""
    if not getattr(user, "is_authenticated", False):
        return []
    memberships = getattr(user, "memberships", None)
    if memberships is None:
        return []
    rows = (
        memberships.filter(is_active=True, school__is_active=True)
        .select_related("school")
        .only("user", "school__name")  # the school switcher shows the name and posts the id
        .order_by("school__name")
    )
    return [m.school for m in rows]


def shell(request):
    access = getattr(request, "access", None)
    user = getattr(request, "user", None)

    def todo_count():
        return todo.count(access) if access is not None else 0

    menu = SimpleLazyObject(lambda: navigation.menu_for(access))
    active_url = SimpleLazyObject(lambda: navigation.active_url(menu, getattr(request, "path", "")))
    return {
        "current_school": getattr(request, "school", None),
        "access": access,
        "nav_menu": menu,
        # The menu entry (and its section) this page belongs to, found once per page.
        "nav_active_url": active_url,
        "nav_active_sections": SimpleLazyObject(
            lambda: navigation.active_sections(menu, str(active_url))
        ),
        # A view that has counted already (the home page) passes its own ``todo_count``.
        "todo_count": SimpleLazyObject(todo_count),
        "member_schools": SimpleLazyObject(lambda: _member_schools(user)),
        "site_name": getattr(settings, "HOUQIN_SITE_NAME", ""),
    }
