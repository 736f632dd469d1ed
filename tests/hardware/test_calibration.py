"""Calibration: the board shown on the table, seen by a camera, gives the camera's mapping."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from hardware.calibration import Board, CalibrationError, calibrate, marker_board
from hardware.virtual_camera import VirtualCamera

SCREEN = (1920, 1080)
TABLE_POINTS = np.float64([[(x, y) for x in np.linspace(0.05, 0.95, 7)
                            for y in np.linspace(0.05, 0.95, 5)]])


def seen_board(board: Board, cam: VirtualCamera | None = None) -> tuple[np.ndarray, VirtualCamera]:
    """A frame of the virtual camera while the table shows ``board``."""
    cam = cam or VirtualCamera(paced=False)
    cam.open()
    cam.show(board.image)
    result = cam.read()
    assert result is not None
    return result[0], cam


def mapping_error(camera_to_table: np.ndarray, table_to_camera: np.ndarray,
                  points: np.ndarray = TABLE_POINTS) -> float:
    """Largest distance (table fractions) between the fitted and the true mapping."""
    pixels = cv2.perspectiveTransform(points, table_to_camera)
    fitted = cv2.perspectiveTransform(pixels, camera_to_table)
    return float(np.abs(fitted - points).max())


def test_the_board_spreads_markers_over_corners_edges_and_centre() -> None:
    board = marker_board(SCREEN)
    assert board.image.shape == (1080, 1920, 3) and board.image.dtype == np.uint8
    assert sorted(board.marker_corners) == list(range(12))
    squares = np.array(list(board.marker_corners.values()))
    assert squares.min() > 0.0 and squares.max() < 1.0
    sides = (squares[:, 2, 1] - squares[:, 0, 1]) * SCREEN[1]
    assert np.allclose(sides, 0.10 * SCREEN[1], atol=1)
    centres = squares.mean(axis=1)
    assert centres[:, 0].min() < 0.1 and centres[:, 0].max() > 0.9
    assert centres[:, 1].min() < 0.15 and centres[:, 1].max() > 0.85
    assert np.any(np.all(np.abs(centres - 0.5) < 0.25, axis=1))
    assert board.image[0, 0].tolist() == [255, 255, 255]


def test_the_board_image_itself_calibrates_to_a_plain_scaling() -> None:
    board = marker_board(SCREEN)
    result = calibrate(board.image, board, SCREEN)
    assert result.markers_found == 12
    assert mapping_error(result.camera_to_table, np.diag([*SCREEN, 1.0])) < 0.002


@pytest.mark.parametrize("screen", [(1920, 1080), (1280, 720), (1024, 768)])
def test_the_virtual_camera_is_recovered(screen: tuple[int, int]) -> None:
    board = marker_board(screen)
    frame, cam = seen_board(board)
    result = calibrate(frame, board, screen)
    assert result.markers_found == 12
    assert result.reprojection_error < 2.0
    assert mapping_error(result.camera_to_table, cam.table_to_camera) < 0.005


def test_a_turned_steeper_camera_is_recovered() -> None:
    corners = np.float32([(300, 140), (1500, 60), (1760, 1000), (180, 900)])
    table_to_camera = cv2.getPerspectiveTransform(
        np.float32([(0, 0), (1, 0), (1, 1), (0, 1)]), corners).astype(np.float64)
    board = marker_board(SCREEN, markers=20)
    frame, cam = seen_board(board, VirtualCamera(table_to_camera=table_to_camera, paced=False))
    result = calibrate(frame, board, SCREEN)
    assert result.markers_found == 20
    assert result.reprojection_error < 2.0
    assert mapping_error(result.camera_to_table, cam.table_to_camera) < 0.005


def test_products_covering_some_markers_do_not_spoil_it() -> None:
    board = marker_board(SCREEN)
    cam = VirtualCamera(paced=False)
    centre = board.marker_corners[0].mean(axis=0)
    cam.place("3760000000017", *centre)
    frame, cam = seen_board(board, cam)
    result = calibrate(frame, board, SCREEN)
    assert result.markers_found == 11
    assert mapping_error(result.camera_to_table, cam.table_to_camera) < 0.005


def test_a_frame_without_the_board_says_what_to_check() -> None:
    cam = VirtualCamera(paced=False)
    cam.open()
    result = cam.read()
    assert result is not None
    with pytest.raises(CalibrationError) as caught:
        calibrate(result[0], marker_board(SCREEN), SCREEN)
    assert str(caught.value) == ("found 0 of 12 markers: is the camera seeing the whole table? "
                                 "is the screen showing the calibration board?")
    assert isinstance(caught.value, ValueError)


def test_half_a_view_still_calibrates_the_half_it_sees() -> None:
    board = marker_board(SCREEN)
    frame, cam = seen_board(board)
    result = calibrate(np.ascontiguousarray(frame[:, :960]), board, SCREEN)
    assert result.markers_found == 6
    assert result.reprojection_error < 2.0
    left_half = TABLE_POINTS[:, TABLE_POINTS[0, :, 0] < 0.45]
    assert mapping_error(result.camera_to_table, cam.table_to_camera, left_half) < 0.005


def test_a_quarter_view_fails_clearly() -> None:
    board = marker_board(SCREEN)
    frame, _cam = seen_board(board)
    with pytest.raises(CalibrationError, match="found 2 of 12 markers: is the camera seeing"):
        calibrate(np.ascontiguousarray(frame[:540, :960]), board, SCREEN)


def test_grey_frames_work_too() -> None:
    board = marker_board(SCREEN)
    frame, cam = seen_board(board)
    result = calibrate(cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY), board, SCREEN)
    assert mapping_error(result.camera_to_table, cam.table_to_camera) < 0.005


@pytest.mark.parametrize("markers", [4, 5, 9, 50])
def test_boards_of_other_sizes_keep_markers_apart(markers: int) -> None:
    board = marker_board(SCREEN, markers)
    assert len(board.marker_corners) == markers
    boxes = [(c[:, 0].min(), c[:, 1].min(), c[:, 0].max(), c[:, 1].max())
             for c in board.marker_corners.values()]
    for index, a in enumerate(boxes):
        for b in boxes[index + 1:]:
            assert a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1]
    assert calibrate(board.image, board, SCREEN).markers_found == markers


@pytest.mark.parametrize(("screen", "markers", "words"), [
    (SCREEN, 3, "4 to 50 markers"),
    (SCREEN, 51, "4 to 50 markers"),
    ((100, 60), 12, "too small"),
    ((400, 400), 50, "do not fit"),
])
def test_impossible_boards_are_refused(screen: tuple[int, int], markers: int,
                                       words: str) -> None:
    with pytest.raises(ValueError, match=words):
        marker_board(screen, markers)
