"""The devices a kiosk runs with: those the store config names, plus the simulator's."""

from __future__ import annotations

from dataclasses import dataclass, field

from hardware.registry import Camera, open_camera, open_nfc
from hardware.sim import SimulatedSource
from hardware.source import Clock, EventSource
from hardware.virtual_camera import VirtualCamera
from kiosk.catalog import Catalog
from kiosk.config import KioskConfig


@dataclass
class Devices:
    """Every event source, and handles on the simulated ones that scenarios drive."""

    sources: list[EventSource] = field(default_factory=list)
    sim: SimulatedSource | None = None
    camera: Camera | None = None

    @property
    def virtual_camera(self) -> VirtualCamera | None:
        """The simulator's camera, when the store config's camera is ``sim``."""
        return self.camera.virtual if self.camera else None

    def step_camera(self) -> bool:
        """Step mode: let the camera take and process one frame; False if it did not answer."""
        if self.camera is None or self.camera.lockstep is None:
            return True
        return self.camera.lockstep.step()

    def end_input(self) -> None:
        """Step mode: release a camera waiting for its next frame, before stopping."""
        if self.camera is not None and self.camera.lockstep is not None:
            self.camera.lockstep.close()


def open_devices(config: KioskConfig, catalog: Catalog, clock: Clock, *, simulator: bool,
                 lockstep: bool = False) -> Devices:
    """Open (not start) the configured devices; with ``simulator``, also the ``via: sim`` one.

    ``lockstep``: the camera takes one frame per ``Devices.step_camera`` (step-mode runs).
    """
    devices = Devices()
    if simulator:
        devices.sim = SimulatedSource("sim", clock)
        devices.sources.append(devices.sim)
    sources = config.store.sources
    devices.camera = open_camera(sources.camera.settings(config.config_dir), clock,
                                 known=lambda code: catalog.get(code) is not None,
                                 lockstep=lockstep)
    if devices.camera is not None:
        devices.sources.append(devices.camera.source)
    nfc = open_nfc(sources.nfc.device, clock)
    if nfc is not None:
        devices.sources.append(nfc)
    return devices
