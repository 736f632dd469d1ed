"""NFC reader source: a tag laid on the reader is a product placed, lifting it removes it.

nfcpy does the radio work; this module only turns its ``connect`` callbacks into events. A lost
reader (unplugged USB, broken transport) raises ``OSError`` so the supervisor reports it and
reopens with backoff; a bad or half-read tag is logged and never stops the reader.

A tag is placed only once its memory was read completely. A read that failed (the tag lifted
mid-read, a message announced larger than ``MAX_NDEF_BYTES``, a read longer than
``MAX_READ_S``) places nothing: nfcpy senses the tag again at the next round, so a tag still
on the reader is read again. Only a tag read completely whose content means no product is an
unknown code (``nfc:<id>``).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from hardware.backoff import Backoff
from hardware.events import Placed, Removed, SourceState
from hardware.gtin import normalise_code
from hardware.nfc_meaning import UNKNOWN_PREFIX, normalise_tag_id, tag_code
from hardware.source import ThreadedSource

if TYPE_CHECKING:
    import ndef

log = logging.getLogger(__name__)

CENTRE = (0.5, 0.5)
POLL_PAUSE = 0.1
DEFAULT_TARGETS = ("106A", "106B", "212F")
MAX_NDEF_BYTES = 64 * 1024
"""Longest NDEF message read; a product tag holds a link of a few dozen bytes. Checked against
the length a Type 3 tag announces, before reading (the only type that can announce megabytes:
Type 2 and Type 4 lengths are bounded by their format, and by ``MAX_READ_S``)."""
MAX_READ_S = 3.0
"""Longest read of one tag's memory (a full 64 KiB Type 3 tag takes about 1 s over nfcpy's udp
driver): a slower one is abandoned, so a hostile tag cannot keep the reader from others."""
READ_ATTEMPTS = 2
"""Reads of a tag that answered with transport errors but stayed on the reader: a second
failure in a row is the tag's answer (a FeliCa card without NFC Forum data times out)."""


class TagUnreadable(Exception):
    """A tag's memory could not be read completely; the tag is read again while it stays."""


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
                 position: tuple[float, float] = CENTRE, max_read_s: float = MAX_READ_S,
                 max_ndef_bytes: int = MAX_NDEF_BYTES) -> None:
        super().__init__(name, backoff)
        self.device = device
        self.position = position
        self.max_read_s = max_read_s
        self.max_ndef_bytes = max_ndef_bytes
        self._unreadable: tuple[str, str] | None = None
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
        from hardware.nfc_handoff import emulation_support

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
        from hardware.nfc_handoff import present_url

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
        """Open the reader; any failure becomes an ``OSError`` the supervisor can report.
        nfcpy is imported here, in the reader's thread: the first frame does not wait for it."""
        import nfc

        try:
            return nfc.ContactlessFrontend(self.device)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise OSError(f"no NFC reader at {self.device!r} ({reason})") from exc

    def _on_connect(self, tag: Any) -> bool:
        """Emit ``Placed`` for a tag read completely; True keeps nfcpy polling it until it
        leaves (``on-release``). False, with nothing emitted, for a read that failed: nfcpy
        then returns, and the next round senses the tag again if it is still there."""
        sensed = self._clock()
        tag_id = normalise_tag_id(bytes(tag.identifier))
        try:
            records = self._read(tag, tag_id)
        except TagUnreadable as exc:
            self._report_unreadable(tag_id, str(exc))
            return False
        self._unreadable = None
        code = tag_code(records, tag_id, self._tag_map)
        if code.startswith(UNKNOWN_PREFIX):
            log.info("NFC tag %s carries no product and is not in the tag map", tag_id)
        self._current = code
        self._reading(Placed(code, self.name, self.position, 0.0, sensed))
        return True

    def _on_release(self, tag: Any) -> bool:
        """The tag left the field; True makes ``connect`` return so ``stop`` is checked."""
        self._release_current()
        return True

    def _read(self, tag: Any, tag_id: str) -> list[ndef.Record]:
        """The tag's NDEF records, [] when it has none or a malformed message (its id may
        still map); ``TagUnreadable`` when its memory could not be read completely."""
        import ndef

        for attempt in range(1, READ_ATTEMPTS + 1):
            guard = _ReadGuard(self.max_read_s, self.max_ndef_bytes)
            try:
                with guard.watching(tag):
                    found = tag.ndef
            except _unreadable() as exc:
                raise TagUnreadable(f"the read failed ({exc or type(exc).__name__})") from exc
            if guard.failure is not None:
                raise TagUnreadable(guard.failure)
            if found is not None or not guard.errors:
                break  # read, or the tag answered plainly that it holds no NDEF message
            if not _still_there(tag):
                raise TagUnreadable("it left the reader in the middle of the read")
            log.debug("NFC tag %s: transport errors on read %d while it stays", tag_id, attempt)
        if found is None:
            return []
        try:
            return list(found.records)
        except (ndef.DecodeError, ValueError) as exc:  # a record type not ASCII: UnicodeError
            log.warning("NFC tag %s has a malformed NDEF message: %s", tag_id, exc)
            return []

    def _report_unreadable(self, tag_id: str, reason: str) -> None:
        """Warn once per tag and reason: a bad tag left on the reader is retried every round."""
        if self._unreadable == (tag_id, reason):
            log.debug("NFC tag %s still cannot be read: %s", tag_id, reason)
            return
        self._unreadable = (tag_id, reason)
        log.warning("NFC tag %s could not be read completely: %s; it is read again while it "
                    "stays on the reader", tag_id, reason)

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


class _ReadGuard:
    """Bounds one read of a tag's memory by nfcpy: every command of the read passes through
    ``exchange``, which ends the read once ``max_read_s`` passed and counts transport errors;
    a Type 3 tag announcing more than ``max_ndef_bytes`` is not read at all."""

    def __init__(self, max_read_s: float, max_ndef_bytes: int) -> None:
        self._max_read_s = max_read_s
        self._max_ndef_bytes = max_ndef_bytes
        self._deadline = time.monotonic() + max_read_s
        self._exchange: Callable[[Any, float], Any] | None = None
        self.failure: str | None = None
        """Why the read was abandoned (too slow, too large), or None."""
        self.errors = 0
        """Transport errors (no answer, garbled answer) during the read."""

    @contextlib.contextmanager
    def watching(self, tag: Any) -> Iterator[None]:
        """Route the tag's commands through this guard for the block's duration."""
        clf = getattr(tag, "clf", None)
        if clf is not None:
            self._exchange = clf.exchange
            clf.exchange = self.exchange
        bounded = self._bounded_ndef(type(tag))
        if bounded is not None:
            tag.NDEF = bounded
        try:
            yield
        finally:
            if clf is not None:
                del clf.exchange
            if bounded is not None:
                del tag.NDEF

    def exchange(self, data: Any, timeout: float) -> Any:
        """``ContactlessFrontend.exchange``, within the read's time."""
        import nfc.clf

        assert self._exchange is not None
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            self.failure = f"reading it took longer than {self._max_read_s:g} s"
            raise nfc.clf.TimeoutError("the read's time is up")
        try:
            return self._exchange(data, min(timeout, remaining))
        except nfc.clf.CommunicationError:
            self.errors += 1
            raise

    def _bounded_ndef(self, tag_type: type) -> type | None:
        """nfcpy's Type 3 NDEF reader, refusing a message longer than ``max_ndef_bytes`` from
        its attribute block, before its blocks are read; None for other tag types."""
        base = getattr(tag_type, "NDEF", None)
        if base is None or not hasattr(base, "_read_attribute_data"):
            return None
        guard = self

        class Bounded(base):  # type: ignore[misc, valid-type]
            def _read_attribute_data(self) -> dict[str, int] | None:
                attributes = super()._read_attribute_data()
                length = (attributes or {}).get("ln", 0)
                if length > guard._max_ndef_bytes:
                    guard.failure = (f"its NDEF message announces {length:,} bytes, more than "
                                     f"the {guard._max_ndef_bytes:,} read")
                    return None
                return attributes

        return Bounded


def _still_there(tag: Any) -> bool:
    """Whether the tag still answers (nfcpy's own presence check, with its own timeouts)."""
    try:
        return bool(tag.is_present)
    except _unreadable():
        return False


def _unreadable() -> tuple[type[Exception], ...]:
    """What a failed read of a tag's memory raises (nfcpy is loaded by then: a tag was read)."""
    import ndef
    import nfc.clf
    import nfc.tag

    return ndef.DecodeError, nfc.tag.TagCommandError, nfc.clf.CommunicationError
