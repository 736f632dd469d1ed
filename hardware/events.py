"""The one event stream that crosses from devices to the application."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class SourceState(str, Enum):
    """What a device is doing; a failing device is a state, not a crash."""

    STARTING = "starting"
    OK = "ok"
    DEGRADED = "degraded"
    UNAVAILABLE = "unavailable"
    STOPPED = "stopped"


@dataclass(frozen=True)
class Placed:
    """A product was recognised on the table (or moved).

    ``position`` is a fraction (0..1, 0..1) of the table surface, origin top-left, so devices
    need not know the screen's resolution; ``angle`` is in degrees, counter-clockwise.
    """

    code: str
    source: str
    position: tuple[float, float]
    angle: float
    t: float


@dataclass(frozen=True)
class Removed:
    """A product left the table."""

    code: str
    source: str
    t: float


@dataclass(frozen=True)
class SourceStatus:
    """A device changed state; ``reason`` is a sentence an installer can act on."""

    source: str
    state: SourceState
    reason: str = ""


HardwareEvent = Placed | Removed | SourceStatus
