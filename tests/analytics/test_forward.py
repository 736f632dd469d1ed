"""Forwarding to a collector on 127.0.0.1: batches, the same key on every retry, nothing lost."""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.analytics.forward import FIELDS, Forwarder
from kiosk.analytics.log import EventLog
from kiosk.config.analytics import ForwardConfig
from tests.handoff.servers import Post, WebhookServer, wait_until

GTIN = "3760000000017"


@pytest.fixture
def events(tmp_path: Path) -> Iterator[EventLog]:
    log = EventLog(tmp_path / "events.sqlite3")
    yield log
    log.close()


def record(events: EventLog, count: int, start: int = 0) -> None:
    for index in range(start, start + count):
        events.record("placed", session=f"s{index // 10}", gtin=GTIN, value="camera",
                      number=index)
    assert events.flush(5.0)


def forwarder(events: EventLog, server: WebhookServer, **config: Any) -> Forwarder:
    settings = {"url": server.url, "batch_size": 100, "timeout_s": 2.0, "interval_s": 1.0,
                **config}
    return Forwarder(events.path, ForwardConfig(**settings), "lyon-part-dieu",
                     environ={"COLLECTOR_TOKEN": "s3cret"}, backoff_initial=0.05,
                     backoff_max=0.2)


def numbers(post: Post) -> list[int]:
    return [int(event["number"]) for event in post.json()["events"]]


def seen_once_each(posts: list[Post]) -> Counter[int]:
    """What a collector that drops repeated keys keeps: each event's count."""
    kept: dict[str, Post] = {}
    for post in posts:
        kept.setdefault(post.headers["Idempotency-Key"], post)
    return Counter(n for post in kept.values() for n in numbers(post))


def unforwarded(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT COUNT(*) FROM events WHERE forwarded = 0").fetchone()[0]


def test_batches_carry_the_events_the_key_and_the_token(events: EventLog,
                                                        webhook: WebhookServer) -> None:
    record(events, 250)
    sender = forwarder(events, webhook, token_env="COLLECTOR_TOKEN")
    assert sender.depth == 250
    assert sender.flush() == 250
    assert sender.depth == 0 and unforwarded(events.path) == 0
    posts = webhook.received()
    assert [len(p.json()["events"]) for p in posts] == [100, 100, 50]
    assert len({p.headers["Idempotency-Key"] for p in posts}) == 3
    for post in posts:
        body = post.json()
        assert set(body) == {"batch_id", "store_id", "events"}
        assert post.headers["Idempotency-Key"] == body["batch_id"]
        assert post.headers["Authorization"] == "Bearer s3cret"
        assert body["store_id"] == "lyon-part-dieu"
        assert all(tuple(event) == FIELDS for event in body["events"])
    first = posts[0].json()["events"][0]
    assert first["kind"] == "placed" and first["gtin"] == "0" + GTIN
    assert first["session"] == "s0" and first["value"] == "camera" and first["number"] == 0
    assert sorted(n for p in posts for n in numbers(p)) == list(range(250))
    assert sender.flush() == 0 and len(webhook.received()) == 3


def test_a_failed_batch_is_retried_with_the_same_key_and_events(events: EventLog,
                                                                webhook: WebhookServer) -> None:
    record(events, 30)
    sender = forwarder(events, webhook)
    webhook.answer(500, 503)
    assert sender.flush() == 0
    record(events, 30, start=30)  # more events meanwhile: the batch in flight does not grow
    assert sender.flush() == 0
    assert sender.depth == 60
    assert sender.flush() == 60
    posts = webhook.received()
    keys = [p.headers["Idempotency-Key"] for p in posts]
    assert keys[0] == keys[1] == keys[2] != keys[3]
    assert numbers(posts[0]) == numbers(posts[2]) == list(range(30))
    assert numbers(posts[3]) == list(range(30, 60))
    assert seen_once_each(posts) == Counter(range(60))


def test_a_batch_the_collector_got_but_did_not_answer_is_resent_under_its_key(
        events: EventLog, webhook: WebhookServer) -> None:
    record(events, 20)
    sender = forwarder(events, webhook, timeout_s=0.3)
    webhook.answer("timeout")
    assert sender.flush() == 0
    assert sender.flush() == 20
    posts = webhook.received()
    assert len(posts) == 2 and posts[0].body == posts[1].body
    assert seen_once_each(posts) == Counter(range(20))


def test_a_restart_resends_the_batch_in_flight_unchanged(events: EventLog,
                                                         webhook: WebhookServer) -> None:
    record(events, 40)
    webhook.answer(502)
    assert forwarder(events, webhook).flush() == 0  # then the kiosk "crashes"
    record(events, 40, start=40)
    again = forwarder(events, webhook, batch_size=500)  # after the restart
    assert again.flush() == 80
    first, retry, rest = webhook.received()
    assert retry.headers["Idempotency-Key"] == first.headers["Idempotency-Key"]
    assert numbers(retry) == list(range(40))
    assert numbers(rest) == list(range(40, 80))


def test_events_wait_while_the_collector_is_down(events: EventLog,
                                                 webhook: WebhookServer) -> None:
    record(events, 150)
    sender = forwarder(events, webhook)
    webhook.stop()
    assert sender.flush() == 0
    assert sender.depth == 150 and unforwarded(events.path) == 150
    webhook.start()  # the same port again
    assert sender.flush() == 150
    assert sender.depth == 0
    assert seen_once_each(webhook.received()) == Counter(range(150))


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
def test_a_refusal_keeps_the_events(events: EventLog, webhook: WebhookServer,
                                    status: int) -> None:
    record(events, 10)
    sender = forwarder(events, webhook)
    webhook.answer(status)
    assert sender.flush() == 0
    assert sender.depth == 10 and unforwarded(events.path) == 10
    assert sender.flush() == 10  # the collector was fixed
    assert seen_once_each(webhook.received()) == Counter(range(10))


def test_a_refusal_waits_the_longest_backoff(events: EventLog, webhook: WebhookServer) -> None:
    sender = forwarder(events, webhook)
    assert sender.backoff(1, refused=True) >= 0.2
    assert 0.05 <= sender.backoff(1) < 0.2


def test_a_missing_token_keeps_the_events_and_sends_nothing(events: EventLog,
                                                            webhook: WebhookServer) -> None:
    record(events, 5)
    sender = Forwarder(events.path, ForwardConfig(url=webhook.url, token_env="NOT_SET"),
                       "store", environ={})
    assert sender.flush() == 0
    assert sender.depth == 5 and webhook.received() == []


def test_the_thread_forwards_and_retries_on_its_own(events: EventLog,
                                                    webhook: WebhookServer) -> None:
    record(events, 120)
    webhook.answer(503, 429, 400)
    sender = forwarder(events, webhook)
    sender.start()
    try:
        wait_until(lambda: sender.depth == 0, timeout=10)
        record(events, 5, start=120)  # forwarded at the next interval (1 s)
        wait_until(lambda: sender.depth == 0, timeout=10)
    finally:
        sender.stop()
    posts = webhook.received()
    assert len({p.headers["Idempotency-Key"] for p in posts[:4]}) == 1  # 3 failures, 1 success
    assert seen_once_each(posts) == Counter(range(125))
