"""Safety: each area's models live in their own module; import them from it
(``from houqin.safety.models.inspections import …``)."""

from . import documents, equipment, hazards, inspections  # noqa: F401
