"""casusnet node daemon (lands with the node issue)."""
