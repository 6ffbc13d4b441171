"""protocol/ is a pure core: importing it must not pull in the I/O stack."""

import json
import subprocess
import sys

FORBIDDEN = ("aiohttp", "textual", "sqlite_utils", "sqlite3", "socket", "asyncio")


def test_protocol_imports_no_io_stack() -> None:
    code = (
        "import json, sys\n"
        "import protocol, protocol.chain, protocol.share, protocol.policy, protocol.roster\n"
        "import protocol.revocation, protocol.request, protocol.retention, protocol.registry\n"
        "protocol.registry.default_registry()\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    loaded = set(json.loads(out))
    leaked = [m for m in FORBIDDEN if m in loaded]
    assert leaked == [], f"protocol pulled in {leaked}"
