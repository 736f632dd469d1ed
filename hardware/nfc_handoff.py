"""Phone handoff by NFC: the reader pretends to be a Type 3 tag holding a product's URL.

A shopper taps their phone on the table and the phone opens the link, with no app. nfcpy's card
emulation does the radio work; this module builds the tag memory (NFC Forum Type 3 attribute
block plus an NDEF URI record) and answers the phone's read commands. Everything is bounded by
the caller's deadline and ``stop`` event: nfcpy's own emulation loop waits for the next command
without a timeout, so this module runs that loop itself with a timeout on every exchange.

``present_url`` blocks; the app calls it from a worker thread, never from the frame loop.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from enum import Enum
from struct import pack
from typing import Any
from urllib.parse import urlsplit

import ndef
import nfc
import nfc.clf
import nfc.clf.acr122
import nfc.clf.pn533
import nfc.clf.rcs380
import nfc.clf.udp
import nfc.tag.tt3

log = logging.getLogger(__name__)

IDM = bytes.fromhex("03FEFFE011223344")
PMM = bytes.fromhex("01E0000000FFFF00")
NFC_FORUM_SYSTEM = bytes.fromhex("12FC")
NDEF_SERVICES = (0x0009, 0x000B)
BLOCK = 16
MAX_NDEF_BYTES = 1024
"""Longest NDEF message presented (64 blocks): plenty for a product link, and a phone reads it
within one tap even at 3 blocks per read. URLs whose record exceeds this raise ValueError."""
MAX_BLOCKS_PER_READ = 15
DEFAULT_BLOCKS_PER_READ = 12
PN533_BLOCKS_PER_READ = 3
"""The PN533 driver programs the chip's 64-byte frame buffer directly: 3 blocks fit a response."""
LISTEN_SLICES = (0.5, 0.8, 0.65, 0.55, 0.75)
"""Seconds per listen window, varied on purpose. A reader's poll that lands as a window closes
is answered, but its next command reaches the re-opened listener and is lost (nfcpy's udp
driver at least); readers poll at a fixed period, so equal windows can miss every poll."""
COMMAND_TIMEOUT = 0.5
FINAL_SEND_TIMEOUT = 0.05
EMULATING_DEVICES = (nfc.clf.rcs380.Device, nfc.clf.pn533.Device, nfc.clf.udp.Device)


class HandoffResult(Enum):
    """How one handoff ended."""

    READ = "read"
    TIMEOUT = "timeout"
    UNSUPPORTED = "unsupported"
    FAILED = "failed"


def emulation_support(clf: nfc.ContactlessFrontend) -> str | None:
    """None when the reader can emulate a Type 3 tag, else the plain reason for staff.

    Only drivers known to listen as a Type F target are trusted (RC-S380, PN533, nfcpy's udp
    stack); the ACR122U's firmware blocks target mode, and others are untested.
    """
    device = getattr(clf, "device", None)
    if device is None:
        return "no NFC reader is open"
    if isinstance(device, nfc.clf.acr122.Device):
        return "ACR122U cannot emulate a tag"
    if isinstance(device, EMULATING_DEVICES):
        return None
    return f"{_device_name(device)} is not known to emulate a tag"


def uri_message(url: str) -> bytes:
    """The NDEF message (one URI record) for an http(s) URL; ValueError for anything else.

    Only web links are handed to phones: other schemes (tel:, intent:, file:) would make the
    phone do something other than open a page.
    """
    if not isinstance(url, str) or not url:
        raise ValueError("the handoff URL is empty")
    if any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in url):
        raise ValueError(f"the handoff URL {url!r} contains spaces or control characters")
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ValueError(f"the handoff URL {url!r} must be an http:// or https:// link")
    message = b"".join(ndef.message_encoder([ndef.UriRecord(url)]))
    if len(message) > MAX_NDEF_BYTES:
        raise ValueError(f"the handoff URL is too long for the tag: {len(message)} bytes as an "
                         f"NDEF message, at most {MAX_NDEF_BYTES}")
    return message


def attribute_block(length: int, blocks: int, blocks_per_read: int) -> bytes:
    """NFC Forum Type 3 attribute information block: version 1.0, read-only, ``length`` bytes."""
    head = bytearray(14)
    head[0:5] = bytes([0x10, blocks_per_read, 0]) + pack(">H", blocks)
    head[11:14] = pack(">I", length)[1:]
    return bytes(head) + pack(">H", sum(head))


def tag_memory(message: bytes, blocks_per_read: int) -> bytes:
    """Attribute block followed by the NDEF message, padded to whole 16-byte blocks."""
    blocks = max(1, -(-len(message) // BLOCK))
    body = message.ljust(blocks * BLOCK, b"\0")
    return attribute_block(len(message), blocks, blocks_per_read) + body


def blocks_per_read(clf: nfc.ContactlessFrontend, requested: int | None = None) -> int:
    """Blocks the phone may ask for per read command, capped by what the reader can send."""
    if requested is not None and not 1 <= requested <= MAX_BLOCKS_PER_READ:
        raise ValueError(f"max_blocks_per_read must be 1 to {MAX_BLOCKS_PER_READ}, "
                         f"not {requested}")
    cap = (PN533_BLOCKS_PER_READ if isinstance(clf.device, nfc.clf.pn533.Device)
           else MAX_BLOCKS_PER_READ)
    return min(requested or DEFAULT_BLOCKS_PER_READ, cap)


def present_url(device: str | nfc.ContactlessFrontend, url: str, seconds: float, *,
                stop: threading.Event | None = None,
                max_blocks_per_read: int | None = None) -> HandoffResult:
    """Be a Type 3 tag carrying ``url`` for at most ``seconds``; READ once a phone read it all.

    ``device`` is an nfcpy path ("usb", "udp:127.0.0.1:PORT"), opened and closed here, or an
    open ``ContactlessFrontend`` the caller keeps (and nobody else polls meanwhile). Returns
    by the deadline (nfcpy's udp driver may overrun it by up to half a second), or within one
    listen window (under a second) of ``stop`` being set. ValueError for a non-http(s) URL or
    one whose NDEF message exceeds ``MAX_NDEF_BYTES``.
    """
    message = uri_message(url)
    deadline = time.monotonic() + max(0.0, seconds)
    halt = stop if stop is not None else threading.Event()

    def over() -> bool:
        return halt.is_set() or time.monotonic() >= deadline

    if isinstance(device, str):
        try:
            clf = nfc.ContactlessFrontend(device)
        except OSError as exc:
            log.warning("NFC handoff: no reader at %r (%s)", device, exc.strerror or exc)
            return HandoffResult.FAILED
        try:
            return _present(clf, message, over, deadline, max_blocks_per_read)
        finally:
            clf.close()
    return _present(device, message, over, deadline, max_blocks_per_read)


def _present(clf: nfc.ContactlessFrontend, message: bytes, over: Callable[[], bool],
             deadline: float, requested: int | None) -> HandoffResult:
    """Listen, serve one reader at a time, and listen again until read, deadline or stop."""
    reason = emulation_support(clf)
    if reason is not None:
        log.info("NFC handoff not supported: %s", reason)
        return HandoffResult.UNSUPPORTED
    memory = tag_memory(message, blocks_per_read(clf, requested))
    return emulate(clf, memory, over, deadline, until_read=True)


def emulate(clf: nfc.ContactlessFrontend, memory: bytes, over: Callable[[], bool],
            deadline: float = float("inf"), *, until_read: bool, idm: bytes = IDM
            ) -> HandoffResult:
    """Be a Type 3 tag holding ``memory`` (``tag_memory`` layout) until ``over()`` or deadline.

    ``until_read``: end as READ once a reader has read every block (a phone handoff); otherwise
    keep answering, like a tag lying on a reader, until ``over()``. ``idm`` is the tag's id.
    """
    def on_startup(target: nfc.clf.LocalTarget) -> nfc.clf.LocalTarget:
        target = nfc.clf.LocalTarget("212F")
        target.sensf_res = b"\x01" + idm + PMM + NFC_FORUM_SYSTEM
        return target

    attempt = 0
    while not over():
        window = min(LISTEN_SLICES[attempt % len(LISTEN_SLICES)], deadline - time.monotonic())
        attempt += 1
        card = {"on-startup": on_startup, "on-connect": lambda tag: False, "timeout": window}
        tag = clf.connect(card=card, terminate=_once(over))
        if tag is False:
            log.warning("NFC tag emulation: the reader stopped responding")
            return HandoffResult.FAILED
        if (isinstance(tag, nfc.tag.tt3.Type3TagEmulation)
                and _serve(tag, memory, deadline, over, until_read)):
            return HandoffResult.READ
    return HandoffResult.TIMEOUT


def _once(over: Callable[[], bool]) -> Callable[[], bool]:
    """A ``terminate`` for ``connect`` that allows a single listen window (or fewer)."""
    asked = 0

    def terminate() -> bool:
        nonlocal asked
        asked += 1
        return asked > 1 or over()
    return terminate


def _serve(tag: nfc.tag.tt3.Type3TagEmulation, memory: bytes, deadline: float,
           over: Callable[[], bool], until_read: bool) -> bool:
    """Answer one reader's commands; True once it has read every block (with ``until_read``).

    Each wait for a command is bounded, so a phone that leaves silently only costs
    ``COMMAND_TIMEOUT`` before listening resumes.
    """
    data_blocks = len(memory) // BLOCK - 1
    unread = set(range(1, data_blocks + 1))

    def read_block(block: int, rb: bool, re: bool) -> bytes | None:
        if not 0 <= block <= data_blocks:
            return None
        unread.discard(block)
        return memory[block * BLOCK:(block + 1) * BLOCK]

    for service in NDEF_SERVICES:
        tag.add_service(service, read_block, None)
    response = _answer(tag, tag.cmd)
    while not over():
        if until_read and not unread:
            _send_last(tag, response)
            return True
        wait = max(0.01, min(COMMAND_TIMEOUT, deadline - time.monotonic()))
        try:
            command = tag.send_response(response, wait)
        except nfc.clf.BrokenLinkError:
            return False
        except nfc.clf.TimeoutError:
            log.debug("NFC handoff: the reader went quiet")
            return False
        except nfc.clf.CommunicationError as exc:
            log.debug("NFC handoff: garbled command (%s)", exc)
            response = None
            continue
        if command is None:
            return False
        response = _answer(tag, command)
    return False


def _answer(tag: nfc.tag.tt3.Type3TagEmulation, command: Any) -> Any:
    """nfcpy's response to one command; a malformed frame from a phone gets no answer."""
    try:
        return tag.process_command(command)
    except (IndexError, KeyError, ValueError) as exc:
        log.debug("NFC handoff: malformed command %r (%s)", command, exc)
        return None


def _send_last(tag: nfc.tag.tt3.Type3TagEmulation, response: Any) -> None:
    """Deliver the response carrying the final block; what the reader does next is its business."""
    try:
        tag.send_response(response, FINAL_SEND_TIMEOUT)
    except nfc.clf.CommunicationError as exc:
        log.debug("NFC handoff: reader done after the last block (%s)", exc)


def _device_name(device: Any) -> str:
    name = " ".join(filter(None, (getattr(device, "vendor_name", ""),
                                  getattr(device, "product_name", ""))))
    return name or type(device).__name__
