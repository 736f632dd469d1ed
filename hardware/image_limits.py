"""Image files checked before they are decoded: size on disk, and pixels from the header.

Decoding costs memory and time in proportion to the pixels, not to the file: a 20000x20000 PNG
of a few hundred kilobytes decodes to 1.2 GB. So every image the kiosk decodes (media, camera
folders, ``kiosk scan``) is first read here with a bound on its bytes, its width and height are
read from the header without decoding (PNG, JPEG, WebP, GIF, BMP; a few fixed offsets each,
no image library needed), and it is refused with a plain reason above a pixel limit.
"""

from __future__ import annotations

import stat
import struct
from dataclasses import dataclass
from pathlib import Path

MEGA = 1_000_000


class ImageRefused(ValueError):
    """The file is not decoded: too big, or not an image we can read. ``str`` says why."""


class ImageTooLarge(ImageRefused):
    """Over a limit of bytes or pixels: an image, but too costly to decode."""


class ImageUnreadable(ImageRefused):
    """Empty, truncated, or not an image of a kind we read."""


@dataclass(frozen=True)
class ImageLimits:
    """The most pixels and bytes one image file may have."""

    pixels: int
    bytes: int

    @classmethod
    def for_frames(cls, width: int, height: int, margin: int = 4) -> ImageLimits:
        """For frames standing in for a ``width`` x ``height`` camera: ``margin`` times its
        pixels (a 4K still for a 1080p camera), and the bytes of such an image uncompressed."""
        pixels = max(width * height, 640 * 480) * margin
        return cls(pixels, pixels * 4 + MEGA)


SCAN_LIMITS = ImageLimits(50 * MEGA, 100 * MEGA)
"""``kiosk scan``: a 48-megapixel phone photo of a label still scans."""


def describe_bytes(count: int) -> str:
    """``52.4 MB``: decimal megabytes, with one decimal, as file managers show them."""
    return f"{count / MEGA:.1f} MB"


def read_image(path: Path, limits: ImageLimits) -> bytes:
    """The whole file, once its size and its header's pixel count are within ``limits``.

    Reading once and decoding these bytes (not the path again) means the file checked is the
    file decoded, even if it is replaced in between. Raises ``ImageRefused`` with the reason,
    or ``OSError`` when the file cannot be read.
    """
    status = path.stat()
    if not stat.S_ISREG(status.st_mode):  # a pipe or a device would block or never end
        raise ImageUnreadable("not a regular file")
    size = status.st_size
    if size > limits.bytes:
        raise ImageTooLarge(f"{describe_bytes(size)}, over the limit of "
                            f"{describe_bytes(limits.bytes)}")
    with path.open("rb") as handle:
        data = handle.read(limits.bytes + 1)
    if len(data) > limits.bytes:  # it grew since stat
        raise ImageTooLarge(f"over the limit of {describe_bytes(limits.bytes)}")
    check_pixels(data, limits)
    return data


def check_pixels(data: bytes, limits: ImageLimits) -> tuple[int, int]:
    """Width and height from the header of ``data``; ``ImageRefused`` above ``limits``."""
    width, height = image_size(data)
    if width * height > limits.pixels:
        limit = f"{limits.pixels / MEGA:.1f}".removesuffix(".0")
        raise ImageTooLarge(f"{width * height / MEGA:.1f} megapixels, over the limit of {limit} "
                            f"({width}x{height})")
    return width, height


def image_size(data: bytes) -> tuple[int, int]:
    """(width, height) read from the header, without decoding; ``ImageRefused`` when the
    header is missing, truncated or of a format not listed here."""
    if not data:
        raise ImageUnreadable("not a readable image (the file is empty)")
    for magic, reader in _READERS:
        if data.startswith(magic):
            try:
                width, height = reader(data)
            except (struct.error, IndexError):
                raise ImageUnreadable("not a readable image (its header is truncated)") from None
            if width <= 0 or height <= 0:
                raise ImageUnreadable("not a readable image (its header gives no size)")
            return width, height
    raise ImageUnreadable("not a readable image (not PNG, JPEG, WebP, GIF or BMP)")


def _png(data: bytes) -> tuple[int, int]:
    length, kind, width, height = struct.unpack_from(">I4sII", data, 8)
    if kind != b"IHDR" or length != 13:
        raise ImageUnreadable("not a readable image (a PNG without its IHDR header)")
    return width, height


_SOF = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})
_MAX_JPEG_SEGMENTS = 4096


def _jpeg(data: bytes) -> tuple[int, int]:
    """Walk the segments to the first start-of-frame, which holds the size."""
    position = 2
    for _ in range(_MAX_JPEG_SEGMENTS):
        while data[position] == 0xFF and data[position + 1] == 0xFF:  # fill bytes
            position += 1
        if data[position] != 0xFF:
            break
        marker = data[position + 1]
        if marker in _SOF:
            height, width = struct.unpack_from(">HH", data, position + 5)
            return width, height
        if marker == 0x01 or 0xD0 <= marker <= 0xD8:  # markers without a length
            position += 2
            continue
        if marker in (0xD9, 0xDA):  # end of image, or image data before any frame header
            break
        (length,) = struct.unpack_from(">H", data, position + 2)
        position += 2 + length
    raise ImageUnreadable("not a readable image (a JPEG without a frame header)")


def _webp(data: bytes) -> tuple[int, int]:
    if data[8:12] != b"WEBP":
        raise ImageUnreadable("not a readable image (a RIFF file that is not WebP)")
    chunk = data[12:16]
    if chunk == b"VP8 ":
        if data[23:26] != b"\x9d\x01\x2a":
            raise ImageUnreadable("not a readable image (a damaged WebP header)")
        width, height = struct.unpack_from("<HH", data, 26)
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L":
        if data[20] != 0x2F:
            raise ImageUnreadable("not a readable image (a damaged WebP header)")
        (bits,) = struct.unpack_from("<I", data, 21)
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X":
        if len(data) < 30:
            raise IndexError("truncated")
        return (int.from_bytes(data[24:27], "little") + 1,
                int.from_bytes(data[27:30], "little") + 1)
    raise ImageUnreadable("not a readable image (an unknown kind of WebP)")


def _gif(data: bytes) -> tuple[int, int]:
    width, height = struct.unpack_from("<HH", data, 6)
    return width, height


def _bmp(data: bytes) -> tuple[int, int]:
    (header,) = struct.unpack_from("<I", data, 14)
    if header == 12:
        width, height = struct.unpack_from("<HH", data, 18)
        return width, height
    width, height = struct.unpack_from("<ii", data, 18)
    return width, abs(height)  # a negative height is a top-down bitmap


_READERS = ((b"\x89PNG\r\n\x1a\n", _png), (b"\xff\xd8", _jpeg), (b"RIFF", _webp),
            (b"GIF87a", _gif), (b"GIF89a", _gif), (b"BM", _bmp))
