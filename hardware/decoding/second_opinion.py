"""zbar (through pyzbar) as the second opinion on a straightened box: it reads where zxing-cpp
fails, and checks zxing-cpp's EAN/UPC reads, which carry a single check digit.

A read of zbar's alone says whether it stands on its own (``Opinion.sound``): its check digit
holds and the band shows a light quiet zone on both sides of it. zbar finds EAN/UPC symbols
inside longer runs of bars and text that zxing-cpp, which wants those quiet zones, refuses.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from hardware.decoding.boxes import Straightened, apply_affine
from hardware.decoding.detection import Detection, make_detection, our_name
from hardware.gs1 import expand_upce
from hardware.gtin import is_valid_gtin

log = logging.getLogger(__name__)

ZBAR_TYPES = {"EAN13": "ean13", "EAN8": "ean8", "UPCA": "upca", "UPCE": "upce",
              "CODE128": "code128"}
ZBAR_TURNS = {"UP": 0, "LEFT": 1, "DOWN": 2, "RIGHT": 3}   # quarter turns counter-clockwise
MODULES = {"ean13": 95, "upca": 95, "ean8": 67, "upce": 51}   # Code 128 counts its symbols
QUIET_MODULES = 4     # light modules asked on each side: under half the standard's 9-11, as
                      # photos and locator boxes cut close (the crop's margin holds 19 and more)
GUARD_SLACK = 3.5     # modules next to zbar's ends left out: they may stop short of a guard
QUIET_LEVEL = 0.35    # a quiet zone stays above dark + this share of the dark-to-light range
Zbar = Callable[..., list]


@dataclass(frozen=True)
class Opinion:
    """One zbar read; ``sound`` when its check digit and quiet zones hold on the crop."""

    detection: Detection
    sound: bool


def load_zbar() -> Zbar | None:
    """pyzbar's decode, or None (with a warning) when pyzbar or libzbar cannot be loaded."""
    try:
        from pyzbar import pyzbar
    except ImportError as error:
        log.warning("second opinion disabled: pyzbar/libzbar unavailable (%s)", error)
        return None
    symbols = [getattr(pyzbar.ZBarSymbol, name) for name in ZBAR_TYPES]
    return lambda image: pyzbar.decode(image, symbols=symbols)


def zbar_read(decode: Zbar, straight: Straightened, enabled: frozenset[str]) -> list[Opinion]:
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
        sound = (check_holds(name, text) and straight.along_x
                 and quiet_zones_hold(image, x0, x1, name, text))
        read.append(Opinion(make_detection(name, text, corners), sound))
    return read


def check_holds(name: str, text: str) -> bool:
    """EAN/UPC check digits, checked again; zbar has verified Code 128's own checksum."""
    return name == "code128" or is_valid_gtin(text)


def modules(name: str, text: str) -> int:
    """A symbol's width in modules, guards included (Code 128: two digits per symbol when
    numeric, start, check and stop)."""
    if name in MODULES:
        return MODULES[name]
    symbols = (len(text) + 1) // 2 if text.isdigit() else len(text)
    return 11 * (symbols + 2) + 13


def quiet_zones_hold(band: np.ndarray, x0: int, x1: int, name: str, text: str) -> bool:
    """True when ``QUIET_MODULES`` modules beyond each end of the symbol (``x0``..``x1`` on
    the band) stay light on the band's mean row: no bar reaches into them (a symbol found
    inside a longer run of bars), and the band does not end inside them.

    Tuned on half A of the sample photos only: of the two right reads it refused at first,
    one had zbar's end a guard bar short, one a dim, uneven label.
    """
    module = (x1 - x0) / max(1, modules(name, text))
    left = right = round(GUARD_SLACK * module)
    quiet = round(QUIET_MODULES * module)
    if x0 - left - quiet < 0 or x1 + right + quiet > band.shape[1] or quiet < 1:
        return False
    row = band.mean(axis=0)
    symbol = row[x0:x1]
    if symbol.size == 0:
        return False
    dark, light = float(symbol.min()), float(symbol.max())
    level = dark + QUIET_LEVEL * (light - dark)
    return bool(row[x0 - left - quiet:x0 - left].min() > level
                and row[x1 + right:x1 + right + quiet].min() > level)
