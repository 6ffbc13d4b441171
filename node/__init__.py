"""casusnet node: one organisation's daemon and the operator's tools.

Layers, lowest first (each imports only those below it; ``tests/test_architecture.py``
checks it): ``store`` (SQL, the audit log, keys at rest), ``domain`` (the rules a
node adds to ``protocol``, as services over one ``Context``), ``faces`` (the
federation HTTP API, the local API, metrics), ``app`` (the daemon), ``tools`` (the
operator's CLI, demo, provision, backup, doctor). ``apiclient`` is the local API's
client, the one module the TUI imports. See ``docs/architecture.md``.
"""
