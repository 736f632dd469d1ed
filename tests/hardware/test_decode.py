"""The decoding pipeline on frames the tests draw: every format, any angle, several per frame."""

from __future__ import annotations

import dataclasses

import cv2
import numpy as np
import pytest
import zxingcpp
from hypothesis import given, settings
from hypothesis.extra import numpy as hnp

from hardware.decoding.detection import Detection
from hardware.decoding.pipeline import Decoder
from hardware.symbologies import FORMATS, LINEAR, barcode_image

SIZE = (1080, 1920)
CONTENT = {
    "ean13": ("3760000000017", "03760000000017"),
    "ean8": ("96385074", "00000096385074"),
    "upca": ("036000291452", "00036000291452"),
    "upce": ("01234565", "00012345000065"),
    "code128": ("0109506000134352", "09506000134352"),
    "qr": ("https://shop.example.com/01/09506000134352?x=1", "09506000134352"),
    "datamatrix": ("https://id.gs1.org/01/00012345600012", "00012345600012"),
}
CELLS = [(300, 270), (780, 270), (1260, 270), (1680, 270), (300, 800), (780, 800), (1260, 800)]


def module_px(fmt: str) -> int:
    return 2 if fmt == "code128" else 3 if fmt in LINEAR else 4


def turned(image: np.ndarray, angle: float) -> tuple[np.ndarray, np.ndarray]:
    """``image`` turned ``angle`` degrees counter-clockwise on a grown white canvas, and a mask."""
    h, w = image.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    size = (int(h * sin + w * cos + 0.5), int(h * cos + w * sin + 0.5))
    m[0, 2] += size[0] / 2 - w / 2
    m[1, 2] += size[1] / 2 - h / 2
    out = cv2.warpAffine(image, m, size, flags=cv2.INTER_LINEAR, borderValue=255)
    return out, cv2.warpAffine(np.full_like(image, 255), m, size, flags=cv2.INTER_NEAREST)


def scene(codes: list[tuple[str, float, tuple[int, int]]], seed: int = 0,
          size: tuple[int, int] = SIZE) -> np.ndarray:
    """A noisy grey table with ``(format, angle, center)`` codes on it, slightly out of focus."""
    rng = np.random.default_rng(seed)
    coarse = rng.integers(100, 180, (size[0] // 16 + 1, size[1] // 16 + 1)).astype(np.uint8)
    frame = cv2.resize(coarse, (size[1], size[0]), interpolation=cv2.INTER_CUBIC)
    for fmt, angle, (cx, cy) in codes:
        code, mask = turned(barcode_image(CONTENT[fmt][0], fmt, module_px(fmt)), angle)
        h, w = code.shape
        x, y = cx - w // 2, cy - h // 2
        frame[y:y + h, x:x + w][mask > 0] = code[mask > 0]
    soft = cv2.GaussianBlur(frame.astype(np.float32), (0, 0), 0.7)
    return np.clip(soft + rng.normal(0, 5, soft.shape), 0, 255).astype(np.uint8)


def angle_error(a: float, b: float) -> float:
    return abs((a - b + 180) % 360 - 180)


def find(detections: list[Detection], fmt: str, center: tuple[int, int]) -> Detection:
    near = [d for d in detections if d.format == fmt
            and np.hypot(d.center[0] - center[0], d.center[1] - center[1]) < 40]
    assert len(near) == 1, f"{fmt} near {center}: {detections}"
    return near[0]


@pytest.fixture(scope="module")
def decoder() -> Decoder:
    return Decoder()


@pytest.mark.parametrize("angle", [0, 15, 30, 45, 60, 90, 135, 180, 270])
def test_every_format_at_any_angle_several_per_frame(decoder: Decoder, angle: int) -> None:
    codes = [(fmt, angle, cell) for fmt, cell in zip(FORMATS, CELLS, strict=True)]
    detections = decoder.decode(scene(codes, seed=angle))
    assert len(detections) == len(FORMATS)
    for fmt, _, cell in codes:
        found = find(detections, fmt, cell)
        assert found.gtin == CONTENT[fmt][1]
        assert angle_error(found.angle, angle) <= 5, (fmt, found.angle)
        assert 0 <= found.angle < 360
        assert len(found.corners) == 4


def test_the_angle_follows_the_code_round_the_full_turn(decoder: Decoder) -> None:
    """1D codes are read both ways: upside down must report 180 more, not the same angle."""
    for angle in (10, 100, 190, 280):
        frame = scene([("ean13", angle, (900, 500))], seed=angle)
        assert angle_error(find(decoder.decode(frame), "ean13", (900, 500)).angle, angle) <= 5


def test_corners_run_round_the_code_from_its_top_left(decoder: Decoder) -> None:
    (found,) = decoder.decode(scene([("qr", 90, (900, 500))]))
    (tlx, tly), (trx, try_), *_ = found.corners
    assert try_ < tly and abs(trx - tlx) < 10   # turned 90 degrees: top-right is above
    xs, ys = zip(*found.corners, strict=True)
    assert min(xs) < found.center[0] < max(xs) and min(ys) < found.center[1] < max(ys)


def test_text_is_the_content_and_upca_is_named_upca(decoder: Decoder) -> None:
    frame = scene([("upca", 0, (500, 500)), ("code128", 0, (1300, 500))])
    by_format = {d.format: d for d in decoder.decode(frame)}
    assert by_format["upca"].text == "0036000291452"
    assert by_format["code128"].text == CONTENT["code128"][0]


def test_only_enabled_formats_are_reported() -> None:
    frame = scene([("upca", 30, (500, 500)), ("qr", 0, (1300, 500))])
    assert [d.format for d in Decoder(["qr"]).decode(frame)] == ["qr"]
    (only,) = Decoder(["ean13"]).decode(frame)
    assert (only.format, only.gtin) == ("ean13", CONTENT["upca"][1])


def test_unknown_format_names_are_refused() -> None:
    with pytest.raises(ValueError, match="'ean-13'"):
        Decoder(["ean13", "ean-13"])


def test_a_tilted_code_needs_the_locator() -> None:
    frame = scene([("code128", 45, (900, 500))])
    assert Decoder(locate_tilted=False).decode(frame) == []
    assert [d.format for d in Decoder(second_opinion=False).decode(frame)] == ["code128"]


def test_region_decodes_only_that_crop_in_frame_coordinates(decoder: Decoder) -> None:
    frame = scene([("ean13", 30, (500, 500)), ("datamatrix", 0, (1400, 500))])
    (found,) = decoder.decode(frame, region=(200, 200, 600, 600))
    assert found.format == "ean13"
    assert np.hypot(found.center[0] - 500, found.center[1] - 500) < 40
    assert all(200 <= x <= 800 and 200 <= y <= 800 for x, y in found.corners)
    (clipped,) = decoder.decode(frame, region=(1100, -500, 5000, 5000))
    assert clipped.format == "datamatrix" and abs(clipped.center[0] - 1400) < 40
    assert decoder.decode(frame, region=(3000, 3000, 100, 100)) == []
    assert decoder.decode(frame, region=(0, 0, 0, 0)) == []


def test_color_and_gray_frames_agree(decoder: Decoder) -> None:
    gray = scene([("ean8", 60, (900, 500))])
    for frame in (cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR), cv2.cvtColor(gray, cv2.COLOR_GRAY2BGRA),
                  gray[:, :, None], gray[::-1, ::-1][::-1, ::-1]):
        assert [(d.text, d.format) for d in decoder.decode(frame)] == [
            (d.text, d.format) for d in decoder.decode(gray)]


def test_empty_frames_give_nothing(decoder: Decoder) -> None:
    assert decoder.decode(scene([])) == []
    assert decoder.decode(np.zeros(SIZE, np.uint8)) == []
    assert decoder.decode(np.full((720, 1280, 3), 255, np.uint8)) == []


@pytest.mark.parametrize("frame", [
    np.zeros((0, 0), np.uint8), np.zeros((0, 640, 3), np.uint8), np.zeros(10, np.uint8),
    np.zeros((4, 4, 4, 4), np.uint8), np.zeros((480, 640, 2), np.uint8),
    np.zeros((480, 640), np.float32), np.zeros((480, 640), np.uint16),
    np.zeros((480, 640), bool), np.zeros((1, 1), np.uint8), [[0, 255], [255, 0]], None,
], ids=lambda f: f"{type(f).__name__}{getattr(f, 'shape', '')}{getattr(f, 'dtype', '')}")
def test_odd_arrays_give_nothing_rather_than_an_error(decoder: Decoder, frame: object) -> None:
    assert decoder.decode(frame) == []  # type: ignore[arg-type]


@settings(max_examples=30, deadline=None)
@given(hnp.arrays(np.uint8, hnp.array_shapes(min_dims=2, max_dims=3, min_side=1, max_side=64)))
def test_never_raises_on_any_small_8_bit_array(frame: np.ndarray) -> None:
    assert isinstance(Decoder().decode(frame), list)


def test_detections_are_frozen(decoder: Decoder) -> None:
    (found,) = decoder.decode(scene([("upce", 0, (900, 500))]))
    with pytest.raises(dataclasses.FrozenInstanceError):
        found.text = "x"  # type: ignore[misc]


@pytest.mark.parametrize("fmt", ["code128", "datamatrix", "qr"])
def test_gs1_symbols_keep_their_separators_and_give_the_gtin(decoder: Decoder, fmt: str) -> None:
    """A real GS1 symbol (FNC1), not the bracketed text: the content keeps its GS separator."""
    symbol = zxingcpp.create_barcode("(01)09506000134352(10)AB12(21)X", FORMATS[fmt], gs1=True)
    image = np.array(symbol.to_image(scale=3), dtype=np.uint8)
    frame = np.full((400, 1000), 255, np.uint8)
    frame[50:50 + image.shape[0], 50:50 + image.shape[1]] = image
    (found,) = decoder.decode(frame)
    assert found.text == "010950600013435210AB12\x1d21X"
    assert found.gtin == "09506000134352"
