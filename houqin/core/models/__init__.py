"""Shared document machinery. Each concern has its own module; this package re-exports them."""

from .base import *  # noqa: F403
