"""Forwarding the event log to a chain's central collector, in batches, at least once: as the
kiosk's own JSON, or as ``track`` calls of the Segment / RudderStack HTTP Tracking API
(``kiosk.analytics.segment``).

Why a batch is remembered before it is sent: its range of event ids is committed to the log
file (``meta.inflight``) first, and its key (``Idempotency-Key``) is derived from that range, so
a retry — after a timeout, a 5xx, or a crash and restart — sends exactly the same events under
exactly the same key, and the collector can drop the copy. Events are marked forwarded only
after a 2xx answer.

Why nothing is ever dropped: a refusal (4xx) is most likely the chain's misconfiguration (a
token, a URL), fixed some day; until then the batch is retried at the longest backoff. The log's
own retention is the only thing that deletes events.

The one exception is the tracking API's 400 (or a proxy's 413): Segment answers it only for a
batch it can never take, malformed or too large, so sending it again unchanged would block
every later event for good, while a 401/403 (a wrong write key) is kept and retried. A refused
batch is split in halves until the one event it cannot take is found; that event alone is
marked forwarded with an error in the log, and the forwarder backs off before the next batch,
so an API that refuses everything loses an event now and then, not the queue. Events too big
for the API's limits are dropped the same way, with a warning, before anything is sent.
"""

from __future__ import annotations

import logging
import os
import random
import sqlite3
import threading
import time
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kiosk.analytics import segment
from kiosk.analytics.log import open_log
from kiosk.analytics.segment import Packed, RetryLater
from kiosk.config.analytics import ForwardConfig
from kiosk.ops.delivery import TemporaryFailure, post_json
from kiosk.ops.sqlite_file import immediate_transaction

log = logging.getLogger(__name__)

BACKOFF_INITIAL_S = 2.0
BACKOFF_MAX_S = 300.0
JITTER = 0.1
KEY_NAMESPACE = uuid.UUID("6f1f4bd6-2f55-4a4e-9a43-6c1d7d0c2b61")
FIELDS = ("t", "kind", "session", "gtin", "value", "number")


class Refused(TemporaryFailure):
    """The collector refused the batch (4xx but 408/429): kept, retried at the longest
    backoff, since fixing the collector's side is a matter of hours or days."""


class Forwarder:
    """Batches unforwarded events to a collector: with the kiosk format, POST JSON
    ``{"batch_id", "store_id", "events": [...]}`` with ``Idempotency-Key: batch_id`` and, with
    ``token_env``, ``Authorization: Bearer``; with the segment format, ``track`` calls to
    ``/v1/batch``. 2xx marks them forwarded, anything else is retried with backoff (honouring
    Retry-After for segment); only what the tracking API can never take is dropped."""

    def __init__(self, path: Path, config: ForwardConfig, store_id: str,
                 environ: Mapping[str, str] = os.environ, *,
                 backoff_initial: float = BACKOFF_INITIAL_S,
                 backoff_max: float = BACKOFF_MAX_S,
                 segment_limits: segment.Limits | None = None) -> None:
        self.path = Path(path)
        self._config = config
        self._store_id = store_id
        self._environ = environ
        self._backoff_initial = backoff_initial
        self._backoff_max = backoff_max
        self._limits = segment_limits or segment.Limits()
        self._batch_size = (min(config.batch_size, self._limits.batch_events)
                            if config.format == "segment" else config.batch_size)
        self._not_before = 0.0  # monotonic time before which the API asked not to be called
        self._store = open_log(self.path)
        self._sending = threading.Lock()  # one batch at a time: the thread or flush()
        self._log_id = self._log_id_now()
        self._failures = 0
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    # -- control -------------------------------------------------------------------------

    def start(self) -> None:
        """Start forwarding in a thread of its own (again, after a stop)."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="analytics-forwarder",
                                        daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop after the request in progress (bounded by ``timeout_s``)."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.warning("analytics forwarder still sending after %.1f s", timeout)
            else:
                self._thread = None

    def flush(self, timeout: float = 30.0) -> int:
        """Forward everything now, in the calling thread, until done, a failure, or
        ``timeout``; returns how many events were forwarded."""
        deadline = time.monotonic() + timeout
        forwarded = 0
        while time.monotonic() < deadline:
            try:
                sent = self._send_one()
            except TemporaryFailure as exc:
                log.info("analytics batch not forwarded: %s", exc)
                return forwarded
            if sent is None:
                return forwarded
            forwarded += sent
        return forwarded

    @property
    def depth(self) -> int:
        """Events not yet forwarded (committed to the log, that is)."""
        with self._store.use() as conn:
            return conn.execute("SELECT COUNT(*) FROM events WHERE forwarded = 0").fetchone()[0]

    def backoff(self, failures: int, refused: bool = False) -> float:
        """Seconds before the next try: doubling from the initial delay, capped, with jitter;
        the cap at once after a refusal."""
        delay = self._backoff_max if refused else min(
            self._backoff_max, self._backoff_initial * 2 ** min(max(failures - 1, 0), 64))
        return delay + random.uniform(0.0, JITTER * delay)

    # -- the thread ----------------------------------------------------------------------

    def _run(self) -> None:
        while not self._stopping.is_set():
            wait = self._config.interval_s
            try:
                while not self._stopping.is_set() and self._send_one() is not None:
                    pass
                self._failures = 0
            except RetryLater as exc:
                self._failures += 1
                wait = max(exc.delay, self.backoff(self._failures))
                log.warning("analytics batch not forwarded (%s); next try in %.1f s", exc,
                            wait)
            except Refused as exc:
                self._failures += 1
                wait = self.backoff(self._failures, refused=True)
                log.error("analytics collector refused a batch (%s); kept, next try in %.1f s",
                          exc, wait)
            except TemporaryFailure as exc:
                self._failures += 1
                wait = self.backoff(self._failures)
                log.warning("analytics batch not forwarded (%s); next try in %.1f s", exc,
                            wait)
            except Exception:  # a bug must not end forwarding for good
                self._failures += 1
                wait = self.backoff(self._failures)
                log.exception("analytics forwarder failed; next try in %.1f s", wait)
            self._stopping.wait(wait)

    # -- one batch -----------------------------------------------------------------------

    def _send_one(self) -> int | None:
        """Send the batch in flight (or the next one); returns how many events it forwarded,
        None if none was waiting."""
        with self._sending:
            pause = self._not_before - time.monotonic()
            if pause > 0:
                raise RetryLater(f"the tracking API asked to wait {pause:.1f} s more", pause)
            try:
                batch = self._batch()
            except sqlite3.Error as exc:
                raise TemporaryFailure(f"event log unreadable ({exc})") from None
            if batch is None:
                return None
            first, last, rows = batch
            packed: Packed | None = None
            if self._config.format == "segment":
                packed = self._post_segment(first, last, rows)
                last, sent = packed.last, len(packed.events)
            else:
                batch_id = str(uuid.uuid5(KEY_NAMESPACE,
                                          f"{self._store_id}/{self._log_id}/{first}-{last}"))
                self._post(batch_id, rows)
                sent = len(rows)
            try:
                self._mark(first, last)
            except sqlite3.Error as exc:
                raise TemporaryFailure(f"forwarded but not marked ({exc}); it will be sent "
                                       "again, under the same key or ids") from None
            log.debug("analytics batch %d-%d forwarded (%d events)", first, last, sent)
            if packed is not None:
                self._report_dropped(packed)
            return sent

    def _batch(self) -> tuple[int, int, list[tuple[Any, ...]]] | None:
        """The batch in flight if there is one, else the next unforwarded events, with the
        range committed as in flight before anything is sent."""
        with self._store.use(write=True) as conn:
            self._log_id = _meta(conn, "log_id") or self._log_id
            inflight = _meta(conn, "inflight")
            if inflight:
                first, last = (int(part) for part in inflight.split("-"))
                rows = _rows(conn, "id BETWEEN ? AND ?", (first, last), -1)
                if rows:
                    return first, last, rows
                conn.execute("DELETE FROM meta WHERE key = 'inflight'")
            rows = _rows(conn, "1", (), self._batch_size)
            if not rows:
                return None
            first, last = rows[0][0], rows[-1][0]
            conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('inflight', ?)",
                         (f"{first}-{last}",))
            return first, last, rows

    def _log_id_now(self) -> str:
        """The log file's id, which tells its event ids from those of a file started afresh."""
        try:
            with self._store.use() as conn:
                return _meta(conn, "log_id") or "memory"
        except sqlite3.Error:
            return "memory"

    def _mark(self, first: int, last: int) -> None:
        """The collector has the batch: mark its events and forget it, in one transaction."""
        with self._store.use(write=True) as conn, immediate_transaction(conn):
            conn.execute("UPDATE events SET forwarded = 1 WHERE id BETWEEN ? AND ?",
                         (first, last))
            conn.execute("DELETE FROM meta WHERE key = 'inflight'")

    def _narrow(self, first: int, last: int) -> None:
        """Make the batch in flight end at ``last``: safe for the tracking API, which dedupes
        by event, not by batch."""
        with self._store.use(write=True) as conn:
            conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('inflight', ?)",
                         (f"{first}-{last}",))

    def _post_segment(self, first: int, last: int, rows: list[tuple[Any, ...]]) -> Packed:
        """POST the batch as ``track`` calls, cut to the API's limits; returns what was taken
        (2xx) or given up as untakeable (400/413, split down to one event); raises
        RetryLater, Refused or TemporaryFailure otherwise."""
        env = self._config.write_key_env or ""
        write_key = self._environ.get(env, "")
        if not write_key:
            raise Refused(f"{env} is not set")
        packed = segment.pack(rows, self._store_id, self._log_id, self._limits)
        url = segment.batch_url(self._config.url)
        while True:
            try:
                if packed.last < last:
                    self._narrow(first, packed.last)
                    last = packed.last
            except sqlite3.Error as exc:
                raise TemporaryFailure(f"event log unwritable ({exc})") from None
            if not packed.events:
                return packed
            status, wait = segment.post_batch(url, segment.body(packed.events, time.time()),
                                              write_key, self._config.timeout_s)
            if 200 <= status < 300:
                return packed
            if status in (400, 413):
                if len(packed.events) == 1:
                    log.error("the tracking API refused analytics event %s (%d: malformed or "
                              "too large); marked forwarded, not sent",
                              packed.events[0].message_id, status)
                    return packed.refused()
                packed = packed.head(len(packed.events) // 2)
                continue
            if wait is not None and (status == 429 or status >= 500):
                self._not_before = time.monotonic() + wait
                raise RetryLater(f"tracking API answered {status}, Retry-After {wait:.0f} s",
                                 wait)
            if 400 <= status < 500 and status not in (408, 429):
                raise Refused(f"tracking API answered {status}")
            raise TemporaryFailure(f"tracking API answered {status}")

    def _report_dropped(self, packed: Packed) -> None:
        """Say which events were marked forwarded without being sent; after a refused one
        (logged as an error already), back off before the next batch, so an API refusing
        everything does not drain the log at full speed."""
        for row_id, reason in packed.dropped:
            log.warning("analytics event %s not forwarded: %s; marked forwarded so the "
                        "queue moves on", segment.message_id(self._store_id, self._log_id,
                                                             row_id), reason)
        if packed.rejected:
            raise TemporaryFailure("the tracking API refused an event; it was dropped")

    def _post(self, batch_id: str, rows: list[tuple[Any, ...]]) -> None:
        """POST the batch; return on 2xx, raise TemporaryFailure (or Refused) otherwise."""
        payload = {"batch_id": batch_id, "store_id": self._store_id,
                   "events": [dict(zip(FIELDS, row[1:], strict=True)) for row in rows]}
        headers = {"Idempotency-Key": batch_id}
        if self._config.token_env:
            token = self._environ.get(self._config.token_env, "")
            if not token:
                raise Refused(f"{self._config.token_env} is not set")
            headers["Authorization"] = f"Bearer {token}"
        status = post_json(self._config.url, payload, headers, self._config.timeout_s,
                           "collector")
        if 200 <= status < 300:
            return
        if 400 <= status < 500 and status not in (408, 429):
            raise Refused(f"collector answered {status}")
        raise TemporaryFailure(f"collector answered {status}")


def _rows(conn: sqlite3.Connection, condition: str, params: tuple[int, ...], limit: int
          ) -> list[tuple[Any, ...]]:
    return conn.execute(
        f"SELECT id, {', '.join(FIELDS)} FROM events WHERE forwarded = 0 AND {condition} "
        "ORDER BY id LIMIT ?", (*params, limit)).fetchall()


def _meta(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None
