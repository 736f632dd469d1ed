"""Frame sources by name: folders of images, video files, live devices — and how each fails."""

from __future__ import annotations

import logging
from pathlib import Path

import cv2
import numpy as np
import pytest

from hardware.frames import (
    DeviceFrames,
    FrameSource,
    ImageFolderFrames,
    VideoFileFrames,
    open_frames,
)

SIZE = (64, 48)


def solid(level: int, size: tuple[int, int] = SIZE) -> np.ndarray:
    return np.full((size[1], size[0], 3), level, np.uint8)


def read_all(frames: FrameSource, limit: int = 1000) -> list[tuple[np.ndarray, float]]:
    """Every frame until the end (bounded, so a source that never ends fails the test)."""
    got = []
    for _ in range(limit):
        item = frames.read()
        if item is None:
            return got
        got.append(item)
    raise AssertionError("the source never ended")


def write_video(path: Path, fourcc: str, frames: list[np.ndarray], fps: float = 10.0) -> None:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*fourcc), fps, SIZE)
    assert writer.isOpened(), f"this OpenCV cannot write {fourcc}"
    for frame in frames:
        writer.write(frame)
    writer.release()


def test_a_folder_of_images_is_read_in_natural_order_skipping_broken_files(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    folder = tmp_path / "shots"
    folder.mkdir()
    cv2.imwrite(str(folder / "frame1.png"), solid(10))
    cv2.imwrite(str(folder / "frame2.jpg"), solid(200))
    (folder / "frame3.png").write_bytes(b"\x89PNG\r\n\x1a\n but then nothing sensible")
    cv2.imwrite(str(folder / "frame10.PNG"), solid(90, (32, 24)))
    (folder / "notes.txt").write_text("not an image")

    frames = open_frames("shots", fps=4.0, base_dir=tmp_path)
    assert isinstance(frames, ImageFolderFrames) and not frames.realtime
    with caplog.at_level(logging.WARNING, logger="hardware.frames"):
        frames.open()
        got = read_all(frames)
    frames.close()

    assert frames.size == SIZE
    assert [t for _, t in got] == [0.0, 0.25, 0.75]  # frame3 skipped, its slot left empty
    assert [int(frame[0, 0, 0]) for frame, _ in got[::2]] == [10, 90]
    assert abs(int(got[1][0][0, 0, 0]) - 200) <= 2  # JPEG
    assert all(frame.shape == (48, 64, 3) for frame, _ in got)  # the small one scaled to fit
    assert "frame3.png" in caplog.text and "frame10.PNG" in caplog.text


def test_a_folder_without_readable_images_cannot_be_opened(tmp_path: Path) -> None:
    (tmp_path / "broken.jpg").write_bytes(b"nope")
    frames = open_frames(str(tmp_path) + "/")
    with pytest.raises(OSError, match="no readable images"):
        frames.open()
    with pytest.raises(OSError, match="does not exist"):
        open_frames(str(tmp_path / "gone") + "/").open()


@pytest.mark.parametrize(("fourcc", "suffix"), [("MJPG", ".avi"), ("mp4v", ".mp4")])
def test_a_video_file_gives_its_frames_with_media_time(tmp_path: Path, fourcc: str,
                                                       suffix: str) -> None:
    path = tmp_path / f"clip{suffix}"
    write_video(path, fourcc, [solid(level) for level in (0, 50, 100, 150, 200)])
    frames = open_frames(path.name, fps=99.0, base_dir=tmp_path)
    assert isinstance(frames, VideoFileFrames) and not frames.realtime
    frames.open()
    got = read_all(frames)
    assert frames.read() is None  # stays at the end
    frames.close()
    frames.close()
    assert frames.size == SIZE and frames.fps == pytest.approx(10.0)
    assert [t for _, t in got] == pytest.approx([0.0, 0.1, 0.2, 0.3, 0.4])
    assert [int(frame.mean()) for frame, _ in got] == pytest.approx([0, 50, 100, 150, 200],
                                                                    abs=6)


@pytest.mark.parametrize(("fourcc", "suffix", "keep", "expected"), [
    ("MJPG", ".avi", 0.5, "ends early"),  # the frames before the cut play, then the end
    ("MJPG", ".avi", 0.02, "refused"),
    ("mp4v", ".mp4", 0.5, "refused"),  # the index (moov) is written last: nothing to play
    ("mp4v", ".mp4", 0.02, "refused")])
def test_a_truncated_video_ends_cleanly_or_says_why(tmp_path: Path, fourcc: str, suffix: str,
                                                    keep: float, expected: str) -> None:
    whole = tmp_path / f"whole{suffix}"
    rng = np.random.default_rng(1)  # noisy frames, so the file is more than its headers
    write_video(whole, fourcc, [rng.integers(0, 256, (48, 64, 3), np.uint8) for _ in range(20)])
    data = whole.read_bytes()
    cut = tmp_path / f"cut{suffix}"
    cut.write_bytes(data[:int(len(data) * keep)])
    frames = open_frames(str(cut))
    if expected == "refused":
        with pytest.raises(OSError, match="damaged"):
            frames.open()
        return
    frames.open()
    got = read_all(frames)
    frames.close()
    assert 0 < len(got) < 20


def test_a_missing_video_file_is_a_plain_oserror(tmp_path: Path) -> None:
    with pytest.raises(OSError, match="does not exist"):
        open_frames("missing.mkv", base_dir=tmp_path).open()
    (tmp_path / "noise.webm").write_bytes(bytes(range(256)) * 20)
    with pytest.raises(OSError, match="damaged"):
        open_frames("noise.webm", base_dir=tmp_path).open()


def test_a_camera_that_is_not_there_cannot_be_opened() -> None:
    frames = open_frames("57")
    assert isinstance(frames, DeviceFrames) and frames.realtime and frames.target == 57
    with pytest.raises(OSError, match="cannot open camera 57"):
        frames.open()
    with pytest.raises(OSError, match="does not exist"):
        open_frames("/dev/video57").open()


@pytest.mark.parametrize("name", ["", "table.txt", "no-such-folder", "-1", "usb"])
def test_names_that_are_no_frame_source_list_what_is_accepted(tmp_path: Path,
                                                              name: str) -> None:
    (tmp_path / "table.txt").write_text("x")
    with pytest.raises(ValueError, match=r"device index .*/dev/video2.*\.mp4.*\.png"):
        open_frames(name, base_dir=tmp_path)


def test_a_size_or_rate_that_makes_no_sense_is_refused() -> None:
    with pytest.raises(ValueError, match="positive"):
        open_frames("0", width=0)
    with pytest.raises(ValueError, match="positive"):
        open_frames("0", fps=float("nan"))


class FakeCapture:
    """cv2.VideoCapture's lowest boundary: a few frames, then nothing but failures."""

    good_frames = 2

    def __init__(self, target: int | str, api: int) -> None:
        self.target = target
        self.reads = 0
        self.props: dict[int, float] = {}

    def isOpened(self) -> bool:
        return True

    def set(self, prop: int, value: float) -> bool:
        self.props[prop] = value
        return True

    def get(self, prop: int) -> float:
        return {cv2.CAP_PROP_FRAME_WIDTH: 640.0, cv2.CAP_PROP_FRAME_HEIGHT: 480.0,
                cv2.CAP_PROP_FPS: 0.0}.get(prop, self.props.get(prop, 0.0))

    def read(self) -> tuple[bool, np.ndarray | None]:
        self.reads += 1
        if self.reads <= self.good_frames:
            return True, solid(self.reads)
        return False, None

    def release(self) -> None:
        pass


def test_a_live_camera_that_stops_giving_frames_is_lost(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cv2, "VideoCapture", FakeCapture)
    frames = open_frames("3", width=1280, height=720, fps=25.0)
    frames.open()
    assert frames.size == (640, 480) and frames.fps == 25.0  # what the camera really gives
    first = frames.read()
    assert first is not None and first[1] > 0  # live frames carry the monotonic clock
    assert frames.read() is not None
    with pytest.raises(OSError, match="camera stopped giving frames"):
        frames.read()
    frames.close()


def test_an_unplugged_camera_is_lost_at_once(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    node = tmp_path / "video7"
    node.write_bytes(b"")
    monkeypatch.setattr(cv2, "VideoCapture", FakeCapture)
    monkeypatch.setattr(FakeCapture, "good_frames", 0)
    frames = DeviceFrames(str(node), 640, 480, 30.0)
    frames.open()
    node.unlink()
    with pytest.raises(OSError, match="was unplugged"):
        frames.read()
