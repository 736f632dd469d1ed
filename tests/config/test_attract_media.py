"""The attract loop's media list: images and videos, each checked with its file and line."""

from __future__ import annotations

import os
import re
from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.config import ConfigInvalid, KioskConfig, load_config

STORE = "store.yaml"
VIDEO_LINE = r"^    - attract/showroom\.mp4$"


def replace_line(config: Path, pattern: str, replacement: str) -> int:
    """Replace the first line matching ``pattern`` in store.yaml; return its 1-based number."""
    path = config / STORE
    text = path.read_text(encoding="utf-8")
    match = re.search(pattern, text, flags=re.MULTILINE)
    assert match, f"{pattern!r} not found in {STORE}"
    path.write_text(text[:match.start()] + replacement + text[match.end():], encoding="utf-8")
    return text.count("\n", 0, match.start()) + 1


def errors(config: Path) -> list[str]:
    with pytest.raises(ConfigInvalid) as invalid:
        load_config(config)
    return [str(error) for error in invalid.value.errors]


def test_the_demo_plays_a_video_between_its_images(demo_config: KioskConfig) -> None:
    media = demo_config.store.attract.media
    assert "attract/showroom.mp4" in media
    assert any(item.endswith(".png") for item in media)
    capture = cv2.VideoCapture(str(demo_config.media_dir / "attract/showroom.mp4"))
    assert capture.get(cv2.CAP_PROP_FRAME_COUNT) / capture.get(cv2.CAP_PROP_FPS) <= 8
    capture.release()


def test_a_corrupt_video_is_an_error_at_its_line(store_copy: Path) -> None:
    (store_copy.parent / "media" / "attract" / "broken.mp4").write_bytes(os.urandom(2048))
    line = replace_line(store_copy, VIDEO_LINE, "    - attract/broken.mp4")
    assert (f"{store_copy / STORE}:{line}: attract.media[1]: 'attract/broken.mp4' is not a "
            "readable video (corrupt or unsupported codec?)") in errors(store_copy)


def test_a_truncated_video_is_an_error(store_copy: Path) -> None:
    clip = store_copy.parent / "media" / "attract" / "showroom.mp4"
    clip.write_bytes(clip.read_bytes()[:1500])  # the header survives, the frames do not
    line = replace_line(store_copy, VIDEO_LINE, "    - attract/showroom.mp4")
    assert any(e.startswith(f"{store_copy / STORE}:{line}: attract.media[1]: ")
               and "not a readable video" in e for e in errors(store_copy))


def test_a_missing_video(store_copy: Path) -> None:
    line = replace_line(store_copy, VIDEO_LINE, "    - attract/nope.webm")
    assert any(e.startswith(f"{store_copy / STORE}:{line}: attract.media[1]: file "
                            "'attract/nope.webm' does not exist") for e in errors(store_copy))


def test_a_file_that_is_neither_image_nor_video(store_copy: Path) -> None:
    (store_copy.parent / "media" / "attract" / "promo.gif").write_bytes(b"GIF89a")
    line = replace_line(store_copy, VIDEO_LINE, "    - attract/promo.gif")
    assert any(e.startswith(f"{store_copy / STORE}:{line}: attract.media[1]: 'attract/promo.gif'"
                            " is not an image or a video") for e in errors(store_copy))


def test_other_video_containers_are_accepted(store_copy: Path) -> None:
    path = store_copy.parent / "media" / "attract" / "clip.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 12, (64, 36))
    for index in range(6):
        writer.write(np.full((36, 64, 3), 40 * index, np.uint8))
    writer.release()
    replace_line(store_copy, VIDEO_LINE, "    - attract/clip.avi")
    assert load_config(store_copy).store.attract.media[1] == "attract/clip.avi"


def test_the_old_images_key_is_reported(store_copy: Path) -> None:
    line = replace_line(store_copy, r"^  media:$", "  images:")
    found = errors(store_copy)
    assert any(e.startswith(f"{store_copy / STORE}:{line}: attract.images: unknown key "
                            "'images'") for e in found), found
