"""Where the camera looks: the camera-to-table homography, found from ArUco markers.

The table's own screen shows a board of markers whose positions we know in table fractions;
finding them in one camera frame gives the mapping the tracker needs to turn a barcode's pixel
position into a place on the table, whatever the camera's mounting and keystone.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import cv2
import numpy as np

DICTIONARY = cv2.aruco.DICT_4X4_50
MARKER_HEIGHT = 0.10
"""Marker side as a fraction of the screen height: large enough for a far, tilted camera."""
MARGIN = 0.6
"""White margin between a marker and the screen's edge, in marker sides (its quiet zone)."""
MIN_GAP = 0.5
"""Smallest white gap between two markers, in marker sides."""
RANSAC_PX = 4.0
"""A corner farther than this from the fitted homography (screen pixels) is an outlier."""


class CalibrationError(ValueError):
    """The frame does not show enough of the board to calibrate; the message says what to do."""


@dataclass(frozen=True, eq=False)
class Board:
    """What to show full-screen on the table, and where each marker's corners are on it."""

    image: np.ndarray
    marker_corners: dict[int, np.ndarray]


@dataclass(frozen=True, eq=False)
class Calibration:
    """The homography from camera pixels to table fractions, and how well it fits."""

    camera_to_table: np.ndarray
    reprojection_error: float
    markers_found: int


def _dictionary() -> cv2.aruco.Dictionary:
    return cv2.aruco.getPredefinedDictionary(DICTIONARY)


def _grid(markers: int, aspect: float) -> tuple[int, int]:
    """Columns and rows with the fewest empty cells, shaped most like the screen."""
    options = [(cols, math.ceil(markers / cols)) for cols in range(2, markers + 1)
               if math.ceil(markers / cols) >= 2]
    return min(options, key=lambda cr: (cr[0] * cr[1] - markers,
                                        abs(math.log(cr[0] / cr[1] / aspect))))


def _spread(cells: list[tuple[int, int]], cols: int, rows: int, count: int
            ) -> list[tuple[int, int]]:
    """Corners first, then the cell farthest from those chosen: edges and centre get covered."""
    corners = [(0, 0), (cols - 1, 0), (cols - 1, rows - 1), (0, rows - 1)]
    chosen = corners[:count]
    rest = [cell for cell in cells if cell not in chosen]
    while len(chosen) < count:
        best = max(rest, key=lambda c: min(math.dist(c, o) for o in chosen))
        chosen.append(best)
        rest.remove(best)
    return sorted(chosen, key=lambda cell: (cell[1], cell[0]))


def marker_board(screen_size: tuple[int, int], markers: int = 12) -> Board:
    """ArUco markers (DICT_4X4_50) on white, over corners, edges and centre of the screen."""
    width, height = screen_size
    if not 4 <= markers <= 50:
        raise ValueError(f"a board needs 4 to 50 markers, not {markers}")
    side = round(MARKER_HEIGHT * height)
    if side < 12:
        raise ValueError(f"a {width}x{height} screen is too small for calibration markers")
    cols, rows = _grid(markers, width / height)
    margin = round(MARGIN * side)
    step_x = (width - 2 * margin - side) / (cols - 1)
    step_y = (height - 2 * margin - side) / (rows - 1)
    if min(step_x, step_y) < (1 + MIN_GAP) * side:
        raise ValueError(f"{markers} markers do not fit on a {width}x{height} screen; use fewer")
    cells = list(itertools.product(range(cols), range(rows)))
    image = np.full((height, width, 3), 255, np.uint8)
    corners: dict[int, np.ndarray] = {}
    dictionary = _dictionary()
    for marker_id, (col, row) in enumerate(_spread(cells, cols, rows, markers)):
        left, top = round(margin + col * step_x), round(margin + row * step_y)
        marker = cv2.aruco.generateImageMarker(dictionary, marker_id, side, borderBits=1)
        image[top:top + side, left:left + side] = marker[:, :, None]
        square = np.float64([(left, top), (left + side, top), (left + side, top + side),
                             (left, top + side)]) / (width, height)
        square.flags.writeable = False
        corners[marker_id] = square
    image.flags.writeable = False
    return Board(image, corners)


def _detect(frame: np.ndarray) -> tuple[list[np.ndarray], list[int]]:
    """Marker corners (4x2, camera pixels, sub-pixel) and their ids."""
    gray = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY) if frame.ndim == 3 else frame
    parameters = cv2.aruco.DetectorParameters()
    parameters.cornerRefinementMethod = cv2.aruco.CORNER_REFINE_SUBPIX
    detector = cv2.aruco.ArucoDetector(_dictionary(), parameters)
    corners, ids, _rejected = detector.detectMarkers(gray)
    if ids is None:
        return [], []
    return [c.reshape(4, 2) for c in corners], [int(i) for i in ids.ravel()]


def calibrate(frame: np.ndarray, board: Board, screen_size: tuple[int, int]) -> Calibration:
    """Fit the camera-to-table homography to the board's markers seen in ``frame``.

    The error is the RMS distance, in screen pixels, between every detected corner mapped onto
    the table and where the board put it (RANSAC outliers included, so a bad fit shows).
    """
    if frame.ndim not in (2, 3) or frame.dtype != np.uint8:
        raise CalibrationError(f"the camera frame is not an 8-bit image ({frame.dtype}, "
                               f"{frame.shape})")
    width, height = screen_size
    found_corners, found_ids = _detect(frame)
    camera: list[np.ndarray] = []
    screen: list[np.ndarray] = []
    matched: set[int] = set()
    for corners, marker_id in zip(found_corners, found_ids, strict=True):
        if marker_id in board.marker_corners:
            camera.append(corners)
            screen.append(board.marker_corners[marker_id] * (width, height))
            matched.add(marker_id)
    total = len(board.marker_corners)
    if len(matched) < 4:
        raise CalibrationError(f"found {len(matched)} of {total} markers: is the camera seeing "
                               "the whole table? is the screen showing the calibration board?")
    source = np.concatenate(camera).astype(np.float64)
    target = np.concatenate(screen).astype(np.float64)
    to_screen, _inliers = cv2.findHomography(source, target, cv2.RANSAC, RANSAC_PX)
    if to_screen is None:
        raise CalibrationError(f"found {len(matched)} of {total} markers, but they do not fit "
                               "one flat table: is something reflecting the board?")
    mapped = cv2.perspectiveTransform(source[None], to_screen)[0]
    error = float(np.sqrt(np.mean(np.sum((mapped - target) ** 2, axis=1))))
    camera_to_table = np.diag([1 / width, 1 / height, 1.0]) @ to_screen
    return Calibration(camera_to_table / camera_to_table[2, 2], error, len(matched))
