"""The sync in a running kiosk: rounds in a thread of their own, the switch at an idle moment,
and going back by itself when the new version makes the kiosk unhealthy.

Why the switch waits: content changing under a shopper's hands is the one thing a table must
not do, so a ready version waits for a table with nothing on it and nobody touching it (and
for its ``activate_at``, when the chain set one to switch every table together). The switch
moves the ``current`` link; the config watcher sees it and the new version comes in through
the ordinary hot reload.

Why rounds back off with jitter: 500 tables that lost the network together must not all come
back in the same second.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from pathlib import Path

from kiosk.config.fleet import SyncSettings
from kiosk.config.reload_worker import validate_in_child
from kiosk.fleet.sync import SyncClient, Validator

log = logging.getLogger(__name__)

CHECK_S = 1.0
"""How often a ready version, the table's idleness and its health are looked at."""
BACKOFF_FIRST_S = 5.0
JITTER = 0.2
FRAME_STALL_S = 30.0


def child_validator(data_dir: Path) -> Validator:
    """Validation in a child process, as for a hot reload: a big catalog does not take the
    frame loop's interpreter lock."""

    def validate(config_dir: Path, media_dir: Path) -> list[str]:
        result = validate_in_child(config_dir, media_dir, data_dir, threading.Event())
        if isinstance(result, tuple):
            return [str(error) for error in result]
        return [str(problem) for problem in result.problems]  # strict: no "last good" here

    return validate


class SyncWorker:
    """Syncs in its own thread. ``idle``: nothing on the table and nobody touching it;
    ``healthy``: the kiosk draws frames and took the last reload (both read from this
    thread, so they must only read memory)."""

    def __init__(self, client: SyncClient, settings: SyncSettings, idle: Callable[[], bool],
                 healthy: Callable[[float], bool], *,
                 clock: Callable[[], float] = time.monotonic,
                 rng: random.Random | None = None) -> None:
        self.client = client
        self._settings = settings
        self._idle = idle
        self._healthy = healthy
        self._clock = clock
        self._random = rng or random.Random()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._failures = 0
        self._next_round = 0.0

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="fleet-sync", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(10)

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                self.step()
            except Exception:  # a bug here must not end the sync for the table's lifetime
                log.exception("sync: unexpected failure; trying again later")
                self._next_round = self._clock() + self._delay(failed=True)
            self._stopping.wait(CHECK_S)

    def step(self) -> None:
        """One look: a round when one is due, the switch when the table is idle, a rollback
        when the kiosk turned unhealthy after the last switch."""
        client = self.client
        if client.on_probation() and not self._healthy(client.state.switched_at or 0.0):
            client.rollback("the kiosk was unhealthy after the switch")
        if self._clock() >= self._next_round:
            result = client.round()
            failed = result.error is not None and result.ready is None
            self._next_round = self._clock() + self._delay(failed, result.retry_after)
        if client.due() and self._idle():
            client.switch()

    def _delay(self, failed: bool, retry_after: float | None = None) -> float:
        """The interval (±20 %) after a good round; after failures, a doubling backoff capped
        at the interval (with the same jitter), never less than the server's Retry-After."""
        self._failures = self._failures + 1 if failed else 0
        base = self._settings.interval_s
        if failed:
            base = min(base, BACKOFF_FIRST_S * 2 ** (self._failures - 1))
        delay = base * self._random.uniform(1 - JITTER, 1 + JITTER)
        return max(delay, retry_after or 0.0)

    def facts(self) -> dict[str, object]:
        """For ``kiosk status`` and the heartbeat."""
        state = self.client.state
        return {"active": state.active, "target": state.target, "ready": state.ready,
                "last_error": state.last_error, "clock_offset": state.clock_offset,
                "last_round_at": state.last_round_at}
