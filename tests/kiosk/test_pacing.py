"""The frame loop waits for the next frame, unless a device has something to show."""

from __future__ import annotations

import threading
import time

from kiosk.app.pacing import FramePacer


def test_a_device_event_wakes_the_loop_long_before_the_next_frame() -> None:
    pacer = FramePacer(fps=0.5)  # next frame due in 2 s
    wake = threading.Event()
    threading.Timer(0.05, wake.set).start()
    started = time.monotonic()
    pacer.wait(wake)
    assert time.monotonic() - started < 1.0
    assert not wake.is_set()


def test_without_events_frames_come_at_the_frame_rate() -> None:
    pacer = FramePacer(fps=20)
    wake = threading.Event()
    started = time.monotonic()
    for _ in range(3):
        pacer.wait(wake)
    assert time.monotonic() - started >= 0.14


def test_a_flood_of_events_cannot_spin_the_loop() -> None:
    started = time.monotonic()  # before the pacer: its first gap counts from its creation
    pacer = FramePacer(fps=1)
    wake = threading.Event()
    for _ in range(5):
        wake.set()
        pacer.wait(wake)
    assert time.monotonic() - started >= 0.018
