"""EAN/UPC reads checked edge to similar edge: the last stage drops a read its own bars deny.

EAN and UPC carry a single check digit, and a photo whose bars print thinner or thicker than
their spaces can read as another valid number: one UPC-A photographed three times read, with
zxing-cpp and zbar alike, as the same wrong EAN-13 (bench: ``upca-4``). Both decoders measure
bars and spaces, which ink spread widens or narrows. The distance from one edge to the next edge
of the same kind (a bar plus the space after it) does not change with ink spread, and it tells
almost every digit and its parity apart (the scanner-standard "edge to similar edge" check).
Each read is measured along three lines across its symbol; a read that two of them deny and
none confirms is dropped (one denying line alone dropped 2 right reads of 215 photos), and a
line that cannot be measured (blur, too few pixels per module) vouches for nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

import cv2
import numpy as np

from hardware.decoding.detection import Detection
from hardware.decoding.stage import Frame, Timings

L_WIDTHS = ((3, 2, 1, 1), (2, 2, 2, 1), (2, 1, 2, 2), (1, 4, 1, 1), (1, 1, 3, 2),
            (1, 2, 3, 1), (1, 1, 1, 4), (1, 3, 1, 2), (1, 2, 1, 3), (3, 1, 1, 2))
"""Space, bar, space, bar widths (modules) of each digit's odd-parity (L) code; the even
parity (G) code is the same widths reversed, the right half (R) the L widths from a bar."""
FIRST_DIGIT_PARITY = ("LLLLLL", "LLGLGG", "LLGGLG", "LLGGGL", "LGLLGG",
                      "LGGLLG", "LGGGLL", "LGLGLG", "LGLGGL", "LGGLGL")
CHECKED = {"ean13": 13, "upca": 13, "ean8": 8}   # format -> digits in the read's text
LINE_OFFSETS = (-0.15, 0.0, 0.15)   # measured lines, as shares of the read's height from its middle
OFF_BY = 0.6         # modules an edge-to-edge distance may miss before a digit disagrees
DISAGREEING = 2      # digits that must disagree on a line before it denies the read
DENYING = 2          # lines that must deny a read, with none confirming it, to drop it
SAMPLES_PER_PX = 2   # profile samples per image pixel along a line


class EdgeChecked:
    """The last stage: EAN-13, UPC-A and EAN-8 reads that their bars deny are dropped."""

    name = "edge check"

    def run(self, frame: Frame, timings: Timings) -> None:
        """Drop denied reads from ``frame.found`` and ``frame.boxed``."""
        frame.found = [d for d in frame.found if not denied(frame.gray, d)]
        frame.boxed = [d for d in frame.boxed if not denied(frame.gray, d)]


def denied(gray: np.ndarray, detection: Detection) -> bool:
    """True when two lines across the symbol spell other digits and none confirms the read."""
    digits = CHECKED.get(detection.format)
    text = detection.text
    if digits is None or len(text) != digits or not text.isdigit():
        return False
    expected = np.array(expected_widths(text), dtype=np.float64)
    denials = 0
    for profile in profiles(gray, detection):
        verdict = line_verdict(profile, expected)
        if verdict:
            return False          # one line that spells the read is enough
        denials += verdict is False
    return denials >= DENYING


def expected_widths(text: str) -> list[tuple[int, ...]]:
    """The (T1, T2) edge-to-similar-edge distances, in modules, of each encoded digit."""
    if len(text) == 13:
        parity, left, right = FIRST_DIGIT_PARITY[int(text[0])], text[1:7], text[7:]
    else:
        parity, left, right = "LLLL", text[:4], text[4:]
    pairs = []
    for digit, kind in zip(left, parity, strict=True):
        widths = L_WIDTHS[int(digit)] if kind == "L" else L_WIDTHS[int(digit)][::-1]
        pairs.append((widths[0] + widths[1], widths[1] + widths[2]))
    for digit in right:
        widths = L_WIDTHS[int(digit)]
        pairs.append((widths[0] + widths[1], widths[1] + widths[2]))
    return pairs


def profiles(gray: np.ndarray, detection: Detection) -> Iterator[np.ndarray]:
    """Brightness along lines across the symbol, in reading order, a little past its ends."""
    c = np.asarray(detection.corners, dtype=np.float64)
    start, end = (c[0] + c[3]) / 2, (c[1] + c[2]) / 2
    across = (c[3] + c[2]) / 2 - (c[0] + c[1]) / 2
    length = float(np.hypot(*(end - start)))
    if length < 20:
        return
    along = (end - start) / length
    start, end = start - 4 * along * length / 95, end + 4 * along * length / 95
    count = int(np.hypot(*(end - start)) * SAMPLES_PER_PX)
    steps = np.linspace(0.0, 1.0, count, dtype=np.float64)[:, None]
    for share in LINE_OFFSETS:
        points = start + steps * (end - start) + share * across
        xy = points.astype(np.float32).reshape(1, -1, 2)
        line = cv2.remap(gray, xy[..., 0], xy[..., 1], cv2.INTER_LINEAR,
                         borderMode=cv2.BORDER_REPLICATE)
        yield line.reshape(-1).astype(np.float32)


def line_verdict(profile: np.ndarray, expected: np.ndarray) -> bool | None:
    """True: the line spells the read's digits (``expected``: ``expected_widths``); False: at
    least ``DISAGREEING`` digits differ; None: the line does not split into the symbol's bars
    and spaces."""
    elements = element_widths(profile)
    digits = len(expected)
    if elements is None or len(elements) != 3 + 4 * digits + 5 + 3:   # guards and digits
        return None
    left = elements[3:3 + 4 * (digits // 2)]
    right = elements[3 + 4 * (digits // 2) + 5:-3]
    e = np.concatenate((left, right)).reshape(digits, 4)
    module = e.sum(axis=1) / 7.0
    t1, t2 = (e[:, 0] + e[:, 1]) / module, (e[:, 1] + e[:, 2]) / module
    wrong = (np.abs(t1 - expected[:, 0]) > OFF_BY) | (np.abs(t2 - expected[:, 1]) > OFF_BY)
    return int(np.count_nonzero(wrong)) < DISAGREEING


def element_widths(profile: np.ndarray) -> np.ndarray | None:
    """Widths (samples) of the runs from the first dark run to the last, from the crossings
    of the level halfway between the line's dark and light (its 5th and 95th percentiles, so
    a few noisy samples do not set them); None on a flat line."""
    last, tail = profile.size - 1, profile.size // 20
    ranked = np.partition(profile, (tail, last - tail))
    dark, light = float(ranked[tail]), float(ranked[last - tail])
    if light - dark < 30:
        return None
    level = (dark + light) / 2
    below = profile < level
    edges = np.flatnonzero(below[1:] != below[:-1])
    if edges.size < 4:
        return None
    a, b = profile[edges], profile[edges + 1]
    crossings = edges + (a - level) / (a - b)      # sub-sample position of each crossing
    if not below[edges[0] + 1]:
        crossings = crossings[1:]                  # the line starts on a bar: skip its end
    if crossings.size % 2:
        crossings = crossings[:-1]                 # end on the last bar's trailing edge
    return np.diff(crossings) if crossings.size >= 2 else None
