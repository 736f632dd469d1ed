"""The table's Prometheus endpoint, scraped for real on 127.0.0.1: every metric with its value,
a broken reading that leaves the scrape standing, two tables in one process, the port freed on
stop and refused when taken; and the same facts as plain values for the heartbeat."""

from __future__ import annotations

import errno
import math
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families
from pydantic import ValidationError

from kiosk.config.ops import MetricsSettings, OpsConfig
from kiosk.ops.metrics import TableMetrics

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]
TIMEOUT_S = 5


def scrape(port: int) -> Samples:
    """Every sample of the endpoint, by name and labels."""
    response = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=TIMEOUT_S)
    assert response.status_code == 200
    samples: Samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples[(name, tuple(sorted(labels.items())))]


@pytest.fixture
def serving() -> Iterator[list[TableMetrics]]:
    """Metrics to serve; each one is stopped after the test."""
    started: list[TableMetrics] = []
    yield started
    for metrics in started:
        metrics.stop()


def serve(started: list[TableMetrics], metrics: TableMetrics) -> int:
    metrics.serve("127.0.0.1", 0)
    started.append(metrics)
    assert metrics.port is not None
    return metrics.port


def test_every_metric_is_scraped_with_its_value(serving: list[TableMetrics]) -> None:
    readers: list[threading.Thread] = []

    def outbox() -> float:
        readers.append(threading.current_thread())
        return 4

    metrics = TableMetrics(outbox_waiting=outbox, event_queue_depth=lambda: 7)
    port = serve(serving, metrics)
    for seconds in (0.001, 0.010, 0.016, 0.030, 0.5):
        metrics.frame(seconds)
    metrics.device("camera", True)
    metrics.device("nfc", True)
    metrics.device("nfc", False)
    for _ in range(3):
        metrics.placed()
    metrics.sent("sms")
    metrics.sent("sms")
    metrics.sent("email")
    metrics.content("v1", time.time() - 500)
    metrics.content("v2", time.time() - 30)
    metrics.clock_offset(12.5)

    samples = scrape(port)

    assert value(samples, "kiosk_frame_seconds_bucket", le="0.002") == 1
    assert value(samples, "kiosk_frame_seconds_bucket", le="0.0167") == 3
    assert value(samples, "kiosk_frame_seconds_bucket", le="0.033") == 4
    assert value(samples, "kiosk_frame_seconds_bucket", le="+Inf") == 5
    assert value(samples, "kiosk_frame_seconds_count") == 5
    assert value(samples, "kiosk_frame_seconds_sum") == pytest.approx(0.557)
    assert value(samples, "kiosk_frames_total") == 5
    assert value(samples, "kiosk_device_up", device="camera") == 1
    assert value(samples, "kiosk_device_up", device="nfc") == 0
    assert value(samples, "kiosk_outbox_waiting") == 4
    assert value(samples, "kiosk_event_queue_depth") == 7
    assert value(samples, "kiosk_placements_total") == 3
    assert value(samples, "kiosk_sends_total", channel="sms") == 2
    assert value(samples, "kiosk_sends_total", channel="email") == 1
    assert value(samples, "kiosk_content_info", version="v2") == 1
    assert ("kiosk_content_info", (("version", "v1"),)) not in samples
    assert 30 <= value(samples, "kiosk_content_age_seconds") < 40
    assert value(samples, "kiosk_clock_offset_seconds") == 12.5
    assert readers and threading.main_thread() not in readers


def test_unknown_values_read_nan(serving: list[TableMetrics]) -> None:
    metrics = TableMetrics()
    samples = scrape(serve(serving, metrics))
    for name in ("kiosk_outbox_waiting", "kiosk_event_queue_depth", "kiosk_content_age_seconds",
                 "kiosk_clock_offset_seconds"):
        assert math.isnan(value(samples, name)), name
    metrics.clock_offset(3.0)
    metrics.clock_offset(None)
    assert math.isnan(value(scrape(metrics.port or 0), "kiosk_clock_offset_seconds"))


def test_a_failing_reading_is_nan_and_the_scrape_still_answers(
        serving: list[TableMetrics], caplog: pytest.LogCaptureFixture) -> None:
    def locked() -> float:
        raise sqlite3.OperationalError("database is locked")

    def not_a_number() -> Any:
        return None

    metrics = TableMetrics(outbox_waiting=locked, event_queue_depth=not_a_number)
    port = serve(serving, metrics)
    metrics.placed()
    for _ in range(3):
        samples = scrape(port)
    assert math.isnan(value(samples, "kiosk_outbox_waiting"))
    assert math.isnan(value(samples, "kiosk_event_queue_depth"))
    assert value(samples, "kiosk_placements_total") == 1
    warnings = [r for r in caplog.records if "kiosk_outbox_waiting" in r.getMessage()]
    assert len(warnings) == 1, "a lasting failure is logged once, not at every scrape"


def test_two_tables_in_one_process_do_not_clash(serving: list[TableMetrics]) -> None:
    first, second = TableMetrics(), TableMetrics()
    first_port, second_port = serve(serving, first), serve(serving, second)
    first.placed()
    second.placed()
    second.placed()
    second.device("camera", False)
    assert first_port != second_port
    assert value(scrape(first_port), "kiosk_placements_total") == 1
    assert value(scrape(second_port), "kiosk_placements_total") == 2
    assert ("kiosk_device_up", (("device", "camera"),)) not in scrape(first_port)


def test_stop_frees_the_port(serving: list[TableMetrics]) -> None:
    metrics = TableMetrics()
    port = serve(serving, metrics)
    scrape(port)
    metrics.stop()
    assert metrics.port is None
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{port}/metrics", timeout=TIMEOUT_S)
    metrics.stop()
    again = TableMetrics()
    again.serve("127.0.0.1", port)
    serving.append(again)
    assert value(scrape(port), "kiosk_frames_total") == 0


def test_a_busy_port_raises_oserror(serving: list[TableMetrics]) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        metrics = TableMetrics()
        with pytest.raises(OSError, match=f"127.0.0.1:{port}.*in use") as raised:
            metrics.serve("127.0.0.1", port)
    assert raised.value.errno == errno.EADDRINUSE
    assert metrics.port is None
    serve(serving, metrics)
    with pytest.raises(RuntimeError, match="already served"):
        metrics.serve("127.0.0.1", 0)


def test_an_address_not_of_this_computer_raises_oserror() -> None:
    with pytest.raises(OSError, match="not one of this computer's"):
        TableMetrics().serve("192.0.2.1", 0)


def test_facts_are_plain_values() -> None:
    metrics = TableMetrics(outbox_waiting=lambda: 2, event_queue_depth=lambda: 1 / 0)
    assert metrics.facts()["frame_p50_s"] is None
    for index in range(100):
        metrics.frame(0.016 if index < 98 else 0.2)
    metrics.device("camera", True)
    metrics.device("nfc", False)
    metrics.placed()
    metrics.sent("qr")
    metrics.content("2024-05-01", time.time() - 60)
    facts = metrics.facts()
    age = facts.pop("content_age_s")
    assert isinstance(age, float) and 60 <= age < 70
    assert facts == {
        "frames": 100, "frame_p50_s": 0.016, "frame_p99_s": 0.2,
        "devices": {"camera": True, "nfc": False}, "placements": 1, "sends": {"qr": 1},
        "content_version": "2024-05-01", "clock_offset_s": None, "outbox_waiting": 2.0,
        "event_queue_depth": None}
    metrics.clock_offset(-42.0)
    assert metrics.facts()["clock_offset_s"] == -42.0


def test_the_endpoint_settings() -> None:
    assert OpsConfig().metrics is None
    assert OpsConfig().heartbeat_s == 300
    settings = MetricsSettings(port=9108)
    assert settings.address == "127.0.0.1"
    assert MetricsSettings(address="::1", port=9108).address == "::1"
    for wrong in ({"address": "localhost", "port": 9108}, {"port": 0}, {"port": 70000}, {}):
        with pytest.raises(ValidationError):
            MetricsSettings(**wrong)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="https://"):
        OpsConfig(clock_url="ftp://clock.example.com")
    with pytest.raises(ValidationError):
        OpsConfig(heartbeat_s=5)
