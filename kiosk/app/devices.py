"""The devices a kiosk runs with: those the store config names, plus the simulator's.

The camera may be opened later than the others (``open_devices(..., camera_later=True)``):
OpenCV, the decoders and, in the simulator, the virtual camera's buffers take about half a
second, and the attract loop shown first needs none of them. ``Kiosk.start`` opens it in a
thread of its own, beside the first frames; anyone who asks for it before (a scenario placing
a product, the simulator's tray) opens it there and then, and whoever comes second waits for
the first.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from hardware.registry import (
    Camera,
    Nfc,
    NfcSettings,
    load_camera_modules,
    open_camera,
    open_nfc,
)
from hardware.sim import SimulatedSource
from hardware.source import Clock, EventSource
from kiosk.catalog.catalog import Catalog
from kiosk.config import KioskConfig
from kiosk.config.fields import is_video

if TYPE_CHECKING:
    from hardware.virtual_camera import VirtualCamera
    from hardware.virtual_nfc import VirtualNfc


@dataclass
class Devices:
    """Every event source, and handles on the simulated ones that scenarios drive."""

    sources: list[EventSource] = field(default_factory=list)
    sim: SimulatedSource | None = None
    nfc: Nfc | None = None
    catalog: Callable[[], Catalog] | None = None
    """The catalog in use, which a reload replaces (``assemble`` points it at the kiosk's)."""
    camera_opener: Callable[[], Camera | None] | None = None
    """Opens the camera not opened yet (None: opened, or there is none)."""
    on_source: Callable[[EventSource], None] | None = None
    """Told of a source opened after the others (``assemble`` hands it to the services)."""
    _camera: Camera | None = field(default=None, repr=False)
    _opening: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def knows(self, code: str) -> bool:
        """Whether the catalog in use has ``code`` (the camera checks its reads with it)."""
        return self.catalog is not None and self.catalog().get(code) is not None

    @property
    def camera(self) -> Camera | None:
        """The camera, opened first if it was left for later."""
        return self.open_camera()

    def open_camera(self) -> Camera | None:
        """Open the camera if it was left for later (its source joins ``sources`` and goes to
        ``on_source``); a second caller meanwhile waits for the first. Returns the camera."""
        with self._opening:
            if self.camera_opener is not None:
                opener, self.camera_opener = self.camera_opener, None
                self._camera = opener()
                if self._camera is not None:
                    self.sources.append(self._camera.source)
                    if self.on_source is not None:
                        self.on_source(self._camera.source)
            return self._camera

    @property
    def virtual_camera(self) -> VirtualCamera | None:
        """The simulator's camera, when the store config's camera is ``sim``."""
        return self.camera.virtual if self.camera else None

    @property
    def virtual_nfc(self) -> VirtualNfc | None:
        """The simulator's tag emulator, when the store config's NFC reader is ``sim``."""
        return self.nfc.virtual if self.nfc else None

    def step_camera(self) -> bool:
        """Step mode: let the camera take and process one frame; False if it did not answer."""
        if self.camera is None or self.camera.lockstep is None:
            return True
        return self.camera.lockstep.step()

    def end_input(self) -> None:
        """Step mode: release a camera waiting for its next frame, before stopping."""
        camera = self._opened_camera()
        if camera is not None and camera.lockstep is not None:
            camera.lockstep.close()

    def close(self) -> None:
        """Release what outlives the sources: the simulator's tag emulator process."""
        if self.virtual_nfc is not None:
            self.virtual_nfc.close()

    def _opened_camera(self) -> Camera | None:
        """The camera if it was opened; one never opened is not opened to be closed."""
        with self._opening:
            return self._camera


def open_devices(config: KioskConfig, catalog: Catalog, clock: Clock, *, simulator: bool,
                 lockstep: bool = False, camera_later: bool = False) -> Devices:
    """Open (not start) the configured devices; with ``simulator``, also the ``via: sim`` one.

    ``lockstep``: the camera takes one frame per ``Devices.step_camera`` (step-mode runs).
    ``camera_later``: leave the camera to ``Devices.open_camera`` (its setting was checked
    with the config)."""
    devices = Devices(catalog=lambda: catalog)
    if simulator:
        devices.sim = SimulatedSource("sim", clock)
        devices.sources.append(devices.sim)
    settings = config.store.sources.camera.settings(config.config_dir)

    def camera() -> Camera | None:
        return open_camera(settings, clock, known=devices.knows, lockstep=lockstep)

    devices.camera_opener = camera
    if not camera_later:
        devices.open_camera()
    elif needs_opencv(config):
        import cv2  # noqa: F401  here, before the first frame: see needs_opencv

        if settings.device != "none":
            load_camera_modules(settings.device)
    nfc = config.store.sources.nfc
    devices.nfc = open_nfc(NfcSettings(nfc.device, config.nfc_tags, nfc.position), clock)
    if devices.nfc is not None:
        devices.sources.append(devices.nfc.source)
    return devices


def needs_opencv(config: KioskConfig) -> bool:
    """Whether this kiosk will load OpenCV soon after its first frame (a camera, or a video in
    the attract loop). Then it is loaded before that frame: its initialisation holds the GIL
    for about 20 ms, which in a thread of its own stalls the frames drawn meanwhile."""
    store = config.store
    media = store.attract.media + tuple(item.file for item in store.attract.scheduled)
    return store.sources.camera.device != "none" or any(is_video(path) for path in media)
