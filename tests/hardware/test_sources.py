"""Device threads: events through the queue, failures as states, prompt shutdown."""

from __future__ import annotations

import threading
import time

import pytest

from hardware.backoff import Backoff
from hardware.events import Placed, Removed, SourceState, SourceStatus
from hardware.registry import (
    CameraSettings,
    NfcSettings,
    device_problem,
    open_camera,
    open_nfc,
)
from hardware.sim import SimulatedSource
from hardware.source import EventSource, ThreadedSource


def wait_for(source: EventSource, predicate, timeout: float = 2.0) -> list:  # noqa: ANN001
    """Poll like the frame loop does until ``predicate(events)`` holds (bounded)."""
    events: list = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        events += source.poll()
        if predicate(events):
            return events
        time.sleep(0.005)
    raise AssertionError(f"timed out; events so far: {events}")


def test_simulated_source_emits_from_its_own_thread() -> None:
    source = SimulatedSource("sim", clock=lambda: 12.5)
    source.start()
    try:
        source.place("036000291452", 0.25, 1.7, 30)
        source.remove("036000291452")
        events = wait_for(source, lambda ev: any(isinstance(e, Removed) for e in ev))
    finally:
        source.stop()
    placed = next(e for e in events if isinstance(e, Placed))
    assert placed == Placed("00036000291452", "sim", (0.25, 1.0), 30, 12.5)
    assert Removed("00036000291452", "sim", 12.5) in events
    assert SourceStatus("sim", SourceState.OK, "simulated") in events
    assert source.poll() [-1] == SourceStatus("sim", SourceState.STOPPED)


def test_settle_waits_until_commands_became_events() -> None:
    source = SimulatedSource("sim", clock=time.monotonic)
    source.start()
    try:
        for index in range(50):
            source.place(f"code-{index}", 0.5, 0.5)
        assert source.settle(timeout=2.0)
        placed = [e for e in source.poll(limit=1000) if isinstance(e, Placed)]
    finally:
        source.stop()
    assert [e.code for e in placed] == [f"code-{index}" for index in range(50)]


class FlakyReader(ThreadedSource):
    """Fails twice like an unplugged reader, then works until stopped."""

    def __init__(self) -> None:
        super().__init__("flaky", Backoff(initial=0.01, maximum=0.04))
        self.attempts = 0

    def run(self, stop: threading.Event) -> None:
        self.attempts += 1
        if self.attempts <= 2:
            raise OSError("reader unplugged")
        self.status(SourceState.OK)
        self.emit(Placed("x", self.name, (0.5, 0.5), 0.0, 0.0))
        stop.wait()


def test_a_failing_device_is_a_state_and_recovers() -> None:
    reader = FlakyReader()
    reader.start()
    try:
        events = wait_for(reader, lambda ev: any(isinstance(e, Placed) for e in ev))
    finally:
        reader.stop()
    states = [e.state for e in events if isinstance(e, SourceStatus)]
    assert states.count(SourceState.UNAVAILABLE) == 2
    assert states[-1] == SourceState.OK
    failures = [e.reason for e in events if isinstance(e, SourceStatus)
                and e.state == SourceState.UNAVAILABLE]
    assert "reader unplugged (retrying in 0.0 s)" == failures[0]
    assert reader.attempts == 3


def test_stop_is_prompt_even_while_a_device_waits() -> None:
    source = SimulatedSource("sim", clock=time.monotonic)
    source.start()
    started = time.monotonic()
    source.stop(timeout=2.0)
    assert time.monotonic() - started < 1.0


def test_backoff_doubles_up_to_its_maximum_and_resets() -> None:
    backoff = Backoff(initial=0.5, maximum=3.0)
    assert [backoff.next_delay() for _ in range(5)] == [0.5, 1.0, 2.0, 3.0, 3.0]
    backoff.reset()
    assert backoff.next_delay() == 0.5
    with pytest.raises(ValueError):
        Backoff(initial=0)


def test_registry_opens_devices_by_name(tmp_path) -> None:  # noqa: ANN001
    assert open_nfc(NfcSettings("none"), time.monotonic) is None
    sim = open_nfc(NfcSettings("sim", position=(0.8, 0.2)), time.monotonic)
    assert sim is not None and sim.virtual is not None
    assert sim.source.device == sim.virtual.device
    assert sim.virtual.device.startswith("udp:127.0.0.1:")
    assert (sim.source.name, sim.source.position) == ("nfc", (0.8, 0.2))
    for name in ("usb", "usb:054c", "usb:054c:06c3", "usb:001:004", "tty:USB0:pn532",
                 "udp", "udp:127.0.0.1:54321"):
        assert device_problem("nfc", name, None) is None, name
    assert "not a reader path" in (device_problem("nfc", "acr122", None) or "")
    udp = open_nfc(NfcSettings("udp:127.0.0.1:54321"), time.monotonic)
    assert udp is not None and udp.virtual is None
    assert udp.source.device == "udp:127.0.0.1:54321"
    with pytest.raises(ValueError):
        open_nfc(NfcSettings("acr122"), time.monotonic)
    assert open_camera(CameraSettings("none"), time.monotonic, known=bool) is None


def test_camera_names_are_checked_without_opening_anything(tmp_path) -> None:  # noqa: ANN001
    (tmp_path / "clip.mp4").write_bytes(b"")
    (tmp_path / "frames").mkdir()
    (tmp_path / "notes.txt").write_text("x")
    for name in ("0", "2", "/dev/video9", "sim", "none", "clip.mp4", "frames"):
        assert device_problem("camera", name, tmp_path) is None, name
    assert "is not a device index" in device_problem("camera", "notes.txt", tmp_path)
    assert "is not a device index" in device_problem("camera", "webcam", tmp_path)
    assert "does not exist" in device_problem("camera", "missing.mp4", tmp_path)
    assert "unknown device role" in device_problem("scale", "sim", tmp_path)
