"""Hygiene and greening: each area's models live in their own module; import them from it
(``from houqin.hygiene.models.scores import …``)."""

from . import greening, scores  # noqa: F401
