"""``kiosk calibrate``: show ArUco markers on the table, find them in the camera's image, and
write the camera-to-table homography into the store config."""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path
from typing import TextIO

import numpy as np
import pygame

from hardware.calibration import (
    Board,
    Calibration,
    CalibrationError,
    calibrate,
    marker_board,
)
from hardware.frames import FrameSource, open_frames
from hardware.virtual_camera import VirtualCamera
from kiosk.app.display import close_screen, has_display, open_screen
from kiosk.config import ConfigError, ConfigInvalid, KioskConfig, load_config
from kiosk.config.loader import STORE_FILE


def run_calibration(config: KioskConfig, *, headless: bool, timeout: float,
                    out: TextIO) -> int:
    """Calibrate the configured camera; 0 when the config was updated, 1 otherwise."""
    settings = config.store.sources.camera.settings(config.config_dir)
    if settings.device == "none":
        out.write("kiosk calibrate: the camera is off ('none') in the store config\n")
        return 1
    windowless = headless or not has_display()
    screen = open_screen((1280, 720) if windowless else (0, 0), headless=windowless,
                         fullscreen=not windowless, title="Calibration")
    size = screen.get_size()
    board = marker_board(size)
    screen.blit(pygame.image.frombuffer(board.image[:, :, ::-1].tobytes(), size, "RGB"), (0, 0))
    pygame.display.flip()
    frames: FrameSource
    if settings.device == "sim":
        frames = VirtualCamera((settings.width, settings.height), settings.fps, paced=False)
        frames.show(board.image)
    else:
        frames = open_frames(settings.device, settings.width, settings.height, settings.fps,
                             settings.base_dir)
    try:
        result = _find_board(frames, board, size, timeout, out)
    finally:
        frames.close()
        close_screen()
    if result is None:
        return 1
    store_file = config.config_dir / STORE_FILE
    try:
        write_homography(store_file, result)
    except ConfigInvalid as invalid:
        out.write(f"kiosk calibrate: the config was left unchanged:\n{invalid.report()}\n")
        return 1
    out.write(f"Calibrated with {result.markers_found} markers: reprojection error "
              f"{result.reprojection_error:.2f} px. Homography written to {store_file}.\n")
    return 0


def _find_board(frames: FrameSource, board: Board, size: tuple[int, int], timeout: float,
                out: TextIO) -> Calibration | None:
    """Read frames until the markers are found (bounded by ``timeout``)."""
    try:
        frames.open()
    except OSError as exc:
        out.write(f"kiosk calibrate: cannot open the camera: {exc}\n")
        return None
    deadline = time.monotonic() + timeout
    problem = "no frame from the camera"
    while time.monotonic() < deadline:
        pygame.event.pump()
        try:
            read = frames.read()
        except OSError as exc:
            problem = f"the camera stopped: {exc}"
            break
        if read is None:
            break
        try:
            return calibrate(read[0], board, size)
        except CalibrationError as exc:
            problem = str(exc)
    out.write(f"kiosk calibrate: {problem}\n")
    return None


def write_homography(store_file: Path, result: Calibration) -> None:
    """Put ``camera.homography`` into the store file, keeping everything else as staff wrote it.

    The file is validated after the edit; on any error the original text is put back.
    """
    original = store_file.read_text(encoding="utf-8")
    matrix = np.asarray(result.camera_to_table, dtype=float)
    rows = ", ".join("[" + ", ".join(f"{value:.9g}" for value in row) + "]" for row in matrix)
    lines = original.splitlines(keepends=True)
    camera = _camera_block(lines)
    if camera is None:
        raise ConfigInvalid([ConfigError(str(store_file), 1, ("sources", "camera"),
                                         "no 'sources: camera:' section to write into")])
    start, end, indent = camera
    kept = _drop_key(lines[start:end], "homography")
    device = next((i for i, line in enumerate(kept) if line.strip().startswith("device:")), 0)
    note = (f"{indent}# Written by kiosk calibrate on {dt.date.today().isoformat()}: "
            f"{result.markers_found} markers, error {result.reprojection_error:.2f} px.\n"
            f"{indent}homography: [{rows}]\n")
    updated = lines[:start] + kept[:device + 1] + [note] + kept[device + 1:] + lines[end:]
    store_file.write_text("".join(updated), encoding="utf-8")
    try:
        load_config(store_file.parent)
    except ConfigInvalid:
        store_file.write_text(original, encoding="utf-8")
        raise


def _camera_block(lines: list[str]) -> tuple[int, int, str] | None:
    """Lines inside ``sources: camera:`` (start, end) and the indentation of its keys."""
    in_sources = False
    for index, line in enumerate(lines):
        if re.match(r"^sources:\s*(#.*)?$", line):
            in_sources = True
            continue
        match = re.match(r"^(\s+)camera:\s*(#.*)?$", line)
        if in_sources and match:
            outer = len(match.group(1))
            end = index + 1
            while end < len(lines) and (not lines[end].strip()
                                        or _indent(lines[end]) > outer):
                end += 1
            inner = next((lines[i][:_indent(lines[i])] for i in range(index + 1, end)
                          if lines[i].strip()), " " * (outer + 2))
            return index + 1, end, inner
    return None


def _drop_key(block: list[str], key: str) -> list[str]:
    """The block without ``key`` (and its continuation lines or the comment line before it)."""
    kept: list[str] = []
    skipping_from: int | None = None
    for line in block:
        stripped = line.strip()
        if skipping_from is not None:
            if stripped and _indent(line) > skipping_from:
                continue
            skipping_from = None
        if stripped.startswith(f"{key}:"):
            skipping_from = _indent(line)
            if kept and kept[-1].strip().startswith("# Written by kiosk calibrate"):
                kept.pop()
            continue
        kept.append(line)
    return kept


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())
