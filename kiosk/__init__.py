"""smart-table-kiosk: the application (config, catalog, table, scenes, CLI)."""

import os

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

__version__ = "0.1.0"
