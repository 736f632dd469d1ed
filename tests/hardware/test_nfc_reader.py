"""The NFC reader over nfcpy's own stack: an emulated Type 3 tag on the udp driver (127.0.0.1)."""

from __future__ import annotations

import errno
import time
from collections.abc import Callable, Iterator
from typing import Any, ClassVar

import ndef
import nfc.clf.udp
import pytest

from hardware.backoff import Backoff
from hardware.events import HardwareEvent, Placed, Removed, SourceState, SourceStatus
from hardware.nfc_handoff import IDM
from hardware.nfc_reader import NfcReaderSource
from hardware.virtual_nfc import free_udp_port, install_loopback
from tests.hardware.nfc_emulator import tag_memory, tag_on_reader

GTIN = "03760000000017"
UNKNOWN = f"nfc:{IDM.hex().upper()}"


def message(*records: ndef.Record) -> bytes:
    return b"".join(ndef.message_encoder(records))


class Collector:
    """Everything a source emitted so far, and a bounded wait for more."""

    def __init__(self, source: NfcReaderSource) -> None:
        self.source = source
        self.events: list[HardwareEvent] = []

    def wait_for(self, wanted: Callable[[HardwareEvent], bool], timeout: float = 5.0
                 ) -> HardwareEvent:
        deadline = time.monotonic() + timeout
        seen = len(self.events)
        while time.monotonic() < deadline:
            self.events.extend(self.source.poll())
            for event in self.events[seen:]:
                if wanted(event):
                    return event
            seen = len(self.events)
            time.sleep(0.02)
        raise AssertionError(f"no matching event within {timeout} s; got {self.events}")


def state(wanted: SourceState) -> Callable[[HardwareEvent], bool]:
    return lambda event: isinstance(event, SourceStatus) and event.state == wanted


@pytest.fixture
def port(monkeypatch: pytest.MonkeyPatch) -> int:
    install_loopback(monkeypatch.setattr)
    return free_udp_port()


@pytest.fixture
def reader(port: int) -> Iterator[Collector]:
    source = NfcReaderSource(f"udp:127.0.0.1:{port}", time.monotonic,
                             {"03:fe:ff:e0:11:22:33:44": "96385074"}, name="nfc-test",
                             backoff=Backoff(0.1, 0.5), targets=("212F",))
    source.start()
    collector = Collector(source)
    collector.wait_for(state(SourceState.OK))
    yield collector
    source.stop()


@pytest.mark.timeout(30)
@pytest.mark.parametrize("records", [
    (ndef.UriRecord("https://id.gs1.org/01/03760000000017"),),
    (ndef.TextRecord("see label"), ndef.TextRecord("3760000000017")),
    (ndef.Record("application/json", "", b'{"gtin": "3760000000017"}'),),
], ids=["digital-link", "text", "json"])
def test_a_tag_carrying_a_gtin_is_placed_then_removed(
        reader: Collector, port: int, records: tuple[ndef.Record, ...]) -> None:
    with tag_on_reader(port, tag_memory(message(*records))) as tag:
        placed = reader.wait_for(lambda event: isinstance(event, Placed))
        tag.lift()
        removed = reader.wait_for(lambda event: isinstance(event, Removed))
    assert placed == Placed(GTIN, "nfc-test", (0.5, 0.5), 0.0, placed.t)
    assert removed.code == GTIN and removed.t >= placed.t


@pytest.mark.timeout(30)
def test_tags_without_a_product_fall_back_to_the_tag_map_or_unknown(port: int) -> None:
    source = NfcReaderSource(f"udp:127.0.0.1:{port}", time.monotonic, targets=("212F",))
    source.start()
    events = Collector(source)
    try:
        status = events.wait_for(state(SourceState.OK))
        assert "IP-Stack" in status.reason
        for memory in (tag_memory(b""),                                    # empty tag
                       tag_memory(b"\xff\xfe\x00garbage"),                 # malformed NDEF
                       tag_memory(b"\x11\x03\x00\x00\x00\x80"),              # type not ASCII
                       tag_memory(message(ndef.UriRecord("https://id.gs1.org/01/03760000000017")),
                                  checksum_ok=False)):                     # bad attribute block
            with tag_on_reader(port, memory) as tag:
                placed = events.wait_for(lambda event: isinstance(event, Placed))
                tag.lift()
                removed = events.wait_for(lambda event: isinstance(event, Removed))
            assert (placed.code, removed.code) == (UNKNOWN, UNKNOWN)
    finally:
        source.stop()


@pytest.mark.timeout(30)
def test_the_tag_map_names_tags_by_identifier(reader: Collector, port: int) -> None:
    with tag_on_reader(port, tag_memory(b"")) as tag:
        placed = reader.wait_for(lambda event: isinstance(event, Placed))
        tag.lift()
        reader.wait_for(lambda event: isinstance(event, Removed))
    assert placed.code == "00000096385074"


@pytest.mark.timeout(30)
def test_a_lost_transport_is_reported_and_reopened(
        reader: Collector, port: int, monkeypatch: pytest.MonkeyPatch) -> None:
    send = nfc.clf.udp.Device._send_data
    failures = [OSError(errno.ENODEV, "No such device")]

    def failing_send(self: Any, *args: Any) -> None:
        if failures:
            raise failures.pop()
        send(self, *args)

    monkeypatch.setattr(nfc.clf.udp.Device, "_send_data", failing_send)
    lost = reader.wait_for(state(SourceState.UNAVAILABLE))
    assert "stopped responding" in lost.reason and "retrying" in lost.reason
    reader.wait_for(state(SourceState.OK))
    with tag_on_reader(port, tag_memory(message(ndef.TextRecord("3760000000017")))) as tag:
        assert reader.wait_for(lambda event: isinstance(event, Placed)).code == GTIN
        tag.lift()
        reader.wait_for(lambda event: isinstance(event, Removed))


@pytest.mark.timeout(30)
def test_stop_is_prompt_and_releases_a_tag_still_present(reader: Collector, port: int) -> None:
    with tag_on_reader(port, tag_memory(b"")):
        reader.wait_for(lambda event: isinstance(event, Placed))
        started = time.monotonic()
        reader.source.stop()
        assert time.monotonic() - started < 1.5
        reader.events.extend(reader.source.poll())
    assert isinstance(reader.events[-2], Removed)
    assert reader.events[-1] == SourceStatus("nfc-test", SourceState.STOPPED)


class FakeFrontend:
    """Stands in for ``nfc.ContactlessFrontend``: scripted ``connect`` results, or no device."""

    script: ClassVar[list[Callable[[dict[str, Any]], Any]]] = []
    present = True

    def __init__(self, path: str) -> None:
        if not FakeFrontend.present:
            raise OSError(errno.ENODEV, "No such device")
        self.closed = False

    def connect(self, rdwr: dict[str, Any], terminate: Callable[[], bool]) -> Any:
        if FakeFrontend.script:
            return FakeFrontend.script.pop(0)(rdwr)
        while not terminate():
            pass
        return None

    def close(self) -> None:
        self.closed = True

    def __str__(self) -> str:
        return "Fake reader"


class UnreadableTag:
    identifier = b"\x01\x02\x03\x04"

    @property
    def ndef(self) -> None:
        raise nfc.tag.TagCommandError(nfc.tag.TIMEOUT_ERROR)


@pytest.mark.timeout(10)
def test_a_missing_reader_is_unavailable_with_a_plain_reason(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(FakeFrontend, "present", False)
    monkeypatch.setattr(nfc, "ContactlessFrontend", FakeFrontend)
    source = NfcReaderSource("usb:054c", time.monotonic, backoff=Backoff(0.05, 0.1))
    source.start()
    try:
        lost = Collector(source).wait_for(state(SourceState.UNAVAILABLE))
    finally:
        source.stop()
    assert lost.reason.startswith("no NFC reader at 'usb:054c' (No such device)")


@pytest.mark.timeout(10)
def test_a_tag_pulled_mid_read_emits_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(FakeFrontend, "script",
                        [lambda rdwr: rdwr["on-connect"](UnreadableTag()) or True])
    monkeypatch.setattr(nfc, "ContactlessFrontend", FakeFrontend)
    source = NfcReaderSource("usb", time.monotonic)
    source.start()
    events = Collector(source)
    events.wait_for(state(SourceState.OK))
    time.sleep(0.2)
    source.stop()
    events.events.extend(source.poll())
    assert [type(event) for event in events.events] == [SourceStatus] * 3


@pytest.mark.timeout(30)
def test_the_reader_hands_a_link_to_a_phone_between_reads(reader: Collector, port: int) -> None:
    from tests.hardware.test_nfc_handoff import read_url

    assert reader.source.can_emulate
    results: list[str] = []
    link = "https://shop.example.com/p/3760000000017?utm_source=kiosk"
    assert reader.source.offer_link(link, 6.0, results.append)
    assert not reader.source.offer_link(link, 6.0, results.append)  # one offer at a time
    assert read_url(port) == link
    deadline = time.monotonic() + 5
    while not results and time.monotonic() < deadline:
        time.sleep(0.02)
    assert results == ["read"]
    with tag_on_reader(port, tag_memory(message(ndef.TextRecord("3760000000017")))) as tag:
        assert reader.wait_for(lambda event: isinstance(event, Placed)).code == GTIN
        tag.lift()
        reader.wait_for(lambda event: isinstance(event, Removed))
