"""Phone handoff over nfcpy's own stack: the kiosk emulates a Type 3 tag on the udp driver
(127.0.0.1) and a real nfcpy reader in the test reads the URL back."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

import ndef
import nfc
import nfc.clf.acr122
import nfc.clf.pn533
import nfc.clf.rcs380
import nfc.clf.udp
import pytest

from hardware.nfc_handoff import (
    MAX_NDEF_BYTES,
    HandoffResult,
    blocks_per_read,
    emulation_support,
    present_url,
    tag_memory,
    uri_message,
)
from hardware.virtual_nfc import free_udp_port, install_loopback

URL = "https://shop.example/01/03760000000017"
QUERY_URL = "https://shop.example/01/03760000000017?utm_source=table&lang=fr"


@pytest.fixture
def port(monkeypatch: pytest.MonkeyPatch) -> int:
    install_loopback(monkeypatch.setattr)
    return free_udp_port()


class Handoff:
    """``present_url`` in a worker thread, the way the app will run it."""

    def __init__(self, device: Any, url: str, seconds: float, **options: Any) -> None:
        self.result: HandoffResult | None = None
        self.finished_after: float | None = None
        self.stop = threading.Event()
        self._started = time.monotonic()
        self._thread = threading.Thread(target=self._run, args=(device, url, seconds, options),
                                        daemon=True)
        self._thread.start()

    def _run(self, device: Any, url: str, seconds: float, options: dict[str, Any]) -> None:
        self.result = present_url(device, url, seconds, stop=self.stop, **options)
        self.finished_after = time.monotonic() - self._started

    def join(self, timeout: float) -> HandoffResult | None:
        self._thread.join(timeout)
        assert not self._thread.is_alive(), f"present_url still running after {timeout} s"
        return self.result


@pytest.fixture
def handoffs() -> Iterator[list[Handoff]]:
    """Every handoff a test starts is stopped and joined, even when the test fails."""
    started: list[Handoff] = []
    yield started
    for handoff in started:
        handoff.stop.set()
        handoff._thread.join(5.0)


def tap(port: int, read: Callable[[Any], object], timeout: float = 5.0) -> object | None:
    """Tap a phone until ``read`` gets something from the emulated tag (None: tap again)."""
    found: list[object] = []
    deadline = time.monotonic() + timeout

    def on_connect(tag: Any) -> bool:
        result = read(tag)
        if result is not None:
            found.append(result)
        return False

    def done() -> bool:
        return bool(found) or time.monotonic() > deadline

    clf = nfc.ContactlessFrontend(f"udp:127.0.0.1:{port}")
    try:
        while not done():
            clf.connect(rdwr={"on-connect": on_connect, "targets": ["212F"],
                              "iterations": 1, "interval": 0.05}, terminate=done)
    finally:
        clf.close()
    return found[0] if found else None


def read_record(port: int, timeout: float = 5.0) -> ndef.UriRecord | None:
    """The first URI record of the emulated tag, as a phone reads it."""
    record = tap(port, lambda tag: tag.ndef.records[0] if tag.ndef and tag.ndef.records
                 else None, timeout)
    return record if isinstance(record, ndef.UriRecord) else None


def read_url(port: int) -> str | None:
    """The URL exactly as stored on the tag (what a phone opens).

    ``UriRecord.iri`` is the payload text; ndeflib's ``.uri`` re-quotes it (``=`` becomes
    ``%3D``), which is ndeflib's reading, not what the tag holds.
    """
    record = read_record(port)
    return record.iri if record is not None else None


@pytest.mark.timeout(30)
def test_a_reader_reads_the_presented_url(port: int, handoffs: list[Handoff]) -> None:
    handoffs.append(handoff := Handoff(f"udp:127.0.0.1:{port}", URL, 5))
    record = read_record(port)
    assert record is not None and record.uri == URL
    assert handoff.join(6.0) is HandoffResult.READ
    assert handoff.finished_after is not None and handoff.finished_after < 5.0


@pytest.mark.timeout(30)
def test_a_query_string_reaches_the_phone_unchanged(port: int,
                                                     handoffs: list[Handoff]) -> None:
    handoffs.append(handoff := Handoff(f"udp:127.0.0.1:{port}", QUERY_URL, 5))
    assert read_url(port) == QUERY_URL
    assert handoff.join(6.0) is HandoffResult.READ


@pytest.mark.timeout(30)
def test_a_long_url_is_read_three_blocks_at_a_time_as_a_pn533_allows(
        port: int, handoffs: list[Handoff]) -> None:
    url = "https://shop.example/p/" + "x" * 300
    handoffs.append(handoff := Handoff(f"udp:127.0.0.1:{port}", url, 5, max_blocks_per_read=3))
    assert read_url(port) == url
    assert handoff.join(6.0) is HandoffResult.READ


@pytest.mark.timeout(30)
def test_an_open_frontend_is_used_and_left_open(port: int, handoffs: list[Handoff]) -> None:
    clf = nfc.ContactlessFrontend(f"udp:127.0.0.1:{port}")
    try:
        handoffs.append(handoff := Handoff(clf, URL, 5))
        assert read_url(port) == URL
        assert handoff.join(6.0) is HandoffResult.READ
        assert clf.device is not None
    finally:
        clf.close()


def read_attributes_only(port: int, timeout: float = 5.0) -> bool:
    """A phone pulled away early: it reads the attribute block and leaves before the message."""
    return tap(port, lambda tag: bytes(tag.read_from_ndef_service(0)), timeout) is not None


@pytest.mark.timeout(30)
def test_a_half_read_is_not_a_handoff_and_the_next_tap_still_works(
        port: int, handoffs: list[Handoff]) -> None:
    handoffs.append(handoff := Handoff(f"udp:127.0.0.1:{port}", URL, 6))
    assert read_attributes_only(port)
    time.sleep(0.2)
    assert handoff.result is None
    assert read_url(port) == URL
    assert handoff.join(7.0) is HandoffResult.READ


@pytest.mark.timeout(30)
def test_a_half_read_then_nobody_is_a_timeout(port: int, handoffs: list[Handoff]) -> None:
    handoffs.append(handoff := Handoff(f"udp:127.0.0.1:{port}", URL, 2))
    assert read_attributes_only(port)
    assert handoff.join(4.0) is HandoffResult.TIMEOUT


@pytest.mark.timeout(30)
def test_nobody_taps_so_it_times_out(port: int) -> None:
    started = time.monotonic()
    assert present_url(f"udp:127.0.0.1:{port}", URL, 1.0) is HandoffResult.TIMEOUT
    assert 1.0 <= time.monotonic() - started < 2.0


@pytest.mark.timeout(30)
def test_stop_ends_the_handoff_promptly(port: int, handoffs: list[Handoff]) -> None:
    handoffs.append(handoff := Handoff(f"udp:127.0.0.1:{port}", URL, 20))
    time.sleep(0.3)
    stopped = time.monotonic()
    handoff.stop.set()
    assert handoff.join(2.0) is HandoffResult.TIMEOUT
    assert time.monotonic() - stopped < 1.0


@pytest.mark.timeout(30)
def test_a_missing_reader_fails_without_raising() -> None:
    assert present_url("usb:ffff:ffff", URL, 1.0) is HandoffResult.FAILED


@pytest.mark.parametrize("url", ["tel:+3312345678", "ftp://shop.example/a", "javascript:x",
                                 "https://", "shop.example/p", "", "https://shop.example/a b"])
def test_only_http_links_are_handed_to_phones(url: str) -> None:
    with pytest.raises(ValueError, match="URL"):
        present_url("udp:127.0.0.1:9", url, 1.0)


def test_a_url_too_long_for_the_tag_is_refused() -> None:
    with pytest.raises(ValueError, match=f"at most {MAX_NDEF_BYTES}"):
        present_url("udp:127.0.0.1:9", "https://shop.example/" + "x" * MAX_NDEF_BYTES, 1.0)


def test_the_longest_url_that_fits_is_accepted() -> None:
    # Past 255 payload bytes the record header grows by 3 (a long record's 4-byte length).
    head = len(uri_message("https://shop.example/"))
    url = "https://shop.example/" + "x" * (MAX_NDEF_BYTES - head - 3)
    assert len(uri_message(url)) == MAX_NDEF_BYTES


def test_the_tag_memory_is_a_valid_type3_layout() -> None:
    message = uri_message(URL)
    assert next(iter(ndef.message_decoder(message))).uri == URL
    assert QUERY_URL.encode()[len("https://"):] in uri_message(QUERY_URL)
    memory = tag_memory(message, 1)
    assert len(memory) % 16 == 0 and memory[16:16 + len(message)] == message
    assert memory[0] == 0x10 and int.from_bytes(memory[3:5], "big") == len(memory) // 16 - 1
    assert int.from_bytes(memory[11:14], "big") == len(message)
    assert (memory[2], memory[10]) == (0, 0), "read-only: no blocks per write, no write access"
    assert int.from_bytes(memory[14:16], "big") == sum(memory[:14])
    assert tag_memory(message, 3)[1] == 3


def fake_clf(device_class: type) -> SimpleNamespace:
    """A frontend holding an nfcpy driver object that never touched hardware."""
    return SimpleNamespace(device=object.__new__(device_class))


def test_emulation_support_names_the_reader_that_cannot() -> None:
    assert emulation_support(fake_clf(nfc.clf.acr122.Device)) == "ACR122U cannot emulate a tag"
    assert emulation_support(fake_clf(nfc.clf.rcs380.Device)) is None
    assert emulation_support(fake_clf(nfc.clf.pn533.Device)) is None
    assert emulation_support(fake_clf(nfc.clf.udp.Device)) is None
    assert emulation_support(SimpleNamespace(device=None)) == "no NFC reader is open"
    assert "not known to emulate" in str(emulation_support(fake_clf(object)))


def test_a_pn533_is_limited_to_three_blocks_per_read() -> None:
    assert blocks_per_read(fake_clf(nfc.clf.pn533.Device)) == 3
    assert blocks_per_read(fake_clf(nfc.clf.pn533.Device), 12) == 3
    assert blocks_per_read(fake_clf(nfc.clf.rcs380.Device)) == 12
    assert blocks_per_read(fake_clf(nfc.clf.rcs380.Device), 15) == 15
    with pytest.raises(ValueError, match="1 to 15"):
        blocks_per_read(fake_clf(nfc.clf.rcs380.Device), 16)


def test_an_acr122u_reports_unsupported_without_listening() -> None:
    clf: Any = fake_clf(nfc.clf.acr122.Device)
    assert present_url(clf, URL, 5.0) is HandoffResult.UNSUPPORTED
