"""Deterministic drawing of the demo store images (products, shopper photos, banners, logo).

Run ``python -m tools.media`` from the repository root to regenerate everything in media/.
"""

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
