"""Navigation by role: each app registers its menu entries; the layout shows the allowed ones.

    navigation.register(NavItem(section="org", label=_("Rooms"), url_name="org:room_list",
                                perm="org.view_room", icon="door", order=20))

A section groups items under one heading; ``perm`` None means every member sees it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavSection:
    key: str
    label: str
    icon: str = ""
    order: int = 100


@dataclass(frozen=True)
class NavItem:
    section: str
    label: str
    url_name: str
    perm: str | None = None
    icon: str = ""
    order: int = 100
    # Optional callable(access) -> int shown as a badge (must be cheap).
    badge: Callable | None = field(default=None, compare=False)
    # Optional callable(access) -> bool: shown only when it says so (e.g. by role).
    visible: Callable | None = field(default=None, compare=False)


_SECTIONS: dict[str, NavSection] = {}
_ITEMS: list[NavItem] = []


def register_section(section: NavSection) -> None:
    _SECTIONS[section.key] = section


def register(item: NavItem) -> None:
    if item not in _ITEMS:
        _ITEMS.append(item)


def menu_for(access) -> list[tuple[NavSection, list[tuple[NavItem, str]]]]:
    """The sections and (item, url) pairs this person may see, in order."""
    if access is None or not access.is_member:
        return []
    grouped: dict[str, list[tuple[NavItem, str]]] = {}
    for item in sorted(_ITEMS, key=lambda i: i.order):
        if item.perm and not access.has_perm(item.perm):
            continue
        if item.visible is not None and not item.visible(access):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        grouped.setdefault(item.section, []).append((item, url))
    sections = [_SECTIONS.get(key, NavSection(key=key, label=key)) for key in grouped]
    return [(s, grouped[s.key]) for s in sorted(sections, key=lambda s: s.order)]


def active_url(menu, path: str) -> str:
    """The URL of the menu entry the page at ``path`` belongs to: the longest one the page lies
    under (so /approvals/policies/ is not "My approvals"); "" when none. Home ("/") is active
    only on itself. Computed once per page (the menu template compares each entry with it)."""
    urls = [
        url
        for _section, entries in menu
        for _item, url in entries
        if (path == url if url == "/" else path.startswith(url))
    ]
    return max(urls, key=len, default="")


def active_sections(menu, url: str) -> set[str]:
    """The keys of the sections holding the active entry ``url``."""
    if not url:
        return set()
    return {section.key for section, entries in menu if any(u == url for _item, u in entries)}
