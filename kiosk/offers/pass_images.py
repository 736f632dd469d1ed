"""The icon and logo images of a wallet pass, made from the store's logo with OpenCV.

OpenCV and numpy are imported by the functions that draw: the offers load their colours
with this module at every start, and most starts make no pass.

A bad logo never stops a pass: a missing, corrupt or oversized file gives plain tiles in the
pass's foreground colour instead, because a coupon without the store's logo is still a coupon.
"""

from __future__ import annotations

import re
import struct
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

MAX_PIXELS = 40_000_000
"""Larger logos are refused before decoding: a small PNG can unpack to gigabytes."""
MAX_FILE_BYTES = 32 * 1024 * 1024
ICONS = {"icon.png": 29, "icon@2x.png": 58, "icon@3x.png": 87}
"""Apple's icon sizes: the icon shows on the lock screen and in notifications."""
LOGO_BOX = (160, 50)
"""Apple's largest logo (width, height) at 1x; logo@2x.png is exactly twice logo.png."""

_COLOUR = re.compile(r"#([0-9a-fA-F]{6})")
_PNG = b"\x89PNG\r\n\x1a\n"


def parse_colour(value: str) -> tuple[int, int, int]:
    """``"#RRGGBB"`` -> ``(r, g, b)``; anything else is a config error, said as such."""
    match = _COLOUR.fullmatch(value.strip())
    if match is None:
        raise ValueError(f"colour {value!r} is not #RRGGBB")
    digits = match.group(1)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from a PNG or JPEG header, so that a pixel bomb is refused before it is
    decoded; None for anything else (other formats are not taken)."""
    if data.startswith(_PNG) and data[12:16] == b"IHDR" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return width, height
    if not data.startswith(b"\xff\xd8"):
        return None
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0x01 or 0xD0 <= marker <= 0xD8:  # markers without a length
            pos += 2
            continue
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):  # start of frame
            if pos + 9 > len(data):
                return None
            height, width = struct.unpack(">HH", data[pos + 5:pos + 9])
            return width, height
        pos += 2 + struct.unpack(">H", data[pos + 2:pos + 4])[0]
    return None


def pass_images(logo: Path | None, background: str, foreground: str) -> dict[str, bytes]:
    """icon.png, icon@2x.png, icon@3x.png (29, 58, 87 px squares, the logo centred on the
    background colour), logo.png (within 160x50, aspect kept, alpha kept) and logo@2x.png.
    Never raises on a bad image; a bad colour is a ValueError."""
    import cv2

    back, fore = parse_colour(background), parse_colour(foreground)
    image = _load(logo)
    if image is not None:
        try:
            return _from_logo(image, back)
        except (cv2.error, ValueError, MemoryError):
            pass
    images = {name: _png(_tile(size, size, fore)) for name, size in ICONS.items()}
    side = LOGO_BOX[1]
    images["logo.png"] = _png(_tile(side, side, fore))
    images["logo@2x.png"] = _png(_tile(2 * side, 2 * side, fore))
    return images


def _load(logo: Path | None) -> np.ndarray | None:
    """The logo as 8-bit BGRA cropped to its visible part; None when it is missing, unreadable,
    corrupt, empty or too large."""
    import cv2
    import numpy as np

    if logo is None:
        return None
    try:
        with Path(logo).open("rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)
        size = image_size(data)
        if len(data) > MAX_FILE_BYTES or size is None or min(size) == 0:
            return None
        if size[0] * size[1] > MAX_PIXELS:
            return None
        # JPEGs have no alpha: IMREAD_COLOR also applies their EXIF orientation.
        flags = cv2.IMREAD_UNCHANGED if data.startswith(_PNG) else cv2.IMREAD_COLOR
        image = cv2.imdecode(np.frombuffer(data, np.uint8), flags)
        return None if image is None else _visible(_bgra(image))
    except (OSError, cv2.error, ValueError, MemoryError):
        return None


def _bgra(image: np.ndarray) -> np.ndarray:
    """Any decoded image (grey, BGR, BGRA; 8 or 16 bits) as 8-bit BGRA."""
    import cv2
    import numpy as np

    if image.dtype == np.uint16:
        image = (image >> 8).astype(np.uint8)
    if image.dtype != np.uint8:
        raise ValueError(f"unsupported pixel type {image.dtype}")
    if image.ndim == 3 and image.shape[2] == 1:
        image = image[:, :, 0]
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGRA)
    if image.shape[2] == 3:
        return cv2.cvtColor(image, cv2.COLOR_BGR2BGRA)
    if image.shape[2] == 4:
        return image
    raise ValueError(f"unsupported channel count {image.shape[2]}")


def _visible(image: np.ndarray) -> np.ndarray | None:
    """The image cropped to its non-transparent pixels (logos often carry wide empty margins);
    None when nothing is visible."""
    import numpy as np

    rows = np.flatnonzero(image[:, :, 3].any(axis=1))
    cols = np.flatnonzero(image[:, :, 3].any(axis=0))
    if rows.size == 0:
        return None
    return image[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]


def _from_logo(image: np.ndarray, back: tuple[int, int, int]) -> dict[str, bytes]:
    import numpy as np

    height, width = image.shape[:2]
    images = {}
    for name, side in ICONS.items():
        w, h = _fit(width, height, side, side)
        tile = _tile(side, side, back).astype(np.float32)
        small = _resize(image, w, h).astype(np.float32)
        alpha = small[:, :, 3:4] / 255.0
        top, left = (side - h) // 2, (side - w) // 2
        area = tile[top:top + h, left:left + w]
        tile[top:top + h, left:left + w] = small[:, :, :3] * alpha + area * (1.0 - alpha)
        images[name] = _png(np.clip(tile.round(), 0, 255).astype(np.uint8))
    w, h = _fit(width, height, *LOGO_BOX)
    images["logo.png"] = _png(_resize(image, w, h))
    images["logo@2x.png"] = _png(_resize(image, 2 * w, 2 * h))  # from the original: sharper
    return images


def _fit(width: int, height: int, box_width: int, box_height: int) -> tuple[int, int]:
    """The largest size within the box with the image's aspect ratio."""
    scale = min(box_width / width, box_height / height)
    return (max(1, min(box_width, round(width * scale))),
            max(1, min(box_height, round(height * scale))))


def _resize(image: np.ndarray, width: int, height: int) -> np.ndarray:
    """Resized with premultiplied alpha, so that transparent pixels do not bleed a dark halo
    into the edges; INTER_AREA when shrinking, as it averages instead of skipping pixels."""
    import cv2
    import numpy as np

    alpha = image[:, :, 3:4].astype(np.float32) / 255.0
    premultiplied = np.concatenate([image[:, :, :3].astype(np.float32) * alpha, alpha], axis=2)
    shrinking = width < image.shape[1] or height < image.shape[0]
    interpolation = cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR
    out = cv2.resize(premultiplied, (width, height), interpolation=interpolation)
    out = out.reshape(height, width, 4)
    cover = out[:, :, 3:4]
    colour = np.where(cover > 1e-6, out[:, :, :3] / np.maximum(cover, 1e-6), 0.0)
    result = np.concatenate([colour, cover * 255.0], axis=2)
    return np.clip(result.round(), 0, 255).astype(np.uint8)


def _tile(width: int, height: int, rgb: tuple[int, int, int]) -> np.ndarray:
    """A plain opaque BGR tile."""
    import numpy as np

    red, green, blue = rgb
    return np.full((height, width, 3), (blue, green, red), dtype=np.uint8)


def _png(image: np.ndarray) -> bytes:
    import cv2

    ok, encoded = cv2.imencode(".png", image)
    if not ok:
        raise ValueError("PNG encoding failed")
    return encoded.tobytes()
