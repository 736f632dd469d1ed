"""Delivering the outbox in a thread of its own, so the frame loop never waits on a provider.

Delivery is at least once, and in practice once: a message is claimed (leased) before it is
sent, so neither a second thread nor ``kiosk outbox --flush`` in another process sends it too,
and it is marked delivered the moment the provider accepts it.

An outcome the disk refuses (full, read-only) is kept in memory and recorded as soon as the
disk takes it. The one window for a duplicate: the process dies after the provider accepted the
message and before ``delivered`` is committed. The message is still queued and held by a
process that is gone, so the next worker sends it again at once. The provider sees the same
idempotency key (SMS) or the same Message-ID (e-mail) and can drop it; we cannot close that
window without a two-phase protocol the providers do not offer.

A reservation's outcome (code and deadline, or refusal) is recorded together with the SMS that
tells the shopper (see the store), then handed to whoever listens (``listen``): the send
service, which the frame loop polls. Listeners run in this thread and must not block.

Logs name message ids and channels only: never a phone number, address or secret.
"""

from __future__ import annotations

import logging
import random
import sqlite3
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from kiosk.handoff.outbox.senders import Delivered, GivenUp, Refused, Sender
from kiosk.handoff.outbox.store import Message, Outbox
from kiosk.ops.delivery import PermanentFailure, TemporaryFailure

log = logging.getLogger(__name__)

MAX_SLEEP_S = 30.0
MIN_SLEEP_S = 0.01
ERROR_PAUSE_S = 5.0
BATCH = 20
JITTER = 0.1


@dataclass(frozen=True)
class Outcome:
    """How a message ended: ``sent``, ``refused`` (the provider said no) or ``failed``;
    ``reply`` is what the provider answered (a code, a deadline, a reason), never personal."""

    message_id: str
    channel: str
    state: str
    reply: dict[str, str] = field(default_factory=dict)


class OutboxWorker:
    """Delivers due messages in its own thread; wakes at once on `wake()`, else sleeps until
    the next due message (at most 30 s); expires old ones every loop."""

    def __init__(self, outbox: Outbox, senders: Mapping[str, Sender],
                 backoff_initial: float = 2.0, backoff_max: float = 300.0, *,
                 max_age_s: float = 86400.0, lease_s: float = 300.0) -> None:
        self._outbox = outbox
        self._senders = dict(senders)
        self._backoff_initial = backoff_initial
        self._backoff_max = backoff_max
        self._max_age_s = max_age_s
        self._lease_s = lease_s
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._unrecorded: dict[str, Callable[[], None]] = {}
        """Outcomes the disk refused (full, read-only), recorded as soon as it takes them,
        so a message sent is not sent again and one that failed keeps its backoff."""
        self._listeners: list[Callable[[Outcome], None]] = []

    def listen(self, listener: Callable[[Outcome], None]) -> None:
        """Call ``listener`` (in the delivering thread) with each message's outcome."""
        self._listeners.append(listener)

    def use_senders(self, senders: Mapping[str, Sender]) -> None:
        """Deliver with these from now on (the config was reloaded)."""
        self._senders = dict(senders)

    def start(self) -> None:
        """Start the delivery thread (again, after a stop)."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stopping.clear()
        self._wake.set()  # look at once: messages may be waiting from before a restart
        self._thread = threading.Thread(target=self._run, name="outbox-worker", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop after the message being sent, if any (a send is bounded by its timeout)."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.warning("outbox worker still sending after %.1f s; leaving it to finish",
                            timeout)
            else:
                self._thread = None

    def wake(self) -> None:
        """A message was queued: look now rather than at the next scheduled time."""
        self._wake.set()

    def flush(self, timeout: float = 30.0) -> int:
        """Deliver everything due now, in the calling thread (``kiosk outbox --flush``), each
        message tried once. Returns how many were delivered."""
        deadline = time.monotonic() + timeout
        self._outbox.expire(self._max_age_s)
        return self._deliver_due(deadline)

    def _run(self) -> None:
        while not self._stopping.is_set():
            self._wake.clear()
            wait: float | None
            try:
                self._outbox.expire(self._max_age_s)
                self._deliver_due(None)
                wait = self._outbox.next_due_in()
            except sqlite3.Error as exc:  # the outbox logs the fault once, not every pass
                log.debug("outbox unavailable (%s); trying again in %.0f s", exc, ERROR_PAUSE_S)
                wait = ERROR_PAUSE_S
            wait = MAX_SLEEP_S if wait is None else min(max(wait, MIN_SLEEP_S), MAX_SLEEP_S)
            self._wake.wait(wait)

    def _deliver_due(self, deadline: float | None) -> int:
        """One pass over what is due, each message at most once; returns deliveries."""
        for message_id, outcome in list(self._unrecorded.items()):
            outcome()
            del self._unrecorded[message_id]
        seen: set[str] = set()
        delivered = 0
        while True:
            batch = [message for message in self._outbox.due(BATCH) if message.id not in seen]
            if not batch:
                return delivered
            for message in batch:
                if self._stopping.is_set() or (deadline is not None
                                               and time.monotonic() > deadline):
                    return delivered
                seen.add(message.id)
                if self._outbox.claim(message.id, self._lease_s):
                    delivered += self._deliver(message)

    def _deliver(self, message: Message) -> bool:
        """Send one claimed message and record the outcome; True if delivered."""
        sender = self._senders.get(message.channel)
        if sender is None:
            reason = f"{message.channel} is not configured"
            self._record(message.id, lambda: self._outbox.give_up(message.id, reason))
            log.warning("message %s given up: %s", message.id, reason)
            self._tell(Outcome(message.id, message.channel, "failed", {"reason": reason}))
            return False
        try:
            answer = sender.send(message)
        except TemporaryFailure as exc:
            self._retry(message, str(exc))
            return False
        except PermanentFailure as exc:
            error = str(exc)
            reply = exc.reply if isinstance(exc, GivenUp) else {}
            follow_up = exc.follow_up if isinstance(exc, GivenUp) else None
            self._record(message.id, lambda: self._outbox.give_up(
                message.id, error, *((reply, follow_up) if reply or follow_up else ())))
            log.warning("message %s given up: %s", message.id, exc)
            self._tell(Outcome(message.id, message.channel,
                               "refused" if isinstance(exc, Refused) else "failed",
                               reply if isinstance(exc, Refused) else {"reason": error}))
            return False
        except Exception as exc:  # a sender bug must not end deliveries; its text may be
            # personal, so only the type is kept
            self._retry(message, f"unexpected {type(exc).__name__}")
            return False
        answer = answer if isinstance(answer, Delivered) else Delivered()
        # Plain calls when there is nothing more to record, as before reservations existed.
        extra = (answer.reply, answer.follow_up) if answer.reply or answer.follow_up else ()
        self._record(message.id, lambda: self._outbox.delivered(message.id, *extra))
        log.info("message %s sent by %s", message.id, message.channel)
        self._tell(Outcome(message.id, message.channel, "sent", answer.reply))
        return True

    def _tell(self, outcome: Outcome) -> None:
        for listener in list(self._listeners):
            try:
                listener(outcome)
            except Exception:  # a listener's bug must not end deliveries
                log.exception("an outbox listener failed on message %s", outcome.message_id)

    def _retry(self, message: Message, error: str) -> None:
        delay = self.backoff(message.attempts)
        self._record(message.id, lambda: self._outbox.retry_later(message.id, error, delay))
        log.info("message %s not sent (%s); next try in %.1f s", message.id, error, delay)

    def _record(self, message_id: str, outcome: Callable[[], None]) -> None:
        """Record an outcome now, or as soon as the outbox can take it."""
        try:
            outcome()
        except sqlite3.Error as exc:
            self._unrecorded[message_id] = outcome
            log.warning("message %s: its outcome waits for the outbox (%s)", message_id, exc)

    def backoff(self, attempts: int) -> float:
        """Seconds before the next try: doubling from the initial delay, capped, with a
        little jitter so many kiosks (or messages) do not retry in lockstep."""
        delay = min(self._backoff_max, self._backoff_initial * 2 ** min(attempts, 64))
        return delay + random.uniform(0.0, JITTER * delay)
