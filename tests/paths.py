"""Where the demo store lives, for tests."""

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEMO_CONFIG = REPO / "config"
DEMO_MEDIA = REPO / "media"
