"""Devices chosen by name from the store config, real or simulated, through one registry.

Camera: ``0`` (device index), ``/dev/video2``, a video file, a folder of images, ``sim`` (the
simulator's virtual camera, decoded by the real pipeline) or ``none``. NFC: nfcpy's device
paths (``usb``, ``usb:054c``, ``tty:USB0:pn532``, ``udp:127.0.0.1:PORT``), ``sim`` (nfcpy's own
stack over a loopback udp port, with tags emulated by the simulator) or ``none``.

The config imports this module to check device names, so what opens a device (OpenCV, the
decoders, nfcpy) is imported only by the functions that open one.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from hardware.nfc_reader import CENTRE, DEFAULT_TARGETS, NfcReaderSource
from hardware.source import Clock

if TYPE_CHECKING:
    import numpy as np

    from hardware.camera import CameraSource
    from hardware.frames import FrameSource
    from hardware.lockstep import LockstepFrames
    from hardware.virtual_camera import VirtualCamera
    from hardware.virtual_nfc import VirtualNfc

log = logging.getLogger(__name__)

ROLES = ("camera", "nfc")
FORMAT_NAMES = ("ean13", "ean8", "upca", "upce", "code128", "qr", "datamatrix")
"""The names of ``hardware.symbologies.FORMATS``, for the config to check without loading
zxing-cpp and numpy (``tests/kiosk/test_start.py`` keeps the two equal)."""
NFC_DEVICES = ("sim", "none")
NFC_PATH = re.compile(r"usb(:[0-9a-fA-F]{4}(:[0-9a-fA-F]{4})?|:\d{3}(:\d{3})?)?"
                      r"|tty:[A-Za-z0-9_]+(:[a-z0-9]+)?")
UDP_HOST = re.compile(r"[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?")
UDP_TARGETS = ("212F",)  # nfcpy's udp driver emulates Type 3 tags; each other kind costs 1 s
LOOPBACK_HOSTS = ("127.0.0.1", "localhost")
MAX_PORT = 65535


@dataclass(frozen=True)
class CameraSettings:
    """The camera section of the store config, as the hardware layer takes it."""

    device: str
    width: int = 1920
    height: int = 1080
    fps: float = 30.0
    formats: tuple[str, ...] = FORMAT_NAMES
    homography: tuple[tuple[float, ...], ...] | None = None
    absent_s: float = 0.7
    base_dir: Path | None = None


@dataclass(frozen=True)
class Camera:
    """An opened camera source, the virtual camera behind it in the simulator, and the
    lock-step gate of deterministic runs."""

    source: CameraSource
    virtual: VirtualCamera | None
    lockstep: LockstepFrames | None = None


@dataclass(frozen=True)
class NfcSettings:
    """The NFC section of the store config: reader, staff tag map, reader area on the table."""

    device: str
    tag_map: dict[str, str] = field(default_factory=dict)
    position: tuple[float, float] = CENTRE


@dataclass(frozen=True)
class Nfc:
    """An opened NFC reader source, and the simulator's tag emulator behind ``sim``."""

    source: NfcReaderSource
    virtual: VirtualNfc | None


def device_problem(role: str, device: str, base_dir: Path | None) -> str | None:
    """Say why ``device`` cannot name a ``role`` device, or None when it can.

    A named device that is merely unplugged is fine: that is a state, reported at run time.
    """
    if role == "nfc":
        if device == "udp" or device.startswith("udp:"):
            return _udp_problem(device)
        if device in NFC_DEVICES or NFC_PATH.fullmatch(device):
            return None
        return (f"nfc device {device!r} is not a reader path (usb, usb:054c, tty:USB0:pn532, "
                "udp:127.0.0.1:PORT), 'sim' or 'none'")
    if role != "camera":
        return f"unknown device role {role!r}; roles are {', '.join(ROLES)}"
    if device in ("sim", "none"):
        return None
    from hardware.frames import open_frames

    try:
        frames = open_frames(device, base_dir=base_dir)
    except ValueError as exc:
        return f"{exc}, or 'sim' or 'none'"
    path = getattr(frames, "path", None)
    if isinstance(path, Path) and not path.exists():
        return f"camera device {device!r}: {path} does not exist"
    return None


def _udp_problem(device: str) -> str | None:
    """``udp``, ``udp:HOST`` or ``udp:HOST:PORT`` (nfcpy's test driver): a port nfcpy would
    reject only when it opens, or an empty part it would silently replace, is refused here."""
    parts = device.split(":")
    example = "write it udp:127.0.0.1:PORT"
    if len(parts) > 3:
        return f"nfc device {device!r} has too many parts: {example}"
    if len(parts) >= 2 and not parts[1]:
        return f"nfc device {device!r} has no host: {example}"
    if len(parts) >= 2 and not UDP_HOST.fullmatch(parts[1]):
        return (f"nfc device {device!r}: {parts[1]!r} is not a host name or IPv4 address: "
                f"{example}")
    if len(parts) == 3:
        port = parts[2]
        if not port:
            return f"nfc device {device!r} has no port after its last colon: {example}"
        if not port.isascii() or not port.isdigit():
            return f"nfc device {device!r}: the port {port!r} is not a number: {example}"
        if not 1 <= int(port) <= MAX_PORT:
            return (f"nfc device {device!r}: the port {int(port)} is outside 1 to {MAX_PORT}: "
                    f"{example}")
    return None


def load_camera_modules(device: str) -> None:
    """Import what opening a camera on ``device`` will. Module code runs holding the GIL in
    5 ms turns, and frames drawn beside the thread that opens the camera waited for it again
    and again (20-60 ms frames at the start); the kiosk calls this before its first frame
    instead (about 50 ms)."""
    import hardware.camera
    import hardware.decoding.pipeline
    import hardware.tracker

    if device == "sim":
        import hardware.virtual_camera  # noqa: F401


def open_camera(settings: CameraSettings, clock: Clock, known: Callable[[str], bool], *,
                lockstep: bool = False) -> Camera | None:
    """Build the camera source (not started), or None for ``"none"``.

    ``lockstep`` (step-mode scenarios) hands out frames one ``step`` at a time, unpaced.
    """
    problem = device_problem("camera", settings.device, settings.base_dir)
    if problem:
        raise ValueError(problem)
    if settings.device == "none":
        return None
    from hardware.camera import CameraSource
    from hardware.decoding.pipeline import Decoder
    from hardware.frames import open_frames
    from hardware.lockstep import LockstepFrames
    from hardware.tracker import Tracker
    from hardware.virtual_camera import VirtualCamera

    virtual: VirtualCamera | None = None
    if settings.device == "sim":
        virtual = VirtualCamera((settings.width, settings.height), settings.fps, clock=clock,
                                paced=not lockstep)
        camera_to_table = virtual.camera_to_table
    else:
        camera_to_table = _homography(settings)

    def device_frames() -> FrameSource:
        return open_frames(settings.device, settings.width, settings.height, settings.fps,
                           settings.base_dir)

    gate = LockstepFrames(virtual or device_frames()) if lockstep else None
    kept = gate or virtual

    def frames() -> FrameSource:
        """A fresh source at each (re)connection; the simulated one lives as long as the app."""
        return kept if kept is not None else device_frames()

    tracker = Tracker("camera", camera_to_table, known, settings.absent_s)
    source = CameraSource("camera", frames, Decoder(settings.formats), tracker, clock)
    return Camera(source, virtual, gate)


def open_nfc(settings: NfcSettings, clock: Clock) -> Nfc | None:
    """The NFC source for ``settings.device`` (not started), or None for ``"none"``."""
    from hardware.virtual_nfc import VirtualNfc, install_loopback

    device = settings.device
    problem = device_problem("nfc", device, None)
    if problem:
        raise ValueError(problem)
    if device == "none":
        return None
    virtual = VirtualNfc() if device == "sim" else None
    if virtual is not None:
        device = virtual.device
    udp = device.startswith("udp")
    if udp and [*device.split(":"), "localhost"][1] in LOOPBACK_HOSTS:
        install_loopback()
    source = NfcReaderSource(device, clock, settings.tag_map, position=settings.position,
                             targets=UDP_TARGETS if udp else DEFAULT_TARGETS)
    return Nfc(source, virtual)


def _homography(settings: CameraSettings) -> np.ndarray:
    """The calibrated mapping, or a plain scaling until ``kiosk calibrate`` has been run."""
    import numpy as np

    if settings.homography is not None:
        return np.array(settings.homography, dtype=np.float64)
    log.warning("camera %s is not calibrated: positions assume it sees exactly the table; run "
                "kiosk calibrate", settings.device)
    return np.diag([1 / settings.width, 1 / settings.height, 1.0])
