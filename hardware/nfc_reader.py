"""NFC reader source: a tag laid on the reader is a product placed, lifting it removes it.

nfcpy does the radio work; this module only turns its ``connect`` callbacks into events. A lost
reader (unplugged USB, broken transport) raises ``OSError`` so the supervisor reports it and
reopens with backoff; a bad or half-read tag is logged and never stops the reader.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from typing import Any

import ndef
import nfc
import nfc.clf
import nfc.tag

from hardware.backoff import Backoff
from hardware.events import Placed, Removed, SourceState
from hardware.gtin import normalise_code
from hardware.nfc_handoff import emulation_support, present_url
from hardware.nfc_meaning import gtin_from_records, normalise_tag_id
from hardware.source import ThreadedSource

log = logging.getLogger(__name__)

CENTRE = (0.5, 0.5)
POLL_PAUSE = 0.1
DEFAULT_TARGETS = ("106A", "106B", "212F")
UNREADABLE = (ndef.DecodeError, nfc.tag.TagCommandError, nfc.clf.CommunicationError)


class NfcReaderSource(ThreadedSource):
    """Reads tags with nfcpy on ``device`` ("usb", "usb:054c", "tty:USB0:pn532", "udp:host:port").

    ``targets`` are nfcpy bitrate/technology names to sense; nfcpy asks ``terminate`` between
    sense rounds, which pauses briefly (no busy polling) and honours ``stop`` within one round.
    ``position`` is where the reader's area lies on the table (fractions), where panels open.
    A ``Placed`` event's time is when nfcpy reported the tag, before its memory was read.
    """

    def __init__(self, device: str, clock: Callable[[], float],
                 tag_map: dict[str, str] | None = None, *, name: str = "nfc",
                 backoff: Backoff | None = None, targets: Sequence[str] = DEFAULT_TARGETS,
                 position: tuple[float, float] = CENTRE) -> None:
        super().__init__(name, backoff)
        self.device = device
        self.position = position
        self._clock = clock
        self._tag_map = {normalise_tag_id(key): normalise_code(value)
                         for key, value in (tag_map or {}).items()}
        self._targets = list(targets)
        self._current: str | None = None
        self._readings = 0
        self._progress = threading.Condition()
        self._can_emulate = False
        self._offer: tuple[str, float, Callable[[str], None]] | None = None
        self._offer_lock = threading.Lock()

    @property
    def can_emulate(self) -> bool:
        """The open reader can present a tag to a phone (RC-S380, PN533, udp)."""
        return self._can_emulate

    def offer_link(self, url: str, seconds: float, done: Callable[[str], None]) -> bool:
        """Have the reader present ``url`` as a tag for up to ``seconds``, between two reading
        rounds; ``done`` is called from the reader's thread with "read", "timeout",
        "unsupported" or "failed". False when the reader cannot, or is already offering."""
        if not self._can_emulate:
            return False
        with self._offer_lock:
            if self._offer is not None:
                return False
            self._offer = (url, seconds, done)
        return True

    @property
    def readings(self) -> int:
        """How many ``Placed`` and ``Removed`` events this reader has emitted."""
        with self._progress:
            return self._readings

    def wait_readings(self, count: int, timeout: float) -> bool:
        """Wait until ``readings`` reaches ``count`` (step-mode runs); False on timeout."""
        with self._progress:
            return self._progress.wait_for(lambda: self._readings >= count, timeout)

    def run(self, stop: threading.Event) -> None:
        clf = self._open()
        self._can_emulate = emulation_support(clf) is None
        try:
            self.status(SourceState.OK, f"NFC reader: {clf}")
            options = {"on-connect": self._on_connect, "on-release": self._on_release,
                       "targets": self._targets, "iterations": 1, "interval": POLL_PAUSE}

            def pause_or_stop() -> bool:
                # nfcpy calls this between sense rounds: waiting here paces the polling and
                # still wakes at once on stop, or to present a link to a phone.
                return self._offer is not None or stop.wait(POLL_PAUSE)

            while not stop.is_set():
                if self._offer is not None:
                    self._present(clf, stop)
                    continue
                result = clf.connect(rdwr=options, terminate=pause_or_stop)
                if result is False and not stop.is_set():
                    raise OSError(f"NFC reader {self.device!r} stopped responding")
        finally:
            self._can_emulate = False
            self._release_current()
            self._answer_offer("failed")
            clf.close()

    def _present(self, clf: Any, stop: threading.Event) -> None:
        """Be a tag holding the offered link (the reader reads no tags meanwhile)."""
        assert self._offer is not None
        url, seconds, _ = self._offer
        self._release_current()
        try:
            result = present_url(clf, url, seconds, stop=stop).value
        except ValueError as exc:
            log.warning("NFC handoff refused: %s", exc)
            result = "failed"
        self._answer_offer(result)
        if result == "failed" and not stop.is_set():
            raise OSError(f"NFC reader {self.device!r} failed while presenting a link")

    def _answer_offer(self, result: str) -> None:
        with self._offer_lock:
            offer, self._offer = self._offer, None
        if offer is not None:
            offer[2](result)

    def _open(self) -> Any:
        """Open the reader; any failure becomes an ``OSError`` the supervisor can report."""
        try:
            return nfc.ContactlessFrontend(self.device)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise OSError(f"no NFC reader at {self.device!r} ({reason})") from exc

    def _on_connect(self, tag: Any) -> bool:
        """Emit ``Placed``; True keeps nfcpy polling the tag until it leaves (``on-release``)."""
        sensed = self._clock()
        try:
            tag_id = normalise_tag_id(bytes(tag.identifier))
            records = self._records(tag, tag_id)
        except UNREADABLE as exc:
            log.warning("NFC tag could not be read (lifted too early?): %s", exc)
            return False
        code = gtin_from_records(records) or self._tag_map.get(tag_id)
        if code is None:
            log.info("NFC tag %s carries no product and is not in the tag map", tag_id)
            code = f"nfc:{tag_id}"
        self._current = code
        self._reading(Placed(code, self.name, self.position, 0.0, sensed))
        return True

    def _on_release(self, tag: Any) -> bool:
        """The tag left the field; True makes ``connect`` return so ``stop`` is checked."""
        self._release_current()
        return True

    def _records(self, tag: Any, tag_id: str) -> list[ndef.Record]:
        """NDEF records, or none when the message is malformed: the tag id may still map."""
        if tag.ndef is None:
            return []
        try:
            return list(tag.ndef.records)
        except ndef.DecodeError as exc:
            log.warning("NFC tag %s has a malformed NDEF message: %s", tag_id, exc)
            return []

    def _release_current(self) -> None:
        """Pair every ``Placed`` with a ``Removed``, also when the reader goes away."""
        if self._current is not None:
            self._reading(Removed(self._current, self.name, self._clock()))
            self._current = None

    def _reading(self, event: Placed | Removed) -> None:
        self.emit(event)
        with self._progress:
            self._readings += 1
            self._progress.notify_all()
