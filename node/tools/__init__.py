"""The operator's tools: the ``casusnet`` command, the demo federation, provisioning,
backup and restore, and the health check. The top layer: may start the TUI."""
