"""Devices chosen by name from the store config, real or simulated, through one registry."""

from __future__ import annotations

from hardware.sim import SimulatedSource
from hardware.source import Clock, EventSource

ROLES = ("camera", "nfc")
DEVICE_NAMES = {
    "none": "no device: this table does not use it",
    "sim": "simulated device, driven by the simulator and scenarios",
}


def device_problem(role: str, device: str) -> str | None:
    """Say why ``device`` cannot be opened for ``role``, or None when it can."""
    if role not in ROLES:
        return f"unknown device role {role!r}; roles are {', '.join(ROLES)}"
    if device not in DEVICE_NAMES:
        names = ", ".join(repr(name) for name in DEVICE_NAMES)
        return f"{role} device {device!r} is not supported by this version; use one of {names}"
    return None


def open_source(role: str, device: str, clock: Clock) -> EventSource | None:
    """Build the source for ``device`` (not started); None for ``"none"``."""
    problem = device_problem(role, device)
    if problem:
        raise ValueError(problem)
    if device == "none":
        return None
    return SimulatedSource(role, clock)
