"""The Segment / RudderStack HTTP Tracking API as a wire format for the event log: each event a
``track`` call, POSTed in batches to ``{url}/v1/batch`` with the write key as basic auth.

Why each event's ``messageId`` is derived from the store, the log file and the event's row id:
the API dedupes on it, so a batch sent again — after a timeout, a 5xx, a crash — or split
differently, is counted once.

Why events are encoded here, one by one, before a batch is put together: the API refuses a
batch over 500 KB or an event over 32 KB (400, for good), so batches are cut by their exact
encoded size, and an event too big is cut in its text or, failing that, left out: one bad row
must never hold up the queue behind it.
"""

from __future__ import annotations

import base64
import functools
import importlib.metadata
import json
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from kiosk.config.analytics import SEGMENT_BATCH_EVENTS
from kiosk.ops.delivery import TemporaryFailure, close, post

LIBRARY_NAME = "smart-table-kiosk"
BATCH_BYTES = 500_000
EVENT_BYTES = 32_000
RETRY_AFTER_MAX_S = 3600.0
"""A Retry-After longer than this is read as this: a typo on the API's side must not silence
forwarding for days."""
MESSAGE_NAMESPACE = uuid.UUID("0c5a3f0e-93d4-4f43-9d55-54a0f5a4be2e")
BATCH_PATH = "/v1/batch"
KEPT_WHOLE = ("store_id",)
"""Text never cut to make an event fit: reports group by it."""

Row = Sequence[Any]
"""An event as the forwarder reads it: id, t, kind, session, gtin, value, number."""


class RetryLater(TemporaryFailure):
    """The API asked for a pause (Retry-After on a 429 or 5xx): nothing is sent before
    ``delay`` seconds have passed."""

    def __init__(self, message: str, delay: float) -> None:
        super().__init__(message)
        self.delay = delay


@dataclass(frozen=True)
class Limits:
    """The API's limits; lowered only by tests, to reach them with small events."""

    batch_bytes: int = BATCH_BYTES
    event_bytes: int = EVENT_BYTES
    batch_events: int = SEGMENT_BATCH_EVENTS


@dataclass(frozen=True)
class Encoded:
    """One event ready to send: its row id, its ``messageId`` and its JSON."""

    row_id: int
    message_id: str
    data: bytes


@dataclass(frozen=True)
class Packed:
    """What one batch carries, and what it leaves out for good. ``last`` is the last row id it
    covers: the forwarder marks every event up to it, those dropped included."""

    events: list[Encoded]
    last: int
    dropped: list[tuple[int, str]] = field(default_factory=list)
    rejected: bool = False

    def head(self, count: int) -> Packed:
        """The first ``count`` events only (at least one), and what was dropped among them."""
        events = self.events[:max(count, 1)]
        last = events[-1].row_id
        return replace(self, events=events, last=last,
                       dropped=[d for d in self.dropped if d[0] <= last])

    def refused(self) -> Packed:
        """Its events given up, because the API will never take them (still covered by
        ``last``, so they are marked forwarded)."""
        return replace(self, events=[], rejected=True)


@functools.cache
def library_version() -> str:
    """The kiosk's version as installed (``unknown`` when run from a bare source tree)."""
    try:
        return importlib.metadata.version(LIBRARY_NAME)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def batch_url(base: str) -> str:
    """``base`` + ``/v1/batch``, with or without a trailing slash, keeping a path prefix (a
    data plane behind a proxy) and any query."""
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + BATCH_PATH))


def message_id(store_id: str, log_id: str, row_id: int) -> str:
    """The event's id for the API's dedupe: the same on every retry, distinct across tables and
    across log files (whose row ids start at 1 again)."""
    return str(uuid.uuid5(MESSAGE_NAMESPACE, f"{store_id}/{log_id}/{row_id}"))


def iso8601(t: float) -> str:
    """UTC, milliseconds, ``Z``: the form every engine parses."""
    moment = datetime.fromtimestamp(t, tz=timezone.utc)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def track(row: Row, store_id: str, log_id: str, version: str) -> dict[str, Any]:
    """The ``track`` call of one event; properties hold what the event has, never None."""
    row_id, t, kind, session, gtin, value, number = row
    properties = {"gtin": gtin, "value": value, "number": number, "store_id": store_id}
    return {
        "type": "track",
        "event": kind,
        "messageId": message_id(store_id, log_id, row_id),
        "anonymousId": session or f"table:{store_id}",
        "timestamp": iso8601(t),
        "properties": {key: item for key, item in properties.items() if item is not None},
        "context": {"library": {"name": LIBRARY_NAME, "version": version}},
    }


def _dumps(payload: object) -> bytes:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def encode(row: Row, store_id: str, log_id: str, version: str, limit: int) -> Encoded | str:
    """The event as JSON of at most ``limit`` bytes, its longest text properties cut if need
    be; or why it cannot be sent."""
    try:
        call = track(row, store_id, log_id, version)
        data = _dumps(call)
        properties = call["properties"]
        while len(data) > limit:
            texts = [key for key, item in properties.items()
                     if isinstance(item, str) and item and key not in KEPT_WHOLE]
            if not texts:
                return f"{len(data)} bytes even without its text, over {limit}"
            longest = max(texts, key=lambda key: len(properties[key]))
            # every character takes at least a byte, so cutting the excess in characters fits
            properties[longest] = properties[longest][:max(0, len(properties[longest])
                                                             - (len(data) - limit))]
            data = _dumps(call)
    except (ValueError, TypeError, OverflowError, OSError) as exc:
        return f"cannot be encoded ({type(exc).__name__})"
    return Encoded(int(row[0]), call["messageId"], data)


def envelope_bytes() -> int:
    """The size of an empty batch (``sentAt`` always has the same length)."""
    return len(body([], 0.0))


def pack(rows: Sequence[Row], store_id: str, log_id: str, limits: Limits) -> Packed:
    """The longest run of ``rows`` from the first that fits one batch: at most
    ``limits.batch_events`` events in ``limits.batch_bytes``; an event that cannot fit
    ``limits.event_bytes`` is dropped (and covered, so it is marked with the rest)."""
    version = library_version()
    room = limits.batch_bytes - envelope_bytes()
    event_limit = min(limits.event_bytes, room)
    events: list[Encoded] = []
    dropped: list[tuple[int, str]] = []
    last = int(rows[0][0])
    for row in rows:
        encoded = encode(row, store_id, log_id, version, event_limit)
        if isinstance(encoded, str):
            dropped.append((int(row[0]), encoded))
        else:
            size = len(encoded.data) + (1 if events else 0)  # the comma before it
            if len(events) >= limits.batch_events or size > room:
                break
            room -= size
            events.append(encoded)
        last = int(row[0])
    return Packed(events, last, dropped)


def body(events: Sequence[Encoded], now: float) -> bytes:
    """``{"batch": [...], "sentAt": ...}`` from events already encoded."""
    return (b'{"batch":[' + b",".join(event.data for event in events) + b'],"sentAt":"'
            + iso8601(now).encode("ascii") + b'"}')


def basic_auth(write_key: str) -> str:
    """The write key as the user name, with an empty password, as the API expects."""
    return "Basic " + base64.b64encode(f"{write_key}:".encode()).decode("ascii")


def retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date), capped; None
    without one, or with one that makes no sense."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), RETRY_AFTER_MAX_S)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return min(max(when.timestamp() - now, 0.0), RETRY_AFTER_MAX_S)


def post_batch(url: str, data: bytes, write_key: str, timeout_s: float) -> tuple[int, float | None]:
    """POST one batch; the status and the Retry-After it asks for. Redirects are not followed
    (the key must not travel elsewhere), the body is not read, and network trouble raises
    TemporaryFailure that names neither the URL nor the key."""
    headers = {"Content-Type": "application/json", "Authorization": basic_auth(write_key),
               "User-Agent": f"{LIBRARY_NAME}/{library_version()}"}
    response = post(url, headers, timeout_s, "tracking API", data=data)
    wait = retry_after(response.headers.get("Retry-After"), time.time())
    close(response)
    return response.status_code, wait
