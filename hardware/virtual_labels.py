"""What the virtual camera prints on a product's box: the label a shop would print for a
code (EAN-13, UPC-A, EAN-8, GS1-128, or a forced format), its symbol, and the box's colour."""

from __future__ import annotations

import zlib

import cv2
import numpy as np
import zxingcpp

from hardware.gtin import is_valid_gtin, to_gtin14
from hardware.symbologies import FORMATS

TEXT_LIMIT = 40
"""Longest text a Code 128 label carries (longer codes are cut: a label has a width)."""


def label_content(code: str, fmt: str | None = None) -> tuple[str, str, bool]:
    """What the label on a product's box carries: (content, format name, GS1 mode).

    GTINs get the symbology a shop would print (EAN-13, UPC-A, EAN-8, GS1-128 for GTIN-14);
    ``fmt`` forces one, with a GS1 Digital Link in a QR code. Other text becomes Code 128.
    """
    gtin = to_gtin14(code) if is_valid_gtin(code) else None
    if fmt is None:
        if gtin is None:
            return code[:TEXT_LIMIT], "code128", False
        return {13: (code, "ean13", False), 12: (code, "upca", False),
                8: (code, "ean8", False)}.get(len(code), (f"(01){gtin}", "code128", True))
    if fmt not in FORMATS:
        raise ValueError(f"unknown barcode format {fmt!r}; use one of {', '.join(FORMATS)}")
    if fmt == "qr":
        return (f"https://id.gs1.org/01/{gtin}" if gtin else code), fmt, False
    if fmt in ("code128", "datamatrix"):
        if gtin:
            return f"(01){gtin}", fmt, True
        return (code[:TEXT_LIMIT] if fmt == "code128" else code), fmt, False
    if fmt == "upce":
        return code, fmt, False
    digits = {"ean13": 13, "upca": 12, "ean8": 8}.get(fmt)
    if digits is None:
        raise ValueError(f"the virtual camera cannot print {fmt} labels")
    if gtin is None:
        raise ValueError(f"{code!r} is not a GTIN, so it cannot be printed as {fmt}")
    if gtin[:14 - digits].strip("0"):
        raise ValueError(f"GTIN {code} does not fit in {fmt}")
    return gtin[14 - digits:], fmt, False


def barcode_modules(content: str, fmt: str, gs1: bool) -> np.ndarray:
    """The symbol at one pixel per module, quiet zone included (uint8, black on white)."""
    options = {"gs1": True} if gs1 else {}
    try:
        barcode = zxingcpp.create_barcode(content, FORMATS[fmt], **options)
    except ValueError as exc:
        raise ValueError(f"cannot print {content!r} as {fmt}: {exc}") from exc
    return np.array(barcode.to_image(scale=1), dtype=np.uint8)


def box_colour(code: str) -> tuple[int, int, int]:
    """A stable, fairly saturated packaging colour per code, so boxes are told apart."""
    digest = zlib.crc32(code.encode("utf-8"))
    hsv = np.uint8([[[digest % 180, 120 + (digest >> 8) % 100, 110 + (digest >> 16) % 110]]])
    blue, green, red = cv2.cvtColor(hsv, cv2.COLOR_HSV2BGR)[0, 0]
    return int(blue), int(green), int(red)
