"""The compliance rules of hygiene."""
