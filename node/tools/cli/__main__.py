"""``python -m node.tools.cli``: the same program as ``casusnet``."""

from node.tools.cli import main

raise SystemExit(main())
