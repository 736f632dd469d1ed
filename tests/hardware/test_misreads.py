"""The checks that keep misreads out: EAN/UPC reads against their own bars, edge to similar
edge, and zbar's reads alone only with their check digit and quiet zones."""

from __future__ import annotations

import cv2
import numpy as np

from hardware.decoding.detection import make_detection
from hardware.decoding.edge_check import denied, expected_widths
from hardware.decoding.second_opinion import check_holds, modules, quiet_zones_hold
from hardware.symbologies import barcode_image

TRUE, OTHER = "4006381333931", "9780201379624"     # two valid EAN-13s


def label(text: str, module: int = 3, gain: int = 0) -> tuple[np.ndarray, tuple]:
    """An EAN-13 on a white card; ``gain`` px more ink on every bar. Returns the image and the
    quad a decoder would give (its top edge across the bars)."""
    symbol = barcode_image(text, "ean13", module)
    if gain:
        symbol = cv2.erode(symbol, np.ones((1, gain + 1), np.uint8))
    card = np.full((symbol.shape[0] + 40, symbol.shape[1] + 40), 255, np.uint8)
    card[20:-20, 20:-20] = symbol
    dark = np.flatnonzero(card[card.shape[0] // 2] < 128)
    x0, x1, y = float(dark[0]), float(dark[-1] + 1), card.shape[0] / 2
    return card, ((x0, y - 10), (x1, y - 10), (x1, y + 10), (x0, y + 10))


def test_a_read_its_bars_deny_is_dropped_and_the_right_one_kept() -> None:
    card, quad = label(TRUE)
    assert not denied(card, make_detection("ean13", TRUE, quad))
    assert denied(card, make_detection("ean13", OTHER, quad))


def test_ink_spread_does_not_move_similar_edges() -> None:
    card, quad = label(TRUE, gain=1)        # bars one pixel wider, spaces one narrower
    assert not denied(card, make_detection("ean13", TRUE, quad))
    assert denied(card, make_detection("ean13", OTHER, quad))


def test_what_cannot_be_measured_vouches_for_nothing() -> None:
    card, quad = label(TRUE)
    flat = np.full_like(card, 200)
    assert not denied(flat, make_detection("ean13", OTHER, quad))
    assert not denied(card, make_detection("code128", "ABC", quad))   # not EAN/UPC: kept
    assert len(expected_widths(TRUE)) == 12 and len(expected_widths("96385074")) == 8


def band(gap: int) -> tuple[np.ndarray, int, int]:
    """A mean-row band: bars from 60 to 250 px, then a stray bar ``gap`` px after them."""
    row = np.full(400, 220, np.uint8)
    row[60:250:4] = 20
    if gap:
        row[250 + gap:250 + gap + 3] = 20
    return np.tile(row, (8, 1)), 60, 250


def test_zbar_alone_needs_its_quiet_zones() -> None:
    assert quiet_zones_hold(*band(0), "ean13", TRUE)
    assert not quiet_zones_hold(*band(8), "ean13", TRUE)       # a bar 4 modules on
    assert quiet_zones_hold(*band(4), "ean13", TRUE)           # 2 modules on: part of a guard
    clipped, x0, x1 = band(0)
    assert not quiet_zones_hold(clipped[:, :260], x0, x1, "ean13", TRUE)   # the crop ends


def test_zbar_alone_needs_its_check_digit() -> None:
    assert check_holds("ean13", TRUE) and not check_holds("ean13", TRUE[:-1] + "0")
    assert check_holds("code128", "anything")       # zbar checks Code 128's own checksum
    assert modules("code128", "0109506000134352") == 11 * (8 + 2) + 13
