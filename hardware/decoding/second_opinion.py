"""zbar (through pyzbar) as the second opinion on a straightened box: it reads where zxing-cpp
fails, and checks zxing-cpp's EAN/UPC reads, which carry a single check digit."""

from __future__ import annotations

import logging
from collections.abc import Callable

from hardware.decoding.boxes import Straightened, apply_affine
from hardware.decoding.detection import Detection, make_detection, our_name
from hardware.gs1 import expand_upce

log = logging.getLogger(__name__)

ZBAR_TYPES = {"EAN13": "ean13", "EAN8": "ean8", "UPCA": "upca", "UPCE": "upce",
              "CODE128": "code128"}
ZBAR_TURNS = {"UP": 0, "LEFT": 1, "DOWN": 2, "RIGHT": 3}   # quarter turns counter-clockwise
Zbar = Callable[..., list]


def load_zbar() -> Zbar | None:
    """pyzbar's decode, or None (with a warning) when pyzbar or libzbar cannot be loaded."""
    try:
        from pyzbar import pyzbar
    except ImportError as error:
        log.warning("second opinion disabled: pyzbar/libzbar unavailable (%s)", error)
        return None
    symbols = [getattr(pyzbar.ZBarSymbol, name) for name in ZBAR_TYPES]
    return lambda image: pyzbar.decode(image, symbols=symbols)


def zbar_read(decode: Zbar, straight: Straightened, enabled: frozenset[str]) -> list[Detection]:
    """The enabled codes zbar reads in a straightened box, in image pixels.

    zbar is asked for every 1D format so that it names each symbol correctly. Its texts are
    written the way zxing-cpp writes them (13 digits for UPC-A and expanded UPC-E), so a code
    reads the same whichever decoder found it. With the bars known to stand vertical, only
    zbar's up/down orientation can be right.
    """
    image, back = straight.band()
    read = []
    for symbol in decode(image):
        name, text = ZBAR_TYPES.get(symbol.type), symbol.data.decode("latin-1")
        if name == "upca":
            text, name = "0" + text, name if "upca" in enabled else "ean13"
        elif name == "upce" and (expanded := expand_upce(text)):
            text = "0" + expanded
        name = our_name(name, text, enabled)
        if name is None:
            continue
        xs, ys = [p.x for p in symbol.polygon], [p.y for p in symbol.polygon]
        x0, x1, y0, y1 = min(xs), max(xs) + 1, min(ys), max(ys) + 1
        upright = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
        turns = ZBAR_TURNS.get(str(getattr(symbol, "orientation", "UP")), 0)
        turns = turns & 2 if straight.along_x else turns
        corners = apply_affine(back, upright[-turns:] + upright[:-turns])
        read.append(make_detection(name, text, corners))
    return read
