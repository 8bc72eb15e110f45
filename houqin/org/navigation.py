"""The org app's menu entries (registered when the app is ready)."""
