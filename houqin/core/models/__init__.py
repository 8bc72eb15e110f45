"""Shared document machinery. Each concern has its own module; this package re-exports them."""

from .approvals import *  # noqa: F403
from .base import *  # noqa: F403
from .compliance import *  # noqa: F403
from .notifications import *  # noqa: F403
from .numbering import *  # noqa: F403
from .timeline import *  # noqa: F403
