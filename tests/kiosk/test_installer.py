"""``kiosk scan``, ``kiosk listen`` and ``kiosk calibrate`` on files made here."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from hardware.symbologies import barcode_image
from kiosk.cli import main
from kiosk.config import load_config
from tests.paths import DEMO_CONFIG

TV = "3760000000017"


def frame_with(code: str, fmt: str = "ean13", angle: float = 0.0,
               size: tuple[int, int] = (1280, 720), at: tuple[int, int] = (640, 360)) -> np.ndarray:
    """A grey, lightly noisy frame with one barcode turned by ``angle`` at ``at``."""
    rng = np.random.default_rng(7)
    frame = np.full((size[1], size[0]), 120, np.uint8)
    code_image = barcode_image(code, fmt, module_px=3)
    height, width = code_image.shape
    patch = np.full((height + 80, width + 80), 255, np.uint8)
    patch[40:40 + height, 40:40 + width] = code_image
    side = int(np.hypot(*patch.shape)) + 2
    canvas = np.full((side, side), 120, np.uint8)
    top, left = (side - patch.shape[0]) // 2, (side - patch.shape[1]) // 2
    canvas[top:top + patch.shape[0], left:left + patch.shape[1]] = patch
    turn = cv2.getRotationMatrix2D((side / 2, side / 2), angle, 1.0)
    turned = cv2.warpAffine(canvas, turn, (side, side), borderValue=120)
    top, left = at[1] - turned.shape[0] // 2, at[0] - turned.shape[1] // 2
    frame[top:top + turned.shape[0], left:left + turned.shape[1]] = turned
    noisy = frame.astype(np.int16) + rng.normal(0, 3, frame.shape).astype(np.int16)
    return cv2.cvtColor(np.clip(noisy, 0, 255).astype(np.uint8), cv2.COLOR_GRAY2BGR)


def write_video(path: Path, frames: list[np.ndarray], fps: float = 10.0) -> None:
    height, width = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, (width, height))
    assert writer.isOpened()
    for frame in frames:
        writer.write(frame)
    writer.release()


def lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.strip().splitlines()]


def test_scan_images_folders_and_bad_files(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    cv2.imwrite(str(tmp_path / "tv.png"), frame_with(TV, angle=40))
    cv2.imwrite(str(tmp_path / "upc.png"), frame_with("036000291452", "upca"))
    (tmp_path / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n not really")
    code = main(["scan", "--json", "--config", str(DEMO_CONFIG), str(tmp_path),
                 str(tmp_path / "missing.jpg")])
    records = {Path(r["file"]).name: r for r in lines(capsys.readouterr().out)}
    assert code == 1
    (tv,) = records["tv.png"]["codes"]
    assert tv["format"] == "ean13" and tv["text"] == TV and tv["gtin"] == TV
    assert abs(tv["x"] - 640) < 40 and abs(tv["y"] - 360) < 40
    assert records["tv.png"]["ms"] > 0
    (upc,) = records["upc.png"]["codes"]
    assert upc["gtin"] == "0036000291452"
    assert "not a readable image" in records["broken.png"]["error"]
    assert records["missing.jpg"]["error"] == "no such file"


def test_scan_a_video_reports_frames_with_codes(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    empty = frame_with(TV)
    empty[:] = 120
    write_video(tmp_path / "clip.avi", [empty, empty, frame_with(TV), frame_with(TV, angle=90)])
    assert main(["scan", "--json", "--config", str(DEMO_CONFIG), str(tmp_path / "clip.avi")]) == 0
    records = lines(capsys.readouterr().out)
    assert [r["frame"] for r in records] == [2, 3]
    assert records[0]["t"] == pytest.approx(0.2, abs=0.01)
    assert all(r["codes"][0]["gtin"] == TV for r in records)


def test_scan_plain_output_escapes_what_codes_contain(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    cv2.imwrite(str(tmp_path / "qr.png"), frame_with("line1\nline2\x07bell", "qr"))
    assert main(["scan", "--config", str(DEMO_CONFIG), str(tmp_path / "qr.png")]) == 0
    out = capsys.readouterr().out
    assert "line1\\nline2\\x07bell" in out and "\x07" not in out


def test_listen_to_a_video_prints_placed_then_removed(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    empty = frame_with(TV)
    empty[:] = 120
    write_video(tmp_path / "clip.avi", [empty] * 3 + [frame_with(TV)] * 10 + [empty] * 12)
    assert main(["listen", "--json", "--config", str(DEMO_CONFIG), "--camera",
                 str(tmp_path / "clip.avi"), "--nfc", "none", "--duration", "30"]) == 0
    events = [e for e in lines(capsys.readouterr().out) if e["event"] != "status"]
    assert [e["event"] for e in events] == ["placed", "removed"]
    placed, removed = events
    assert placed["gtin"] == TV and placed["source"] == "camera"
    assert placed["t"] == pytest.approx(0.3, abs=0.01)
    assert 0 < placed["x"] < 1 and 0 < placed["y"] < 1
    assert removed["t"] > placed["t"]


def test_calibrate_writes_a_homography_the_config_accepts(
        store_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = (store_copy / "store.yaml").read_text()
    assert main(["calibrate", "--headless", "--timeout", "20", "--config", str(store_copy)]) == 0
    out = capsys.readouterr().out
    assert "reprojection error" in out
    after = (store_copy / "store.yaml").read_text()
    assert "homography: [[" in after and "# Written by kiosk calibrate" in after
    assert after.count("\n") - before.count("\n") == 2  # the note and the value
    matrix = load_config(store_copy).store.sources.camera.homography
    assert matrix is not None and len(matrix) == 3
    assert main(["calibrate", "--headless", "--config", str(store_copy)]) == 0
    again = (store_copy / "store.yaml").read_text()
    assert again.count("homography: [[") == 1
