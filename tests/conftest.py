import sys
from pathlib import Path

# tests/protocol/world.py and friends are importable as plain modules.
sys.path.insert(0, str(Path(__file__).parent / "protocol"))
