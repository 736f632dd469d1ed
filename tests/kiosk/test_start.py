"""A quick start (issue 20): the modules a kiosk starts with leave out what its first frame does
not need, the camera can join after the first frame, and the store's media are not decoded
again at each start. ``bench.start`` measures the start itself; nothing here is timed."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from pathlib import Path
from types import SimpleNamespace
from typing import get_args

from hardware.events import Placed
from hardware.registry import FORMAT_NAMES, Camera
from hardware.source import EventSource
from kiosk.app.devices import Devices
from kiosk.app.services import Services
from kiosk.config.index_file import INDEX_FILE, connect
from kiosk.config.media_check import RememberedChecks

REPO = Path(__file__).resolve().parent.parent.parent
FIRST_FRAME_NEEDS_NONE_OF = (
    "cv2", "hardware.camera", "hardware.decoding", "hardware.virtual_camera", "biip", "pyzbar",
    "zxingcpp", "nfc", "requests", "ssl", "smtplib", "cryptography", "google",
    "prometheus_client", "segno", "kiosk.fleet.sync", "kiosk.analytics.charts")
"""OpenCV and the decoders come with the camera, after the first frame; the rest only with the
settings or the moment that use them (wallet keys, a sync, a sent message, a QR code, ...)."""


def test_the_start_imports_nothing_the_first_frame_does_not_need() -> None:
    probe = ("import sys\n"
             "import kiosk.cli, kiosk.commands.simulate, kiosk.commands.run, kiosk.assembly\n"
             "import kiosk.simulator.player, kiosk.simulator.window\n"
             f"print(' '.join(m for m in {FIRST_FRAME_NEEDS_NONE_OF!r} if m in sys.modules))\n")
    found = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True,
                           text=True, timeout=60, check=True,
                           env={**os.environ, "PYTHONPATH": str(REPO)}).stdout.split()
    assert found == []


def test_biip_is_loaded_by_the_first_code_that_is_not_plain_digits() -> None:
    probe = ("import sys\n"
             "from hardware.gs1 import read_content\n"
             "retail = read_content('3760000000017', 'ean13', ']E0').gtin\n"
             "before = 'biip' in sys.modules\n"
             "marked = read_content('0103760000000017', 'datamatrix', ']d2').gtin\n"
             "print(retail, before, marked, 'biip' in sys.modules)\n")
    shown = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True,
                           text=True, timeout=60, check=True,
                           env={**os.environ, "PYTHONPATH": str(REPO)}).stdout.split()
    assert shown == ["03760000000017", "False", "03760000000017", "True"]


def test_the_format_names_are_those_the_decoder_reads() -> None:
    from hardware.symbologies import FORMATS
    from kiosk.config.store import Symbology

    assert FORMAT_NAMES == tuple(FORMATS) == get_args(Symbology)


class Source(EventSource):
    """A device that only counts its starts."""

    def __init__(self) -> None:
        super().__init__("camera")
        self.starts = 0

    def start(self) -> None:
        self.starts += 1

    def stop(self) -> None:
        pass


def test_a_camera_left_for_later_opens_once_and_joins_the_services() -> None:
    source, opened = Source(), []

    def open_camera() -> Camera:
        opened.append(source)
        return Camera(source, None)  # type: ignore[arg-type]

    idle = SimpleNamespace(start=lambda: None)
    services = Services(catalog=None, live=idle, usage=None, send=None)  # type: ignore[arg-type]
    devices = Devices(camera_opener=open_camera, on_source=services.add_source)
    assert devices.camera is not None and devices.camera.source is source
    assert devices.open_camera() is devices.camera and opened == [source]
    assert devices.sources == services.sources == [source] and source.starts == 0
    wake = threading.Event()
    services.start(wake)
    try:
        late = Source()
        services.add_source(late)
        assert source.starts == late.starts == 1, "opened before the start or after, started once"
        late.emit(Placed("3760000000017", "camera", (0.5, 0.5), 0.0, 0.0))
        assert wake.is_set(), "a device opened late wakes the frame loop like the others"
    finally:
        logging.getLogger().removeHandler(services.problems)


def test_the_store_media_checks_are_remembered_by_size_and_time(tmp_path: Path) -> None:
    index = tmp_path / INDEX_FILE
    connect(index).close()
    slide = tmp_path / "slide.png"
    slide.write_bytes(b"an image")
    checks = RememberedChecks(index)
    assert checks.get(slide) is None
    checks[slide] = True
    checks.save()
    assert RememberedChecks(index).get(slide) is True
    slide.write_bytes(b"another image")
    assert RememberedChecks(index).get(slide) is None, "a changed file is checked again"
    assert RememberedChecks(None).get(slide) is None
