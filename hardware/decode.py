"""The decoding pipeline: camera frame in, product codes with position and angle out.

zxing-cpp reads the whole frame first: it is the most accurate decoder we have and reads matrix
codes at any angle, but it misses 1D codes tilted by roughly 20-70 degrees. OpenCV's barcode
locator finds 1D codes at any angle; each located box is straightened and decoded by zxing-cpp,
with zbar (pyzbar) as the second opinion where zxing-cpp fails and as a check of its EAN/UPC
reads. OpenCV's own decoded values are never used: it misreads Code 128 as EAN-13. The box also
gives 1D codes their true position and angle, which zxing-cpp reports along its scan lines.
``python -m bench.scan`` measures the choices made here.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

import cv2
import numpy as np
import zxingcpp

from hardware.boxes import Straightened, apply_affine, bars_normal, covers, straighten
from hardware.gs1 import expand_upce, gtin_from_content
from hardware.symbologies import FORMATS, LINEAR, format_name

log = logging.getLogger(__name__)

Point = tuple[float, float]
Pass = tuple[list[zxingcpp.BarcodeFormat], dict[str, bool]]

FULL_EFFORT_PIXELS = 1_000_000   # up to this size zxing-cpp gets every option in one pass
MAX_LOCATED = 8                  # located boxes examined per frame: bounds the cost of clutter
LOCATOR_MIN_SIDE = 32            # the locator needs some room; zxing-cpp reads even 1 px rows
LOCATOR_GRADIENT = 32            # OpenCV's default 64 misses small UPC-E (bench: 8 -> 3 of 480)
SHORT_CODES = ("upce", "ean8")   # their bars also occur inside EAN-13 and UPC-A symbols
ZBAR_TYPES = {"EAN13": "ean13", "EAN8": "ean8", "UPCA": "upca", "UPCE": "upce",
              "CODE128": "code128"}
ZBAR_TURNS = {"UP": 0, "LEFT": 1, "DOWN": 2, "RIGHT": 3}   # quarter turns counter-clockwise


@dataclass(frozen=True)
class Detection:
    """One code read in a frame; ``gtin`` is set when the content identifies a product."""

    format: str                                 # a key of hardware.symbologies.FORMATS
    text: str                                   # decoded content (untrusted; may be anything)
    gtin: str | None                            # gtin_from_content(text, format)
    corners: tuple[tuple[float, float], ...]    # 4 corners in full-frame pixels
    center: tuple[float, float]                 # full-frame pixels
    angle: float                                # degrees counter-clockwise in [0, 360)


class Decoder:
    """Reads the enabled formats in frames; one instance per thread (it holds OpenCV state).

    Unknown format names raise ValueError; an empty ``formats`` reads nothing.
    """

    def __init__(self, formats: Iterable[str] = tuple(FORMATS), *, locate_tilted: bool = True,
                 second_opinion: bool = True) -> None:
        names = tuple(dict.fromkeys(formats))
        unknown = [name for name in names if name not in FORMATS]
        if unknown:
            raise ValueError(f"unknown barcode format(s) {', '.join(map(repr, unknown))}; "
                             f"known: {', '.join(FORMATS)}")
        self.formats = frozenset(names)
        self._zx_all = [FORMATS[name] for name in names]
        self._zx_linear = [FORMATS[name] for name in names if name in LINEAR]
        self._locator = None
        if locate_tilted and self._zx_linear:
            self._locator = cv2.barcode.BarcodeDetector()
            self._locator.setGradientThreshold(LOCATOR_GRADIENT)
        self._zbar = _load_zbar() if second_opinion and self._locator else None
        self._passes = _large_image_passes(names) if self._locator else [(self._zx_all, {})]

    def decode(self, frame: np.ndarray,
               region: tuple[int, int, int, int] | None = None) -> list[Detection]:
        """All codes in ``frame`` (HxW gray or HxWx3 BGR uint8), in full-frame coordinates.

        ``region`` (x, y, w, h) limits decoding to that crop, clipped to the frame. Anything that
        is not an 8-bit image (empty, other dtype, odd shape) gives [] rather than an error, so a
        camera glitch never stops the scanner thread; BGRA and HxWx1 frames are accepted too.
        """
        gray = _to_gray(frame)
        if gray is None or not self._zx_all:
            return []
        x0, y0 = 0, 0
        if region is not None:
            clipped = _clip(region, gray.shape)
            if clipped is None:
                return []
            x0, y0, x1, y1 = clipped
            gray = gray[y0:y1, x0:x1]
        gray = np.ascontiguousarray(gray)
        found, boxed = self._read_whole(gray), []
        if self._locator is not None and min(gray.shape) >= LOCATOR_MIN_SIDE:
            found, boxed = self._read_located(gray, found)
        settled = [self._settle_unboxed(d, gray) if d.format in LINEAR else d for d in found]
        found = _unique(boxed + [d for d in settled if d is not None])
        return [_shifted(d, x0, y0) for d in found] if x0 or y0 else found

    def _read_whole(self, gray: np.ndarray) -> list[Detection]:
        """zxing-cpp on the whole image, in the passes that fit the image's size."""
        passes = self._passes if gray.size > FULL_EFFORT_PIXELS else [(self._zx_all, {})]
        return _unique([d for formats, options in passes for d in self._zxing(gray, formats,
                                                                              **options)])

    def _read_located(self, gray: np.ndarray,
                      found: list[Detection]) -> tuple[list[Detection], list[Detection]]:
        """Check 1D codes read on a tilt against their straightened box; decode new boxes.

        Reading tilted bars along horizontal scan lines can misread (an EAN-13 at 30 degrees
        has read as a UPC-E), so only reads close to the image axes stand on their own.
        Returns the reads outside any box, and the codes settled on their boxes.
        """
        boxed: list[Detection] = []
        for box in self._locate(gray)[:MAX_LOCATED]:
            members = [d for d in found if covers(box, d.center)]
            middle = tuple(box.mean(axis=0))
            if any(d.format not in LINEAR for d in members) or any(
                    covers(d.corners, middle) for d in (*found, *boxed) if d not in members):
                continue
            found = [d for d in found if d not in members]
            boxed += self._resolve(gray, box, members)
        return found, boxed

    def _resolve(self, gray: np.ndarray, box: np.ndarray,
                 members: list[Detection]) -> list[Detection]:
        """What stands in ``box``: reads near the axes as they are, or what the crop says."""
        fitted = [_fit_to_box(d, gray, box) for d in members]
        if fitted and all(_near_axis(d.angle) for d in fitted):
            return fitted if len(fitted) == 1 else members
        detection, conflict = self._read_box(gray, box)
        if detection is not None:
            return [_fit_to_box(detection, gray, box)]
        return [] if conflict else fitted

    def _settle_unboxed(self, detection: Detection, gray: np.ndarray) -> Detection | None:
        """A 1D code zxing-cpp read on a few scan lines only, and the locator missed.

        It gets a square box at the angle of its bars (its height is unknown); when that angle
        is a tilt, the box is decoded straightened like a located one.
        """
        (ax, ay), (bx, by), _, (dx, dy) = detection.corners
        length = math.hypot(bx - ax, by - ay)
        if math.hypot(dx - ax, dy - ay) >= 0.25 * length:
            return detection
        (cx, cy), half = detection.center, length / 2
        box = np.float32([(cx - half, cy - half), (cx + half, cy - half),
                          (cx + half, cy + half), (cx - half, cy + half)])
        if self._locator is None:
            return _fit_to_box(detection, gray, box)
        kept = self._resolve(gray, box, [detection])
        return kept[0] if kept else None

    def _locate(self, gray: np.ndarray) -> list[np.ndarray]:
        """Boxes (4x2, image pixels) of likely 1D codes, largest first.

        The locator downsamples internally, so it gets the full-resolution image.
        """
        assert self._locator is not None
        try:
            ok, points = self._locator.detect(gray)
        except cv2.error as error:
            log.debug("barcode locator failed on a %s image: %s", gray.shape, error)
            return []
        if not ok or points is None:
            return []
        boxes = [np.float32(p).reshape(4, 2) for p in np.asarray(points).reshape(-1, 4, 2)]
        return sorted(boxes, key=lambda b: -abs(cv2.contourArea(b)))

    def _read_box(self, gray: np.ndarray, box: np.ndarray) -> tuple[Detection | None, bool]:
        """Straighten one located box and decode it; True when the decoders disagree.

        zxing-cpp reads; zbar is the second opinion where zxing-cpp fails and the check where
        it reads EAN/UPC, which carry a single check digit (Code 128 has a strong checksum).
        On straightened crops zbar made no misreads where zxing-cpp made a few; disagreement
        gives nothing, as a wrong product is worse than a code read one frame later.
        """
        straight = straighten(gray, box)
        if straight is None:
            return None, False
        options = {"try_rotate": False, "try_downscale": False} if straight.along_x else {}
        ours = _unique(self._zxing(straight.crop, self._zx_linear, straight.back, **options))
        if len({d.text for d in ours}) > 1:    # one box, several contents: nothing is sure
            return None, True
        theirs: list[Detection] = []
        if self._zbar is not None and (not ours or any(d.format != "code128" for d in ours)):
            theirs = _zbar_read(self._zbar, straight, self.formats)
        agreed = [d for d in ours if any(_same_code(d, t) for t in theirs)]
        if agreed:
            return agreed[0], False
        ours = [d for d in ours if not _partly_covered(straight, d)]
        theirs = [d for d in theirs if not _partly_covered(straight, d)]
        if ours and theirs:
            return None, True
        return (ours or theirs or [None])[0], False

    def _zxing(self, image: np.ndarray, formats: list[zxingcpp.BarcodeFormat],
               back: np.ndarray | None = None, **options: bool) -> list[Detection]:
        """zxing-cpp's reads of ``image``; ``back`` maps a crop's pixels to the image's."""
        found = []
        for result in zxingcpp.read_barcodes(image, formats=formats,
                                             text_mode=zxingcpp.TextMode.Plain, **options):
            # Content zxing-cpp cannot transcode (mixed or unknown ECI) has no text: keep bytes.
            text = result.text or result.bytes.decode("latin-1")
            name = _our_name(format_name(result.format), text, self.formats)
            if name is not None:
                p = result.position
                quad = [(float(c.x), float(c.y))
                        for c in (p.top_left, p.top_right, p.bottom_right, p.bottom_left)]
                found.append(make_detection(name, text, quad if back is None
                                            else apply_affine(back, quad)))
        return found


def _large_image_passes(names: Sequence[str]) -> list[Pass]:
    """zxing-cpp passes for large frames when the locator is on, within the time budget.

    1D codes need no rotated pass: the locator finds them at any angle. zxing-cpp's Data Matrix
    detector reads only within about 45 degrees of upright without ``try_rotate``; its own pass
    tries all four directions but skips inverted (light on dark) symbols, which doubles its cost.
    """
    others = [FORMATS[name] for name in names if name != "datamatrix"]
    passes: list[Pass] = [(others, {"try_rotate": False})] if others else []
    if "datamatrix" in names:
        passes.append(([FORMATS["datamatrix"]],
                       {"try_rotate": True, "try_invert": False, "try_downscale": False}))
    return passes


def make_detection(fmt: str, text: str, quad: Sequence[Point]) -> Detection:
    """A Detection whose corners run top-left, top-right, bottom-right, bottom-left of the code.

    The angle is the direction from the code's top-left to its top-right corner, counter-
    clockwise on screen (the image's y axis points down).
    """
    corners = tuple((float(x), float(y)) for x, y in quad)
    (ax, ay), (bx, by) = corners[0], corners[1]
    center = (sum(x for x, _ in corners) / 4, sum(y for _, y in corners) / 4)
    return Detection(format=fmt, text=text, gtin=gtin_from_content(text, fmt), corners=corners,
                     center=center, angle=_degrees(math.atan2(ay - by, bx - ax)))


def _same_code(a: Detection, b: Detection) -> bool:
    """The same content, whatever each decoder calls the symbol (UPC-A is an EAN-13)."""
    return a.gtin == b.gtin if a.gtin or b.gtin else a.text == b.text


def _near_axis(angle: float) -> bool:
    """Within 10 degrees of the image axes, where scan lines cross the bars squarely."""
    return min(angle % 90.0, 90.0 - angle % 90.0) <= 10.0


def _degrees(radians: float) -> float:
    """An angle in [0, 360), to a hundredth of a degree (359.999... becomes 0)."""
    return round(math.degrees(radians) % 360.0, 2) % 360.0


def _fit_to_box(detection: Detection, gray: np.ndarray, box: np.ndarray) -> Detection:
    """A 1D detection placed on its box, at the angle of its bars.

    The bars' normal gives the reading axis; of its two directions, the one nearer the
    decoder's own orientation wins, so upside-down codes keep their 180 degrees.
    """
    (cx, cy), (w, h), theta = cv2.minAreaRect(box)
    axis = bars_normal(gray, box)
    if axis is None:
        axis = -math.radians(theta)
    rough = math.radians(detection.angle)
    angle = rough - ((rough - axis + math.pi / 2) % math.pi - math.pi / 2)
    length, height = (w, h) if abs(math.cos(angle + math.radians(theta))) >= 0.7071 else (h, w)
    rx, ry = math.cos(angle) * length / 2, -math.sin(angle) * length / 2
    ux, uy = -math.sin(angle) * height / 2, -math.cos(angle) * height / 2
    corners = ((cx - rx + ux, cy - ry + uy), (cx + rx + ux, cy + ry + uy),
               (cx + rx - ux, cy + ry - uy), (cx - rx - ux, cy - ry - uy))
    return replace(detection, corners=tuple((float(x), float(y)) for x, y in corners),
                   center=(float(cx), float(cy)), angle=_degrees(angle))


def _our_name(name: str | None, text: str, enabled: frozenset[str]) -> str | None:
    """Our format name, calling an EAN-13 with a leading 0 a UPC-A when UPC-A is enabled.

    Both are the same symbol; zxing-cpp 3 names it EAN-13 when both formats are enabled.
    """
    if name == "ean13" and "upca" in enabled and len(text) == 13 and text.startswith("0"):
        name = "upca"
    return name if name in enabled else None


def _to_gray(frame: object) -> np.ndarray | None:
    """A 2-D uint8 view or copy of ``frame``, or None when it is not an 8-bit image."""
    if not isinstance(frame, np.ndarray) or frame.dtype != np.uint8 or frame.size == 0:
        return None
    if frame.ndim == 3 and frame.shape[2] == 1:
        frame = frame[:, :, 0]
    if frame.ndim == 2:
        return frame
    if frame.ndim == 3 and frame.shape[2] in (3, 4):
        code = cv2.COLOR_BGR2GRAY if frame.shape[2] == 3 else cv2.COLOR_BGRA2GRAY
        return cv2.cvtColor(np.ascontiguousarray(frame), code)
    return None


def _clip(region: Sequence[int], shape: tuple[int, ...]) -> tuple[int, int, int, int] | None:
    """(x0, y0, x1, y1) of ``region`` inside an image of ``shape``, None when nothing is left."""
    try:
        x, y, w, h = (int(v) for v in region)
    except (TypeError, ValueError):
        return None
    x0, y0, x1, y1 = max(0, x), max(0, y), min(shape[1], x + w), min(shape[0], y + h)
    return (x0, y0, x1, y1) if x1 > x0 and y1 > y0 else None


def _partly_covered(straight: Straightened, detection: Detection) -> bool:
    """True for a UPC-E or EAN-8 spanning under half the box: a short code found inside the
    bars of a longer one (bench: blurred UPC-As read as UPC-E at 41-44%; true UPC-E 45%+)."""
    (ax, ay), (bx, by) = detection.corners[:2]
    return (straight.along_x and detection.format in SHORT_CODES
            and math.hypot(bx - ax, by - ay) < 0.5 * straight.length)


def _unique(detections: list[Detection]) -> list[Detection]:
    """Drop repeats of a code found by several paths: same text, overlapping position."""
    kept: list[Detection] = []
    for d in detections:
        if not any(k.text == d.text and (covers(k.corners, d.center) or
                                         covers(d.corners, k.center)) for k in kept):
            kept.append(d)
    return kept


def _shifted(detection: Detection, dx: int, dy: int) -> Detection:
    """``detection`` moved from region to frame pixels."""
    return replace(detection, corners=tuple((x + dx, y + dy) for x, y in detection.corners),
                   center=(detection.center[0] + dx, detection.center[1] + dy))


def _load_zbar() -> Callable[..., list] | None:
    """pyzbar's decode, or None (with a warning) when pyzbar or libzbar cannot be loaded."""
    try:
        from pyzbar import pyzbar
    except ImportError as error:
        log.warning("second opinion disabled: pyzbar/libzbar unavailable (%s)", error)
        return None
    symbols = [getattr(pyzbar.ZBarSymbol, name) for name in ZBAR_TYPES]
    return lambda image: pyzbar.decode(image, symbols=symbols)


def _zbar_read(decode: Callable[..., list], straight: Straightened,
               enabled: frozenset[str]) -> list[Detection]:
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
        name = _our_name(name, text, enabled)
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
