"""Step-mode frames: one frame per step, and step returns once it was processed."""

from __future__ import annotations

import threading

import numpy as np

from hardware.lockstep import LockstepFrames


class CountingFrames:
    size = (4, 3)
    realtime = False

    def __init__(self) -> None:
        self.served = 0

    def open(self) -> None:
        pass

    def read(self) -> tuple[np.ndarray, float]:
        self.served += 1
        return np.zeros((3, 4, 3), np.uint8), float(self.served)

    def close(self) -> None:
        pass


def test_each_step_lets_one_frame_through_and_waits_for_its_processing() -> None:
    inner = CountingFrames()
    gate = LockstepFrames(inner)
    processed: list[float] = []

    def consumer() -> None:
        while (read := gate.read()) is not None:
            processed.append(read[1])

    thread = threading.Thread(target=consumer)
    thread.start()
    for expected in (1, 2, 3):
        assert gate.step(timeout=2.0)
        assert processed == [float(n) for n in range(1, expected + 1)]
        assert inner.served == expected
    gate.close()
    thread.join(timeout=2.0)
    assert not thread.is_alive()


def test_step_times_out_when_nobody_reads() -> None:
    gate = LockstepFrames(CountingFrames())
    assert not gate.step(timeout=0.1)
