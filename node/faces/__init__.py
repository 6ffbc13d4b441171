"""The node's faces: the federation HTTP API partners call (``federation``), the local
API its staff and the TUI call over a unix socket (``localapi``), and ``/metrics``.
Handlers parse, authenticate and call one domain service; they write no SQL."""
