"""casusnet terminal UI (lands with the TUI issue)."""
