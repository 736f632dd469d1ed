"""Forwarding as Segment / RudderStack ``track`` calls to a tracking API on 127.0.0.1: the path
and write key, one call per event under a stable messageId, the API's size limits, and its
answers (Retry-After, a refused key, a refused event)."""

from __future__ import annotations

import base64
import json
import logging
import sqlite3
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from kiosk.analytics import segment
from kiosk.analytics.forward import Forwarder
from kiosk.analytics.log import LABEL_CHARS, EventLog
from kiosk.config.analytics import ForwardConfig
from tests.handoff.servers import wait_until
from tests.local_http import LocalHttpServer

GTIN = "3760000000017"
STORE = "lyon-part-dieu"
KEY = "wk-s3cret-write-key"
T0 = 1_700_000_000.5
T0_ISO = "2023-11-14T22:13:20.500Z"


@dataclass
class Call:
    """One request the tracking API received, and when (monotonic)."""

    path: str
    headers: dict[str, str]
    body: bytes
    at: float

    def batch(self) -> list[dict[str, Any]]:
        return json.loads(self.body)["batch"]

    def ids(self) -> list[str]:
        return [event["messageId"] for event in self.batch()]


Answer = int | tuple[int, dict[str, str]]


class TrackingApi(LocalHttpServer):
    """Records every POST; answers from ``answers`` in order, then with ``judge(call)`` if set,
    else 200. An answer is a status, or a status and headers (Retry-After)."""

    thread_name = "test-tracking-api"

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[Call] = []
        self.answers: deque[Answer] = deque()
        self.judge: Callable[[Call], int] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def answer(self, *answers: Answer) -> None:
        with self._lock:
            self.answers.extend(answers)

    def received(self) -> list[Call]:
        with self._lock:
            return list(self.calls)

    def _reply(self, call: Call) -> tuple[int, dict[str, str]]:
        with self._lock:
            self.calls.append(call)
            answer = self.answers.popleft() if self.answers else None
        if answer is None:
            answer = self.judge(call) if self.judge else 200
        return answer if isinstance(answer, tuple) else (answer, {})

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                status, headers = owner._reply(Call(self.path, dict(self.headers.items()),
                                                    body, time.monotonic()))
                reply = b'{"success":true}' if status < 300 else b'{"success":false}'
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

        return Handler


@pytest.fixture
def api() -> Iterator[TrackingApi]:
    server = TrackingApi()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def events(tmp_path: Path) -> Iterator[EventLog]:
    log = EventLog(tmp_path / "events.sqlite3", clock=lambda: T0)
    yield log
    log.close()


def record(events: EventLog, count: int, start: int = 0, **fields: Any) -> None:
    for index in range(start, start + count):
        events.record("placed", **{"session": f"s{index // 10}", "gtin": GTIN,
                                   "value": "camera", "number": index, **fields})
    assert events.flush(5.0)


def forwarder(events: EventLog, api: TrackingApi, limits: segment.Limits | None = None,
              **config: Any) -> Forwarder:
    settings = {"url": api.base, "format": "segment", "write_key_env": "SEGMENT_WRITE_KEY",
                "batch_size": 100, "timeout_s": 2.0, "interval_s": 1.0, **config}
    return Forwarder(events.path, ForwardConfig(**settings), STORE,
                     environ={"SEGMENT_WRITE_KEY": KEY}, backoff_initial=0.05,
                     backoff_max=0.2, segment_limits=limits)


def numbers(calls: list[Call]) -> Counter[int]:
    """What a collector deduping on messageId keeps: each event's count."""
    kept = {event["messageId"]: event for call in calls for event in call.batch()}
    return Counter(int(event["properties"]["number"]) for event in kept.values())


def unforwarded(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT COUNT(*) FROM events WHERE forwarded = 0").fetchone()[0]


# -- config --------------------------------------------------------------------------------


def test_the_kiosk_format_stays_the_default() -> None:
    config = ForwardConfig(url="https://collector.example.com/events", token_env="CHAIN_TOKEN")
    assert config.format == "kiosk" and config.write_key_env is None


@pytest.mark.parametrize(("settings", "message"), [
    ({"format": "segment"}, "needs write_key_env"),
    ({"format": "segment", "write_key_env": "K", "token_env": "T"}, "token_env is for"),
    ({"format": "segment", "write_key_env": "K", "batch_size": 2501}, "at most 2500"),
    ({"write_key_env": "K"}, "write_key_env is for format: segment"),
    ({"format": "segment", "write_key_env": "wk_live_abc"}, "environment variable"),
    ({"format": "amplitude"}, "format"),
])
def test_each_format_takes_its_own_secret(settings: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        ForwardConfig.model_validate({"url": "https://api.segment.io", **settings})


@pytest.mark.parametrize(("base", "url"), [
    ("https://api.segment.io", "https://api.segment.io/v1/batch"),
    ("https://api.segment.io/", "https://api.segment.io/v1/batch"),
    ("https://dp.example.com/rudder/", "https://dp.example.com/rudder/v1/batch"),
])
def test_the_batch_path_is_joined_to_the_base(base: str, url: str) -> None:
    assert segment.batch_url(base) == url


def test_retry_after_is_read_in_seconds_or_as_a_date() -> None:
    now = 1_700_000_000.0
    assert segment.retry_after("2", now) == 2.0
    assert segment.retry_after("Tue, 14 Nov 2023 22:13:50 GMT", now) == 30.0
    assert segment.retry_after("999999", now) == segment.RETRY_AFTER_MAX_S
    assert segment.retry_after("soon", now) is None and segment.retry_after(None, now) is None


# -- delivery ------------------------------------------------------------------------------


@pytest.mark.parametrize("slash", ["", "/"])
def test_every_event_arrives_once_as_a_track_call(events: EventLog, api: TrackingApi,
                                                  slash: str) -> None:
    record(events, 150)
    events.record("device", value="camera:ok")  # outside any session
    assert events.flush(5.0)
    sender = forwarder(events, api, url=api.base + slash)
    assert sender.flush() == 151
    assert sender.depth == 0 and unforwarded(events.path) == 0
    calls = api.received()
    assert [len(call.batch()) for call in calls] == [100, 51]
    auth = "Basic " + base64.b64encode(f"{KEY}:".encode()).decode()
    for call in calls:
        assert call.path == "/v1/batch" and call.headers["Authorization"] == auth
        assert call.headers["Content-Type"] == "application/json"
        body = json.loads(call.body)
        assert set(body) == {"batch", "sentAt"}
        assert datetime.fromisoformat(body["sentAt"].replace("Z", "+00:00")).tzinfo
    tracks = [event for call in calls for event in call.batch()]
    assert len({event["messageId"] for event in tracks}) == 151
    first, device = tracks[0], tracks[-1]
    assert set(first) == {"type", "event", "messageId", "anonymousId", "timestamp",
                          "properties", "context"}
    assert first["type"] == "track" and first["event"] == "placed"
    assert first["anonymousId"] == "s0" and first["timestamp"] == T0_ISO
    assert first["properties"] == {"gtin": "0" + GTIN, "value": "camera", "number": 0,
                                   "store_id": STORE}
    assert first["context"] == {"library": {"name": "smart-table-kiosk",
                                            "version": segment.library_version()}}
    assert device["event"] == "device" and device["anonymousId"] == f"table:{STORE}"
    assert device["properties"] == {"value": "camera:ok", "store_id": STORE}
    assert sorted(int(e["properties"]["number"]) for e in tracks[:-1]) == list(range(150))
    assert sender.flush() == 0 and len(api.received()) == 2


def test_a_retried_batch_carries_the_same_message_ids(events: EventLog, api: TrackingApi,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    record(events, 30)
    sender = forwarder(events, api)
    api.answer(500)
    assert sender.flush() == 0 and sender.depth == 30
    record(events, 30, start=30)  # meanwhile: the batch in flight does not grow
    assert sender.flush() == 60
    failed, retried, rest = api.received()
    assert failed.ids() == retried.ids() and len(failed.ids()) == 30
    assert failed.batch() == retried.batch()  # only sentAt differs
    assert set(rest.ids()).isdisjoint(failed.ids())
    assert Counter(i for call in api.received() for i in call.ids()).most_common(1)[0][1] == 2
    assert numbers(api.received()) == Counter(range(60))
    assert KEY not in caplog.text


def test_a_restart_keeps_the_message_ids(events: EventLog, api: TrackingApi) -> None:
    record(events, 20)
    api.answer(503)
    assert forwarder(events, api).flush() == 0  # then the kiosk "crashes"
    assert forwarder(events, api).flush() == 20
    failed, retried = api.received()
    assert failed.ids() == retried.ids()


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_is_honoured(events: EventLog, api: TrackingApi, status: int) -> None:
    record(events, 10)
    api.answer((status, {"Retry-After": "1"}))
    sender = forwarder(events, api)
    assert sender.flush() == 0
    assert sender.flush() == 0 and len(api.received()) == 1  # asked to wait: nothing sent
    sender.start()
    try:
        wait_until(lambda: sender.depth == 0, timeout=5)
    finally:
        sender.stop()
    first, second = api.received()
    assert 0.95 <= second.at - first.at < 3.0
    assert first.ids() == second.ids()


@pytest.mark.parametrize("status", [401, 403])
def test_a_refused_write_key_keeps_the_events(events: EventLog, api: TrackingApi, status: int,
                                              caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    record(events, 10)
    sender = forwarder(events, api)
    api.answer(status, status)
    assert sender.flush() == 0 and sender.flush() == 0
    assert sender.depth == 10 and unforwarded(events.path) == 10
    assert sender.backoff(1, refused=True) >= 0.2
    assert sender.flush() == 10  # staff fixed the key
    assert numbers(api.received()) == Counter(range(10))
    assert KEY not in caplog.text


def test_a_missing_write_key_sends_nothing(events: EventLog, api: TrackingApi) -> None:
    record(events, 5)
    config = ForwardConfig(url=api.base, format="segment", write_key_env="NOT_SET")
    sender = Forwarder(events.path, config, STORE, environ={})
    assert sender.flush() == 0
    assert sender.depth == 5 and api.received() == []


# -- the API's limits ----------------------------------------------------------------------


@pytest.mark.parametrize(("limits", "count"), [
    (None, 3000),
    (segment.Limits(batch_bytes=5_000), 60),
    (segment.Limits(batch_events=7), 20),
])
def test_batches_stay_within_the_limits(events: EventLog, api: TrackingApi,
                                        limits: segment.Limits | None, count: int) -> None:
    long = "x" * LABEL_CHARS
    record(events, count, session="s" * LABEL_CHARS, value=long)
    sender = forwarder(events, api, limits, batch_size=2500)
    assert sender.flush() == count
    limits = limits or segment.Limits()
    calls = api.received()
    assert len(calls) > 1
    assert all(len(call.body) <= limits.batch_bytes for call in calls)
    assert all(len(call.batch()) <= limits.batch_events for call in calls)
    assert numbers(calls) == Counter(range(count))
    assert sum(len(call.ids()) for call in calls) == count  # none sent twice


def test_an_event_too_big_is_cut_or_dropped_and_blocks_nothing(
        events: EventLog, api: TrackingApi, caplog: pytest.LogCaptureFixture) -> None:
    version = segment.library_version()

    def size(session: str, value: str) -> int:
        row = (1, T0, "section", session, None, value, 1.0)
        encoded = segment.encode(row, STORE, "log", version, 1 << 20)
        assert isinstance(encoded, segment.Encoded)
        return len(encoded.data)

    limit = size("s1", "v" * 10)
    events.record("section", session="s1", value="v" * LABEL_CHARS, number=1)  # cut
    events.record("section", session="z" * LABEL_CHARS, value="w" * 40, number=1)  # dropped
    events.record("section", session="s1", value="ok", number=1)
    assert events.flush(5.0)
    sender = forwarder(events, api, segment.Limits(event_bytes=limit))
    assert sender.flush() == 2
    assert sender.depth == 0 and unforwarded(events.path) == 0
    (call,) = api.received()
    cut, whole = call.batch()
    assert cut["properties"]["value"] == "v" * 10 and whole["properties"]["value"] == "ok"
    assert all(len(json.dumps(e, separators=(",", ":"))) <= limit for e in call.batch())
    assert "not forwarded" in caplog.text and "marked forwarded" in caplog.text

    events.record("section", session="z" * LABEL_CHARS, value="w", number=2)  # alone
    record(events, 3)
    assert events.flush(5.0)
    assert sender.flush() == 3 and sender.depth == 0
    assert len(api.received()) == 2


@pytest.mark.parametrize("status", [400, 413])
def test_a_refused_batch_is_split_until_the_one_event_it_cannot_take(
        events: EventLog, api: TrackingApi, caplog: pytest.LogCaptureFixture,
        status: int) -> None:
    record(events, 40)
    events.record("section", session="s9", value="poison", number=13.5)
    record(events, 20, start=40)
    api.judge = lambda call: status if any(
        e["properties"].get("value") == "poison" for e in call.batch()) else 200
    sender = forwarder(events, api)
    deadline = time.monotonic() + 5
    while sender.depth and time.monotonic() < deadline:
        sender.flush()
    assert sender.depth == 0 and unforwarded(events.path) == 0
    accepted = [call for call in api.received()
                if not any(e["properties"].get("value") == "poison" for e in call.batch())]
    assert numbers(accepted) == Counter(range(60))
    assert len(api.received()) < 20
    assert "refused analytics event" in caplog.text and KEY not in caplog.text
