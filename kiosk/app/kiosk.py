"""A table put together (by ``kiosk.assembly``): its frame loop, services and devices, started
and stopped as one.

The attract loop comes first: a camera left for later (``open_devices(..., camera_later=True)``)
is opened in a thread of its own as the kiosk starts, so the first frame does not wait for it,
and joins the running devices once open.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from kiosk.app.devices import Devices
from kiosk.app.loop import App
from kiosk.app.services import Services

log = logging.getLogger(__name__)



@dataclass
class Kiosk:
    """A table's frame loop, the services beside it and the devices it reads."""

    app: App
    services: Services
    devices: Devices
    _stopping: threading.Event = field(default_factory=threading.Event, repr=False)
    _opener: threading.Thread | None = field(default=None, repr=False)

    def start(self) -> None:
        """Start the services, then the devices; a camera left for later opens beside the first
        frames."""
        self.services.start(self.app.wake)
        if self.devices.camera_opener is not None:
            self._opener = threading.Thread(target=self._open_camera, name="open-camera",
                                            daemon=True)
            self._opener.start()

    def stop(self) -> None:
        """Stop the devices and the services, then release the screen's resources and what
        outlives the devices (the simulator's tag emulator). A camera being opened is waited
        for, then stopped with the rest."""
        self._stopping.set()
        if self._opener is not None:
            self._opener.join()
            self._opener = None
        self.services.stop()
        self.app.close()
        self.devices.close()

    def _open_camera(self) -> None:
        """Open the camera (its source is started as it joins the services, see
        ``assemble``). Its imports and buffers take a few tenths of a second: waiting for the
        first frame as well left the table blind to a product put down in its first second."""
        if self._stopping.is_set():
            return
        try:
            self.devices.open_camera()
        except Exception:  # the config checked the setting: this is a fault of the machine
            log.exception("the camera could not be opened; the table runs without it")
