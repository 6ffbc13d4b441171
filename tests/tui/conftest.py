"""The federation fixture for the TUI tests (the helpers are in tuikit.py)."""

from tuikit import federation  # noqa: F401
