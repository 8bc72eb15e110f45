"""QR codes for places (and later assets): inline SVG, so pages and label sheets need no images."""

from __future__ import annotations

import segno


def qr_svg(url: str, *, scale: int = 4) -> str:
    """An inline ``<svg>`` of ``url`` (error correction M survives a scuffed label)."""
    return segno.make(url, error="m").svg_inline(scale=scale, title=None)


def room_report_path(room) -> str:
    """The public "report a problem here" address of a room (served by the maintenance module)."""
    return f"/r/{room.qr_token}/"
