"""A table put together (by ``kiosk.assembly``): its frame loop, services and devices, started
and stopped as one."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.app.devices import Devices
from kiosk.app.loop import App
from kiosk.app.services import Services


@dataclass
class Kiosk:
    """A table's frame loop, the services beside it and the devices it reads."""

    app: App
    services: Services
    devices: Devices

    def start(self) -> None:
        """Start the services, then the devices."""
        self.services.start(self.app.wake)

    def stop(self) -> None:
        """Stop the devices and the services, then release the screen's resources and what
        outlives the devices (the simulator's tag emulator)."""
        self.services.stop()
        self.app.close()
        self.devices.close()
