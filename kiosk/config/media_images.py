"""Media images within the kiosk's limits: what the validator accepts is what the screen loads.

Both read an image through ``read_media_image``: its bytes and its pixel count (from the
header, before any decoding) must be within ``MEDIA_LIMITS``, so a tiny file that decodes to
gigabytes is refused by ``kiosk validate`` and, if it arrives later, drawn as missing.
"""

from __future__ import annotations

from pathlib import Path

from hardware.image_limits import (
    MEGA,
    ImageLimits,
    ImageRefused,
    ImageTooLarge,
    ImageUnreadable,
    read_image,
)

MEDIA_LIMITS = ImageLimits(40 * MEGA, 100 * MEGA)
"""40 megapixels, 100 MB: more than four 4K screens; no slide or photo needs more."""

__all__ = ["MEDIA_LIMITS", "ImageRefused", "ImageTooLarge", "ImageUnreadable",
           "read_media_image"]


def read_media_image(path: Path) -> bytes:
    """The file's bytes, checked against ``MEDIA_LIMITS``; ``ImageRefused`` says why not."""
    return read_image(path, MEDIA_LIMITS)
