"""``kiosk scan`` on files that are not what their names say: each is an ``error`` line and the
scan goes on to the next; the exit code says some failed (issue 15)."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import pytest

from kiosk.cli import main
from tests.faults.test_limits_images import write_huge_png
from tests.kiosk.test_installer import TV, frame_with, write_video
from tests.paths import DEMO_CONFIG

NOT_READABLE = "not a readable image"


def scan(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["scan", "--config", str(DEMO_CONFIG), *args])
    return code, capsys.readouterr().out


@pytest.fixture
def files(tmp_path: Path) -> Path:
    """ok.png with the TV's barcode, an empty zero.jpg, and text.jpg holding text."""
    cv2.imwrite(str(tmp_path / "ok.png"), frame_with(TV))
    (tmp_path / "zero.jpg").write_bytes(b"")
    (tmp_path / "text.jpg").write_text("these are my notes, not a photo\n")
    return tmp_path


@pytest.mark.timeout(60)
def test_scan_goes_on_past_unreadable_files(files: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    code, out = scan(capsys, *(str(files / name) for name in ("ok.png", "zero.jpg",
                                                              "text.jpg")))
    ok, zero, text = out.strip().splitlines()
    assert code == 1
    assert ok.startswith(f"{files / 'ok.png'}: ean13 {TV} (GTIN {TV})")
    assert zero == f"{files / 'zero.jpg'}: error: {NOT_READABLE} (the file is empty)"
    assert text == (f"{files / 'text.jpg'}: error: {NOT_READABLE} (not PNG, JPEG, WebP, GIF "
                    "or BMP)")
    assert scan(capsys, str(files / "ok.png"))[0] == 0, "only good files: exit code 0"


@pytest.mark.timeout(60)
def test_scan_json_gives_file_and_error_for_each_bad_file(
        files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = scan(capsys, "--json", *(str(files / name) for name in ("zero.jpg", "ok.png",
                                                                        "text.jpg")))
    zero, ok, text = (json.loads(line) for line in out.strip().splitlines())
    assert code == 1
    assert set(zero) == {"file", "error"} and zero["file"] == str(files / "zero.jpg")
    assert set(text) == {"file", "error"} and NOT_READABLE in text["error"]
    assert [found["gtin"] for found in ok["codes"]] == [TV]


@pytest.mark.timeout(120)
def test_a_folder_of_bad_files_reports_each_and_scans_the_rest(
        files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (files / "truncated.png").write_bytes((files / "ok.png").read_bytes()[:300])
    write_huge_png(files / "huge.png", 20000, 20000)
    (files / "folder.png").mkdir()
    (files / "clip.mp4").write_text("not a video at all\n")
    write_video(files / "good.avi", [frame_with(TV)] * 3)
    (files / "cut.avi").write_bytes((files / "good.avi").read_bytes()[:400])
    code, out = scan(capsys, "--json", str(files))
    records = [json.loads(line) for line in out.strip().splitlines()]
    errors = {Path(r["file"]).name: r["error"] for r in records if "error" in r}
    scanned = {Path(r["file"]).name for r in records if "codes" in r}
    assert code == 1
    assert scanned == {"ok.png", "good.avi"}
    assert set(errors) == {"zero.jpg", "text.jpg", "truncated.png", "huge.png", "folder.png",
                           "clip.mp4", "cut.avi"}
    assert errors["huge.png"] == "400.0 megapixels, over the limit of 50 (20000x20000)"
    assert errors["truncated.png"] == f"{NOT_READABLE} (corrupt or truncated?)"
    assert errors["folder.png"] == "not a file"
    assert errors["clip.mp4"].startswith("video cannot be read: ")
    assert errors["cut.avi"].startswith("video cannot be read: ")
