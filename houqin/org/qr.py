"""QR codes for places (and later assets): inline SVG, so pages and label sheets need no images."""

from __future__ import annotations

import segno


def qr_svg(url: str, *, scale: int = 4, omitsize: bool = False) -> str:
    """An inline ``<svg>`` of ``url`` (error correction M survives a scuffed label).

    ``omitsize`` leaves out width and height (a viewBox only), so CSS sizes it, e.g. in mm."""
    return segno.make(url, error="m").svg_inline(scale=scale, title=None, omitsize=omitsize)


def room_report_path(room) -> str:
    """The public "report a problem here" address of a room (served by the maintenance module)."""
    return f"/r/{room.qr_token}/"
