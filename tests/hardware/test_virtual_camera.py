"""The simulator's camera: its frames must be decodable by the real decoder, where placed."""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Iterator

import cv2
import numpy as np
import pytest
import zxingcpp

from hardware.virtual_camera import VirtualCamera, default_table_to_camera
from hardware.virtual_labels import label_content

EAN13 = "3760000000017"
UPCA = "036000291452"
EAN8 = "96385074"
GTIN14 = "10012345600019"


@pytest.fixture(scope="module")
def camera() -> Iterator[VirtualCamera]:
    """One unpaced 1080p camera for the module (building one precomputes its backdrop)."""
    cam = VirtualCamera(paced=False)
    cam.open()
    yield cam
    cam.close()


def snap(cam: VirtualCamera) -> np.ndarray:
    result = cam.read()
    assert result is not None
    return result[0]


def decoded_at(cam: VirtualCamera, frame: np.ndarray) -> list[tuple[str, float, float]]:
    """Every barcode zxing-cpp finds, with its centre mapped onto the table (fractions)."""
    found = []
    for barcode in zxingcpp.read_barcodes(frame):
        quad = barcode.position
        points = [quad.top_left, quad.top_right, quad.bottom_right, quad.bottom_left]
        centre = np.mean([(p.x, p.y) for p in points], axis=0)
        u, v = cv2.perspectiveTransform(centre.reshape(1, 1, 2), cam.camera_to_table)[0, 0]
        found.append((barcode.text, float(u), float(v)))
    return found


def assert_seen(cam: VirtualCamera, text: str, x: float, y: float, tolerance: float = 0.03
                ) -> None:
    found = decoded_at(cam, snap(cam))
    hits = [(u, v) for t, u, v in found if t == text]
    assert hits, f"{text} not decoded; found {found}"
    nearest = min(max(abs(u - x), abs(v - y)) for u, v in hits)
    assert nearest <= tolerance, f"{text} decoded at {hits}, placed at {(x, y)}"


def test_frames_have_the_camera_size_and_bgr_bytes() -> None:
    cam = VirtualCamera((1280, 720), paced=False, clock=lambda: 42.0)
    cam.open()
    result = cam.read()
    assert result is not None
    frame, t = result
    assert frame.shape == (720, 1280, 3) and frame.dtype == np.uint8
    assert t == 42.0
    assert cam.realtime is True and cam.size == (1280, 720)


def test_reading_a_closed_camera_is_an_os_error_and_it_reopens() -> None:
    cam = VirtualCamera((320, 240), paced=False)
    with pytest.raises(OSError, match="not open"):
        cam.read()
    cam.open()
    cam.close()
    cam.close()
    cam.open()
    assert cam.read() is not None


def test_the_known_mapping_is_a_mild_keystone_and_its_inverse_is_exposed(
        camera: VirtualCamera) -> None:
    assert np.allclose(camera.table_to_camera, default_table_to_camera((1920, 1080)))
    assert np.allclose(camera.camera_to_table @ camera.table_to_camera, np.eye(3))
    corners = cv2.perspectiveTransform(np.float64([[(0, 0), (1, 0), (1, 1), (0, 1)]]),
                                       camera.table_to_camera)[0]
    top, bottom = corners[1, 0] - corners[0, 0], corners[2, 0] - corners[3, 0]
    assert 0.85 < top / bottom < 0.98
    assert 0.85 * 1920 < bottom < 1920 and 0.8 * 1080 < corners[2, 1] - corners[1, 1] < 1080


@pytest.mark.parametrize("angle", [0, 45, 90, 180, 300])
@pytest.mark.parametrize("position", [(0.5, 0.5), (0.22, 0.28), (0.78, 0.74)])
def test_an_ean13_decodes_where_it_was_placed(camera: VirtualCamera, angle: float,
                                              position: tuple[float, float]) -> None:
    camera.place(EAN13, *position, angle)
    try:
        assert_seen(camera, EAN13, *position)
    finally:
        camera.remove(EAN13)


@pytest.mark.parametrize("angle", [0, 45, 170, 300])
def test_a_qr_digital_link_decodes_where_it_was_placed(camera: VirtualCamera,
                                                       angle: float) -> None:
    camera.place(EAN13, 0.35, 0.6, angle, fmt="qr")
    try:
        assert_seen(camera, "https://id.gs1.org/01/03760000000017", 0.35, 0.6)
    finally:
        camera.remove(EAN13)


@pytest.mark.parametrize(("code", "fmt", "text", "angle"), [
    (UPCA, None, "0036000291452", 90),
    (EAN8, None, EAN8, 30),
    (GTIN14, None, f"(01){GTIN14}", 0),
    (EAN13, "datamatrix", f"(01)0{EAN13}", 120),
    ("SKU-42/blue", None, "SKU-42/blue", 180),
])
def test_every_kind_of_label_decodes(camera: VirtualCamera, code: str, fmt: str | None,
                                     text: str, angle: float) -> None:
    camera.place(code, 0.5, 0.45, angle, fmt)
    try:
        assert_seen(camera, text, 0.5, 0.45)
    finally:
        camera.remove(code)


def test_gtin14_is_printed_as_gs1_128() -> None:
    camera = VirtualCamera((1280, 720), paced=False)
    camera.open()
    camera.place(GTIN14, 0.5, 0.5)
    [barcode] = zxingcpp.read_barcodes(snap(camera))
    assert barcode.format == zxingcpp.BarcodeFormat.Code128
    assert barcode.content_type == zxingcpp.ContentType.GS1


def test_several_products_at_once_and_remove_clears_one(camera: VirtualCamera) -> None:
    camera.place(EAN13, 0.25, 0.3, 10)
    camera.place(EAN8, 0.75, 0.7, 200)
    try:
        texts = {text for text, _u, _v in decoded_at(camera, snap(camera))}
        assert texts == {EAN13, EAN8}
        camera.remove(EAN13)
        assert {text for text, _u, _v in decoded_at(camera, snap(camera))} == {EAN8}
    finally:
        camera.remove(EAN8)
    assert decoded_at(camera, snap(camera)) == []


def test_placing_again_moves_the_product(camera: VirtualCamera) -> None:
    camera.place(UPCA, 0.2, 0.3)
    camera.place("0036000291452", 0.7, 0.6)
    try:
        found = decoded_at(camera, snap(camera))
        assert len({text for text, _u, _v in found}) == 1
        assert_seen(camera, "0036000291452", 0.7, 0.6)
    finally:
        camera.remove(UPCA)


def test_noise_is_fresh_each_frame_but_seeded() -> None:
    frames = []
    for _ in range(2):
        cam = VirtualCamera((320, 240), paced=False, seed=7)
        cam.open()
        frames.append([snap(cam), snap(cam)])
    assert np.array_equal(frames[0][0], frames[1][0])
    difference = frames[0][0].astype(int) - frames[0][1].astype(int)
    assert 2.0 < difference.std() < 10.0


def test_show_puts_the_image_on_the_table_and_none_darkens_it(camera: VirtualCamera) -> None:
    centre = (slice(500, 580), slice(920, 1000))
    camera.show(np.full((1080, 1920, 3), 255, np.uint8))
    try:
        assert snap(camera)[centre].mean() > 180
    finally:
        camera.show(None)
    assert snap(camera)[centre].mean() < 60


def test_bad_codes_fail_in_the_callers_thread(camera: VirtualCamera) -> None:
    with pytest.raises(ValueError, match="unknown barcode format"):
        camera.place(EAN13, 0.5, 0.5, fmt="aztec")
    with pytest.raises(ValueError, match="does not fit in ean8"):
        camera.place(EAN13, 0.5, 0.5, fmt="ean8")
    with pytest.raises(ValueError, match="finite"):
        camera.place(EAN13, float("nan"), 0.5)


def test_label_content_follows_what_shops_print() -> None:
    assert label_content(EAN13) == (EAN13, "ean13", False)
    assert label_content(UPCA) == (UPCA, "upca", False)
    assert label_content(EAN8) == (EAN8, "ean8", False)
    assert label_content(GTIN14) == (f"(01){GTIN14}", "code128", True)
    assert label_content(UPCA, "ean13") == ("0036000291452", "ean13", False)
    assert label_content(EAN13, "qr") == ("https://id.gs1.org/01/03760000000017", "qr", False)
    assert label_content("x" * 60) == ("x" * 40, "code128", False)
    assert label_content("3760000000018") == ("3760000000018", "code128", False)


def test_placing_from_another_thread_while_reading() -> None:
    cam = VirtualCamera((960, 540), paced=False)
    cam.open()
    stop = threading.Event()
    errors: list[BaseException] = []

    def fiddle() -> None:
        index = 0
        while not stop.is_set():
            try:
                cam.place(EAN13, (index % 10) / 10, 0.5, index * 7)
                cam.show(None if index % 3 else np.zeros((90, 160, 3), np.uint8))
                if index % 4 == 0:
                    cam.remove(EAN13)
            except BaseException as exc:  # reported below, in the test's thread
                errors.append(exc)
                return
            index += 1

    thread = threading.Thread(target=fiddle)
    thread.start()
    try:
        frames = [snap(cam) for _ in range(40)]
    finally:
        stop.set()
        thread.join(5)
    assert not errors
    assert all(frame.shape == (540, 960, 3) for frame in frames)


class FakeTime:
    """A clock that only moves when the camera sleeps (or the test says so)."""

    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_paced_frames_come_at_the_frame_rate_on_a_fake_clock() -> None:
    fake = FakeTime()
    cam = VirtualCamera((320, 240), fps=25, clock=fake.clock, sleep=fake.sleep)
    cam.open()
    times = []
    for _ in range(6):
        result = cam.read()
        assert result is not None
        times.append(result[1])
    assert np.allclose(np.diff(times), 0.04)
    assert max(fake.sleeps) <= 0.04 + 1e-9


def test_a_late_reader_is_not_made_to_wait_longer_than_a_frame() -> None:
    fake = FakeTime()
    cam = VirtualCamera((320, 240), fps=10, clock=fake.clock, sleep=fake.sleep)
    cam.open()
    cam.read()
    fake.now += 5.0
    cam.read()
    cam.read()
    assert all(0 <= s <= 0.1 + 1e-9 for s in fake.sleeps)
    assert fake.sleeps[-1] == pytest.approx(0.1)


def test_paced_frames_come_at_the_frame_rate_in_real_time() -> None:
    cam = VirtualCamera((640, 360), fps=50)
    cam.open()
    times = [cam.read()[1] for _ in range(11)]  # type: ignore[index]
    assert 0.18 <= times[-1] - times[0] <= 0.35


def test_render_time_per_1080p_frame(camera: VirtualCamera) -> None:
    camera.place(EAN13, 0.3, 0.4, 20)
    camera.place(EAN8, 0.7, 0.6, 110, fmt="qr")
    steady, changing = [], []
    try:
        for index in range(30):
            start = time.perf_counter()
            snap(camera)
            steady.append(time.perf_counter() - start)
            camera.place(EAN13, 0.3 + index / 100, 0.4, 20 + index)
            start = time.perf_counter()
            snap(camera)
            changing.append(time.perf_counter() - start)
    finally:
        camera.remove(EAN13)
        camera.remove(EAN8)
    print(f"\nvirtual camera 1080p: {1000 * statistics.median(steady):.1f} ms per frame, "
          f"{1000 * statistics.median(changing):.1f} ms after a change")
    assert statistics.median(steady) < 0.05
    assert statistics.median(changing) < 0.1


def test_products_lifted_in_any_order_leave_the_empty_table_behind() -> None:
    """Regions are drawn anew from the empty table and the products reaching into them: two
    overlapping products, one moved then both lifted, leave no trace (sensor noise apart)."""
    cam = VirtualCamera((960, 540), paced=False, seed=3)
    cam.open()

    def scene() -> np.ndarray:  # the noise averaged out: a 9x9 blur of the frame
        return cv2.GaussianBlur(snap(cam), (9, 9), 0).astype(int)

    empty = scene()
    cam.place(EAN13, 0.40, 0.50, 20)
    cam.place(EAN8, 0.48, 0.55, 200)
    both = scene()
    assert np.abs(both - empty).max() > 100  # they are drawn
    cam.place(EAN13, 0.34, 0.45, 35)  # moved, still overlapping the other one
    assert np.abs(scene() - both).max() > 100
    cam.remove(EAN8)
    cam.remove(EAN13)
    assert np.abs(scene() - empty).max() <= 6
