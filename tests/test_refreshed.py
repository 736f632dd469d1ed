"""Values read off the frame loop: ``get`` never waits, and a failing read keeps the last."""

from __future__ import annotations

import logging
import threading

import pytest

from kiosk.app.refreshed import Refreshed


def test_get_returns_at_once_while_the_read_is_blocked() -> None:
    release = threading.Event()
    now = [0.0]

    def slow() -> int:
        release.wait(10)
        return 7

    value = Refreshed(slow, None, 1.0, "slow figure", clock=lambda: now[0])
    assert value.get() is None  # the read is under way, blocked: the caller is not
    release.set()
    assert value.refresh_now(5) is True and value.get() == 7


def test_a_value_is_read_again_only_once_stale() -> None:
    reads: list[int] = []
    now = [0.0]
    value = Refreshed(lambda: reads.append(1) or len(reads), 0, 10.0, "count",
                      clock=lambda: now[0])
    assert value.refresh_now(5) is True
    now[0] = 5.0
    value.get()
    assert value.refresh_now(5) is True  # refresh_now reads even when fresh
    count = len(reads)
    now[0] = 6.0
    value.get()
    value._join(5)
    assert len(reads) == count, "fresh: not read again"
    now[0] = 20.0
    value.get()
    value._join(5)
    assert len(reads) == count + 1


def test_a_failing_read_keeps_the_last_value_and_warns_once(
        caplog: pytest.LogCaptureFixture) -> None:
    results: list[object] = [3, OSError("disk I/O error"), OSError("disk I/O error"), 4]

    def read() -> int:
        outcome = results.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return int(outcome)  # type: ignore[call-overload]

    value = Refreshed(read, 0, 1.0, "figures")
    with caplog.at_level(logging.WARNING, logger="kiosk.app.refreshed"):
        assert value.refresh_now(5) and value.get() == 3
        assert not value.refresh_now(5) and value.get() == 3
        assert not value.refresh_now(5) and value.get() == 3
        assert value.refresh_now(5) and value.get() == 4
    assert caplog.text.count("figures cannot be read") == 1
