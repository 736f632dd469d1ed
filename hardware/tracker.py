"""Barcode detections of one camera, frame after frame, turned into Placed/Removed events.

Decoders see codes, not products: a box may show its code twice, a code may be missed for a few
frames, and a misread can pass for a real code once. The tracker keeps one record per product,
ignores jitter, asks for a second sighting before trusting a code the catalog does not know, and
only lets a product go after it has been gone for a while.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from hardware.events import Placed, Removed
from hardware.gtin import is_valid_gtin, to_gtin14

if TYPE_CHECKING:
    from hardware.decoding.detection import Detection

log = logging.getLogger(__name__)

AGREE_DISTANCE = 0.05
"""How close (table fractions) the second sighting of an unknown code must be to the first."""
MOVE_DISTANCE = 0.03
"""A product moved when its centre shifted more than this (table fractions); less is jitter,
or the decoder boxing a code a little differently in a crop than in the whole frame. A panel
need not follow a product nudged by a few centimetres."""
TURN_DEGREES = 5.0
"""A product turned when its angle changed more than this; less is jitter."""
MIN_PAD_PX = 16
"""Regions grow by at least this many pixels, so a tiny code box still has room to move."""
ANGLE_STEP_PX = 8.0
"""How far along the code's direction the second point for the angle correction lies."""
Box = tuple[float, float, float, float]
"""x0, y0, x1, y1 in camera pixels."""
Region = tuple[int, int, int, int]
"""x, y, width, height in camera pixels, as the decoder takes regions."""


def normalise_angle(degrees: float) -> float:
    """The same direction in [0, 360), the decoder's convention."""
    turned = degrees % 360.0
    return 0.0 if turned >= 360.0 else turned


def angle_between(a: float, b: float) -> float:
    """The smaller turn from ``a`` to ``b``, in degrees (0..180)."""
    return abs((a - b + 180.0) % 360.0 - 180.0)


class TableMapping:
    """Camera pixels to table fractions through a homography, angles included.

    Fractions stretch the table to a unit square, which would bend angles on a wide table, so
    angles are measured after undoing that stretch: the table's aspect ratio is read from how
    the camera sees its edges (the camera is assumed to have square pixels).
    """

    def __init__(self, homography: np.ndarray) -> None:
        matrix = np.asarray(homography, dtype=np.float64)
        if matrix.shape != (3, 3) or not np.all(np.isfinite(matrix)):
            raise ValueError("the homography must be a finite 3x3 matrix")
        if abs(np.linalg.det(matrix)) < 1e-18:
            raise ValueError("the homography is singular: it cannot map the camera to the table")
        self.matrix = matrix
        inverse = np.linalg.inv(matrix)
        corners = [self._apply(inverse, x, y) for x, y in ((0, 0), (1, 0), (1, 1), (0, 1))]
        horizontal = math.dist(corners[0], corners[1]) + math.dist(corners[3], corners[2])
        vertical = math.dist(corners[0], corners[3]) + math.dist(corners[1], corners[2])
        ratio = horizontal / vertical if vertical > 0 else 1.0
        self.aspect = ratio if math.isfinite(ratio) and ratio > 0 else 1.0

    @staticmethod
    def _apply(matrix: np.ndarray, x: float, y: float) -> tuple[float, float]:
        u, v, w = matrix @ np.array([x, y, 1.0])
        if abs(w) < 1e-12:
            return math.inf, math.inf
        return float(u / w), float(v / w)

    def point(self, x: float, y: float) -> tuple[float, float]:
        """Table fractions of a camera pixel, unclamped (may be infinite at the horizon)."""
        return self._apply(self.matrix, x, y)

    def angle(self, x: float, y: float, degrees: float) -> float:
        """The camera angle (ccw, y down) at pixel ``x, y`` as seen on the table."""
        radians = math.radians(degrees)
        ahead = (x + ANGLE_STEP_PX * math.cos(radians), y - ANGLE_STEP_PX * math.sin(radians))
        x0, y0 = self.point(x, y)
        x1, y1 = self.point(*ahead)
        return normalise_angle(math.degrees(math.atan2(-(y1 - y0), (x1 - x0) * self.aspect)))


@dataclass
class _Sighting:
    """One detection of a product, in table terms."""

    code: str
    position: tuple[float, float]
    angle: float
    box: Box
    area: float


@dataclass
class _Track:
    """A product on the table: where we last said it was, and when we last saw it."""

    position: tuple[float, float]
    angle: float
    box: Box
    seen: float
    confirmed: bool = True


@dataclass
class _Candidate:
    """A valid but unknown code seen once, waiting for a second look."""

    position: tuple[float, float]
    box: Box
    update: int


def _box(corners: Sequence[tuple[float, float]], center: tuple[float, float]) -> Box:
    points = list(corners) or [center]
    xs = [float(p[0]) for p in points]
    ys = [float(p[1]) for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def _area(corners: Sequence[tuple[float, float]]) -> float:
    """Polygon area by the shoelace formula; 0 for fewer than three corners."""
    total = 0.0
    for (x0, y0), (x1, y1) in zip(corners, [*corners[1:], *corners[:1]], strict=True):
        total += x0 * y1 - x1 * y0
    return abs(total) / 2.0


def _clamp(value: float) -> float:
    return min(max(value, 0.0), 1.0)


class Tracker:
    """One camera's products: which are on the table, where, and since when they are gone."""

    def __init__(self, source: str, homography: np.ndarray, known: Callable[[str], bool],
                 absent_s: float = 0.7) -> None:
        """``homography`` maps camera pixels to table fractions; ``known(gtin14)`` asks the
        catalog whether it knows a code (known codes are trusted on first sight)."""
        if not absent_s > 0:
            raise ValueError("absent_s must be positive")
        self.source = source
        self.mapping = TableMapping(homography)
        self.absent_s = absent_s
        self._known = known
        self._tracks: dict[str, _Track] = {}
        self._candidates: dict[str, _Candidate] = {}
        self._updates = 0
        self._ignored: set[str] = set()

    def update(self, detections: Sequence[Detection], t: float, *,
               still: bool = False, covered: Region | None = None) -> list[Placed | Removed]:
        """Feed one decode's detections at time ``t``; returns the events it caused.

        ``still`` marks a re-check of ``regions()`` on a frame the camera found unchanged: what
        it finds is still there, where the last full decode put it. (Decoding a crop can place
        a code's box a little differently; taking that as a move would make products wander.)
        ``covered`` is the part of the frame that was decoded (None: all of it); a product in
        it that the decode did not find is no longer vouched for by ``refresh``.
        """
        self._updates += 1
        events: list[Placed | Removed] = []
        found = {sighting.code for sighting in self._sightings(detections)}
        if not still:
            for code, track in self._tracks.items():
                if covered is None or _overlaps(track.box, covered):
                    track.confirmed = code in found
        for sighting in self._sightings(detections):
            code = sighting.code
            track = self._tracks.get(code)
            if track is not None:
                track.seen = t
                if still:
                    continue
                track.box = sighting.box
                if (math.dist(track.position, sighting.position) > MOVE_DISTANCE
                        or angle_between(track.angle, sighting.angle) > TURN_DEGREES):
                    track.position, track.angle = sighting.position, sighting.angle
                    events.append(self._placed(sighting, t))
                continue
            candidate = self._candidates.get(code)
            if still and candidate is not None and candidate.update == self._updates - 1:
                sighting.position, sighting.box = candidate.position, candidate.box
            if self._known(code) or self._agrees(sighting):
                self._candidates.pop(code, None)
                self._tracks[code] = _Track(sighting.position, sighting.angle, sighting.box, t)
                events.append(self._placed(sighting, t))
            else:
                self._candidates[code] = _Candidate(sighting.position, sighting.box,
                                                    self._updates)
        self._candidates = {code: candidate for code, candidate in self._candidates.items()
                            if candidate.update == self._updates}
        events.extend(self.expire(t))
        return events

    def refresh(self, t: float, changed: Region | None = None) -> None:
        """The camera saw no change (outside ``changed``): products the last decode of their
        place found are still there. This keeps a still table alive without decoding it."""
        for track in self._tracks.values():
            if track.confirmed and (changed is None or not _overlaps(track.box, changed)):
                track.seen = t

    @property
    def awaiting(self) -> bool:
        """Whether an unknown code waits for the second sighting that would accept it."""
        return bool(self._candidates)

    def expire(self, t: float) -> list[Removed]:
        """Let go of products unseen for ``absent_s``; for frames that were not decoded."""
        limit = self.absent_s - 1e-9  # times are floats: 10.9 - 10.2 may fall short of 0.7
        gone = [code for code, track in self._tracks.items() if t - track.seen >= limit]
        for code in gone:
            del self._tracks[code]
        return [Removed(code, self.source, t) for code in gone]

    def clear(self, t: float) -> list[Removed]:
        """Forget everything (end of input, lost camera): every product is removed now."""
        gone = list(self._tracks)
        self._tracks.clear()
        self._candidates.clear()
        return [Removed(code, self.source, t) for code in gone]

    def regions(self, margin: float = 0.6) -> list[tuple[int, int, int, int]]:
        """``(x, y, w, h)`` camera-pixel boxes around tracked products and codes awaiting a
        second look, each code box grown by ``margin`` of its larger side on every side."""
        if margin < 0:
            raise ValueError("margin must not be negative")
        boxes = [track.box for track in self._tracks.values()]
        boxes += [candidate.box for candidate in self._candidates.values()]
        regions: list[tuple[int, int, int, int]] = []
        for x0, y0, x1, y1 in boxes:
            pad = max(MIN_PAD_PX, margin * max(x1 - x0, y1 - y0))
            left, top = max(0, math.floor(x0 - pad)), max(0, math.floor(y0 - pad))
            right, bottom = math.ceil(x1 + pad), math.ceil(y1 + pad)
            regions.append((left, top, right - left, bottom - top))
        return regions

    def tracked(self) -> list[str]:
        """Codes (GTIN-14) of the products on the table, oldest first."""
        return list(self._tracks)

    def _agrees(self, sighting: _Sighting) -> bool:
        """True when the previous update saw this unknown code at about the same place."""
        candidate = self._candidates.get(sighting.code)
        return (candidate is not None and candidate.update == self._updates - 1
                and math.dist(candidate.position, sighting.position) <= AGREE_DISTANCE)

    def _placed(self, sighting: _Sighting, t: float) -> Placed:
        return Placed(sighting.code, self.source, sighting.position, sighting.angle, t)

    def _sightings(self, detections: Sequence[Detection]) -> list[_Sighting]:
        """One sighting per product: the closest to where it was, else the largest code."""
        chosen: dict[str, _Sighting] = {}
        for detection in detections:
            sighting = self._sighting(detection)
            if sighting is None:
                continue
            previous = chosen.get(sighting.code)
            if previous is None or self._better(sighting, previous):
                chosen[sighting.code] = sighting
        return list(chosen.values())

    def _better(self, new: _Sighting, old: _Sighting) -> bool:
        track = self._tracks.get(new.code)
        if track is not None:  # both sides of one box: stay with the side we follow
            return math.dist(new.position, track.position) < math.dist(old.position,
                                                                       track.position)
        return new.area > old.area

    def _sighting(self, detection: Detection) -> _Sighting | None:
        gtin = detection.gtin
        if not gtin or not is_valid_gtin(gtin):
            self._note_ignored(detection.text)
            return None
        cx, cy = (float(value) for value in detection.center)
        x, y = self.mapping.point(cx, cy)
        if not (math.isfinite(x) and math.isfinite(y)):
            return None  # beyond the table's horizon: not on the table
        angle = self.mapping.angle(cx, cy, float(detection.angle))
        if not math.isfinite(angle):
            angle = normalise_angle(float(detection.angle))
        corners = [(float(px), float(py)) for px, py in detection.corners]
        return _Sighting(to_gtin14(gtin), (_clamp(x), _clamp(y)), angle,
                         _box(corners, (cx, cy)), _area(corners))

    def _note_ignored(self, text: str) -> None:
        """Log a code that is no product once, not every frame."""
        if text in self._ignored:
            return
        if len(self._ignored) >= 256:
            self._ignored.clear()
        self._ignored.add(text)
        log.info("camera %s sees a code that is no GTIN, ignored: %r", self.source, text[:80])


def _overlaps(box: Box, region: Region) -> bool:
    """Whether a code box (x0, y0, x1, y1) and a region (x, y, w, h) share any pixel."""
    x, y, width, height = region
    return box[0] < x + width and x < box[2] and box[1] < y + height and y < box[3]
