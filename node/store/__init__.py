"""The node's storage: SQLite (``db``) and one module per group of tables, the keyed
audit log (``audit``) and the keys at rest (``keystore``). The only place SQL is
written."""
