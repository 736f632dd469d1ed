"""Images that decode to gigabytes from a few hundred kilobytes: refused from their header
before any decoding, by ``kiosk validate``, the screen's image loader and camera folders; and
the header reader itself, format by format, against what OpenCV decodes (issue 15)."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pygame
import pytest

from hardware.frames import ImageFolderFrames, open_frames
from hardware.image_limits import (
    SCAN_LIMITS,
    ImageLimits,
    ImageTooLarge,
    ImageUnreadable,
    image_size,
    read_image,
)
from kiosk.config import ConfigInvalid, load_config
from kiosk.config.media_images import MEDIA_LIMITS
from tests.config.test_broken_configs import mutate

TV = "catalog/tv-audio.yaml"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def write_huge_png(path: Path, width: int, height: int) -> Path:
    """A real, decodable grey PNG of ``width`` x ``height``: a few hundred kilobytes on disk,
    ``width * height`` bytes (three times that in colour) once decoded."""
    packer = zlib.compressobj(9)
    row = b"\x00" * (width + 1)
    body = b"".join(packer.compress(row * 500) for _ in range(height // 500))
    body += packer.compress(row * (height % 500)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", body)
                     + _chunk(b"IEND", b""))
    return path


@pytest.fixture(scope="module")
def huge_png(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """20000 x 20000: 400 megapixels."""
    return write_huge_png(tmp_path_factory.mktemp("huge") / "huge.png", 20000, 20000)


@pytest.fixture
def decoded(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, ...]]:
    """The shapes of every image OpenCV decodes during the test."""
    shapes: list[tuple[int, ...]] = []
    real: Callable[..., np.ndarray | None] = cv2.imdecode

    def watched(data: np.ndarray, flags: int) -> np.ndarray | None:
        image = real(data, flags)
        shapes.append(() if image is None else image.shape)
        return image

    monkeypatch.setattr(cv2, "imdecode", watched)
    return shapes


def encoded(suffix: str, size: tuple[int, int] = (123, 45), params: list[int] | None = None,
            ) -> bytes:
    rng = np.random.default_rng(3)
    pixels = rng.integers(0, 255, (size[1], size[0], 3), dtype=np.uint8)
    ok, data = cv2.imencode(suffix, pixels, params or [])
    assert ok
    return data.tobytes()


@pytest.mark.parametrize(("suffix", "params"), [
    (".png", []), (".jpg", []), (".jpg", [cv2.IMWRITE_JPEG_PROGRESSIVE, 1]),
    (".webp", [cv2.IMWRITE_WEBP_QUALITY, 80]), (".webp", [cv2.IMWRITE_WEBP_QUALITY, 101]),
    (".bmp", [])], ids=["png", "jpeg", "progressive-jpeg", "webp-lossy", "webp-lossless", "bmp"])
def test_the_header_gives_the_size_opencv_decodes(suffix: str, params: list[int]) -> None:
    data = encoded(suffix, (123, 45), params)
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    assert image_size(data) == (image.shape[1], image.shape[0]) == (123, 45)


def test_a_jpeg_size_is_found_past_long_metadata_segments() -> None:
    data = encoded(".jpg", (321, 77))
    exif = b"\xff\xe1" + struct.pack(">H", 60002) + b"Exif\0\0" + b"\0" * 59994
    padded = data[:2] + exif * 3 + b"\xff\xff" + data[2:]  # fill bytes before a marker are legal
    assert image_size(padded) == (321, 77)


def test_gif_bmp_top_down_and_extended_webp_headers() -> None:
    assert image_size(b"GIF89a" + struct.pack("<HH", 640, 480) + b"\0" * 8) == (640, 480)
    top_down = bytearray(encoded(".bmp", (30, 20)))
    top_down[22:26] = struct.pack("<i", -20)
    assert image_size(bytes(top_down)) == (30, 20)
    vp8x = (b"RIFF" + struct.pack("<I", 30) + b"WEBPVP8X" + struct.pack("<I", 10) + b"\0" * 4
            + (19999).to_bytes(3, "little") + (9999).to_bytes(3, "little"))
    assert image_size(vp8x) == (20000, 10000)


@pytest.mark.parametrize(("data", "reason"), [
    (b"", "the file is empty"),
    (b"hello, not an image", "not PNG, JPEG, WebP, GIF or BMP"),
    (b"\x89PNG\r\n\x1a\n\0\0", "its header is truncated"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "a PNG without its IHDR header"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF\0", "its header is truncated"),
    (b"\xff\xd8\xff\xda", "a JPEG without a frame header"),
    (b"RIFF\0\0\0\0WEBPVP8 \0\0\0\0\0\0\0\0\0\0", "a damaged WebP header"),
], ids=["empty", "text", "short-png", "png-no-ihdr", "short-jpeg", "jpeg-no-frame", "webp"])
def test_an_empty_truncated_or_foreign_file_says_so(data: bytes, reason: str) -> None:
    with pytest.raises(ImageUnreadable, match="not a readable image") as refused:
        image_size(data)
    assert reason in str(refused.value)


def test_read_image_checks_bytes_then_pixels(tmp_path: Path, huge_png: Path) -> None:
    with pytest.raises(ImageTooLarge) as refused:
        read_image(huge_png, SCAN_LIMITS)
    assert str(refused.value) == "400.0 megapixels, over the limit of 50 (20000x20000)"
    big = tmp_path / "big.png"
    with big.open("wb") as handle:
        handle.truncate(SCAN_LIMITS.bytes + 1)
    with pytest.raises(ImageTooLarge, match=r"^100\.0 MB, over the limit of 100\.0 MB$"):
        read_image(big, SCAN_LIMITS)
    small = tmp_path / "small.png"
    small.write_bytes(encoded(".png"))
    size = small.stat().st_size
    assert read_image(small, ImageLimits(123 * 45, size)) == small.read_bytes()
    for tighter in (ImageLimits(123 * 45 - 1, size), ImageLimits(123 * 45, size - 1)):
        with pytest.raises(ImageTooLarge):
            read_image(small, tighter)


@pytest.mark.timeout(60)
def test_validate_refuses_a_huge_media_image_without_decoding_it(
        store_copy: Path, huge_png: Path, decoded: list[tuple[int, ...]]) -> None:
    media = store_copy.parent / "media"
    (media / "huge.png").write_bytes(huge_png.read_bytes())
    with (media / "heavy.png").open("wb") as handle:
        handle.truncate(MEDIA_LIMITS.bytes + 1)
    line = mutate(store_copy, TV, r"^      - products/[^\n]+", "      - huge.png")
    heavy = mutate(store_copy, "catalog/kitchen.yaml", r"^      - products/[^\n]+",
                   "      - heavy.png")
    with pytest.raises(ConfigInvalid) as invalid:
        load_config(store_copy)
    found = [str(error) for error in invalid.value.errors]
    assert (f"{store_copy / TV}:{line}: products[0].images[0]: 'huge.png' is 400.0 megapixels, "
            "over the limit of 40 (20000x20000): scale it down") in found, found
    assert (f"{store_copy / 'catalog/kitchen.yaml'}:{heavy}: products[0].images[0]: "
            "'heavy.png' is 100.0 MB, over the limit of 100.0 MB: scale it down") in found, found
    assert all(shape[0] * shape[1] <= MEDIA_LIMITS.pixels for shape in decoded if shape)


@pytest.mark.timeout(60)
def test_the_screen_draws_a_huge_image_as_missing_without_decoding_it(
        tmp_path: Path, huge_png: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kiosk.ui.images import ImageLoader

    (tmp_path / "huge.png").write_bytes(huge_png.read_bytes())
    pygame.image.save(pygame.Surface((40, 30)), str(tmp_path / "fine.png"))
    loaded: list[str] = []
    real = pygame.image.load

    def watched(source: object, namehint: str = "") -> pygame.Surface:
        loaded.append(namehint or str(source))
        return real(source, namehint)

    monkeypatch.setattr(pygame.image, "load", watched)
    images = ImageLoader(tmp_path)
    try:
        for name in ("huge.png", "fine.png"):
            images.get(name, (20, 20))
        images.settle(30.0)
        assert images.get("huge.png", (20, 20)) is None
        assert images.get("fine.png", (20, 20)).get_size() == (20, 15)
    finally:
        images.close()
    assert not any("huge" in name for name in loaded), loaded


@pytest.mark.timeout(60)
def test_a_camera_folder_skips_a_huge_image_without_decoding_it(
        tmp_path: Path, huge_png: Path, decoded: list[tuple[int, ...]]) -> None:
    folder = tmp_path / "frames"
    folder.mkdir()
    (folder / "a-huge.png").write_bytes(huge_png.read_bytes())
    frame = np.full((720, 1280, 3), 90, np.uint8)
    cv2.imwrite(str(folder / "b-frame.png"), frame)
    (folder / "c-empty.png").write_bytes(b"")
    (folder / "d-truncated.png").write_bytes((folder / "b-frame.png").read_bytes()[:200])
    cv2.imwrite(str(folder / "e-frame.jpg"), frame)
    source = open_frames(str(folder), 1280, 720, 10.0)
    assert isinstance(source, ImageFolderFrames)
    source.open()
    frames = []
    while (read := source.read()) is not None:
        frames.append(read)
    source.close()
    assert source.size == (1280, 720)
    assert [image.shape for image, _ in frames] == [(720, 1280, 3)] * 2
    assert all(shape[0] * shape[1] <= source.limits.pixels for shape in decoded if shape)


def test_a_grey_or_palette_image_is_drawn_not_a_crash(tmp_path: Path) -> None:
    from kiosk.ui.images import ImageLoader

    cv2.imwrite(str(tmp_path / "grey.png"), np.full((30, 40), 128, np.uint8))
    palette = pygame.Surface((40, 30), depth=8)
    palette.set_palette([(index, index, index) for index in range(256)])
    pygame.image.save(palette, str(tmp_path / "palette.png"))
    images = ImageLoader(tmp_path)
    try:
        for name in ("grey.png", "palette.png"):
            images.get(name, (20, 20))
        images.settle(10.0)
        for name in ("grey.png", "palette.png"):
            assert images.get(name, (20, 20)).get_size() == (20, 15), name
    finally:
        images.close()
