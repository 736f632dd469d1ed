"""The devices a kiosk runs with: those the store config names, plus the simulator's."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from hardware.registry import Camera, Nfc, NfcSettings, open_camera, open_nfc
from hardware.sim import SimulatedSource
from hardware.source import Clock, EventSource
from hardware.virtual_camera import VirtualCamera
from hardware.virtual_nfc import VirtualNfc
from kiosk.catalog.catalog import Catalog
from kiosk.config import KioskConfig


@dataclass
class Devices:
    """Every event source, and handles on the simulated ones that scenarios drive."""

    sources: list[EventSource] = field(default_factory=list)
    sim: SimulatedSource | None = None
    camera: Camera | None = None
    nfc: Nfc | None = None
    catalog: Callable[[], Catalog] | None = None
    """The catalog in use, which a reload replaces (``assemble`` points it at the kiosk's)."""

    def knows(self, code: str) -> bool:
        """Whether the catalog in use has ``code`` (the camera checks its reads with it)."""
        return self.catalog is not None and self.catalog().get(code) is not None

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
        if self.camera is not None and self.camera.lockstep is not None:
            self.camera.lockstep.close()

    def close(self) -> None:
        """Release what outlives the sources: the simulator's tag emulator process."""
        if self.virtual_nfc is not None:
            self.virtual_nfc.close()


def open_devices(config: KioskConfig, catalog: Catalog, clock: Clock, *, simulator: bool,
                 lockstep: bool = False) -> Devices:
    """Open (not start) the configured devices; with ``simulator``, also the ``via: sim`` one.

    ``lockstep``: the camera takes one frame per ``Devices.step_camera`` (step-mode runs).
    """
    devices = Devices(catalog=lambda: catalog)
    if simulator:
        devices.sim = SimulatedSource("sim", clock)
        devices.sources.append(devices.sim)
    sources = config.store.sources
    devices.camera = open_camera(sources.camera.settings(config.config_dir), clock,
                                 known=devices.knows,
                                 lockstep=lockstep)
    if devices.camera is not None:
        devices.sources.append(devices.camera.source)
    devices.nfc = open_nfc(NfcSettings(sources.nfc.device, config.nfc_tags,
                                       sources.nfc.position), clock)
    if devices.nfc is not None:
        devices.sources.append(devices.nfc.source)
    return devices
