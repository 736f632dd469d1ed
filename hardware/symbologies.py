"""The barcode formats the table reads, by the names staff write in the config."""

from __future__ import annotations

import numpy as np
import zxingcpp

FORMATS: dict[str, zxingcpp.BarcodeFormat] = {
    "ean13": zxingcpp.BarcodeFormat.EAN13,
    "ean8": zxingcpp.BarcodeFormat.EAN8,
    "upca": zxingcpp.BarcodeFormat.UPCA,
    "upce": zxingcpp.BarcodeFormat.UPCE,
    "code128": zxingcpp.BarcodeFormat.Code128,
    "qr": zxingcpp.BarcodeFormat.QRCode,
    "datamatrix": zxingcpp.BarcodeFormat.DataMatrix,
}
LINEAR = ("ean13", "ean8", "upca", "upce", "code128")
NAME_OF = {value: name for name, value in FORMATS.items()}


def format_name(fmt: zxingcpp.BarcodeFormat) -> str | None:
    """Our name for a zxing-cpp format, or None for formats the table does not read."""
    return NAME_OF.get(fmt)


def barcode_image(content: str, fmt: str, module_px: int = 3) -> np.ndarray:
    """A printed-looking barcode: black on white, ``module_px`` pixels per module, quiet zone.

    For tests, benchmarks and the virtual camera; GS1 content is passed as zxing-cpp expects.
    """
    barcode = zxingcpp.create_barcode(content, FORMATS[fmt])
    return np.array(barcode.to_image(scale=module_px), dtype=np.uint8)
