"""The simulator's NFC reader: nfcpy's real stack over its ``udp`` driver, on 127.0.0.1 only.

The kiosk's ``NfcReaderSource`` polls ``udp:127.0.0.1:PORT`` exactly as it polls a USB reader;
a helper process emulates a Type 3 tag on that port for as long as a product lies on the reader,
carrying the product's GS1 Digital Link. So scenarios and the simulator exercise tag reading,
NDEF decoding and tag removal end to end, with no hardware.

nfcpy's udp driver binds 0.0.0.0 and sends from an unbound socket; ``install_loopback`` keeps
both sides on 127.0.0.1. The helper ends when told, when the kiosk process goes away (its
command pipe closes) or at its lifetime, whichever comes first: nothing is left running.
"""

from __future__ import annotations

import errno
import logging
import multiprocessing
import os
import socket
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

import ndef
import nfc
import nfc.clf.udp

from hardware.gtin import normalise_code
from hardware.nfc_handoff import IDM, emulate, tag_memory

log = logging.getLogger(__name__)

DIGITAL_LINK = "https://id.gs1.org/01/{gtin14}"
LIFETIME_S = 6 * 3600.0
"""Hard bound on a helper process: a simulator session never needs more."""
EXIT_TIMEOUT_S = 3.0
_patched = threading.Lock()


def _bind_loopback(self: Any, time_to_return: float) -> bool:
    """``Device._bind_socket`` on 127.0.0.1 instead of 0.0.0.0 (the emulated tag's side)."""
    try:
        self.socket.bind(("127.0.0.1", self.addr[1]))
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            return False
        raise
    return True


def _loopback_sender(send: Callable[..., None]) -> Callable[..., None]:
    """Bind the reader's still-unbound socket to 127.0.0.1 before its first datagram."""
    def send_data(self: Any, brty: str, data: bytes, addr: tuple[str, int]) -> None:
        if self.socket.getsockname()[1] == 0:
            self.socket.bind(("127.0.0.1", 0))
        send(self, brty, data, addr)
    send_data.loopback = True  # type: ignore[attr-defined]
    return send_data


def install_loopback(setattr_: Callable[[Any, str, Any], None] = setattr) -> None:
    """Keep every udp-driver socket on 127.0.0.1 (once per process; tests pass
    ``monkeypatch.setattr`` to undo it afterwards)."""
    device = nfc.clf.udp.Device
    with _patched:
        if getattr(device._send_data, "loopback", False):
            return
        setattr_(device, "_bind_socket", _bind_loopback)
        setattr_(device, "_send_data", _loopback_sender(device._send_data))


def free_udp_port() -> int:
    """A UDP port on 127.0.0.1 that nobody uses right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def product_tag(code: str) -> bytes:
    """Tag memory holding one URI record: the product's GS1 Digital Link."""
    url = DIGITAL_LINK.format(gtin14=normalise_code(code).zfill(14))
    return tag_memory(b"".join(ndef.message_encoder([ndef.UriRecord(url)])), 1)


def run_tags(port: int, commands: Connection, lifetime: float) -> None:
    """Helper process entry: emulate the tag last sent on ``commands`` until it is lifted.

    Commands are ``(memory, idm)`` to lay a tag (replacing any other), ``None`` to lift it.
    The pipe closing (the kiosk ended) or ``lifetime`` ends the process.
    """
    watchdog = threading.Timer(lifetime, os._exit, args=(3,))
    watchdog.daemon = True
    watchdog.start()
    install_loopback()
    clf = nfc.ContactlessFrontend(f"udp:127.0.0.1:{port}")
    current: tuple[bytes, bytes] | None = None
    try:
        while True:
            if current is None or commands.poll():
                current = commands.recv()
                continue
            memory, idm = current
            emulate(clf, memory, commands.poll, until_read=False, idm=idm)
    except (EOFError, OSError):
        return
    finally:
        clf.close()


class VirtualNfc:
    """Lays and lifts emulated tags on the simulator's udp reader, one tag at a time.

    The helper process starts with the first tag, so a kiosk that never uses it pays nothing.
    """

    def __init__(self, port: int | None = None, lifetime: float = LIFETIME_S) -> None:
        self.port = port or free_udp_port()
        self._lifetime = lifetime
        self._process: Any = None
        self._commands: Connection | None = None
        self._lock = threading.Lock()
        self.on_reader: str | None = None

    @property
    def device(self) -> str:
        """The nfcpy path the kiosk's reader opens."""
        return f"udp:127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start the helper process now rather than with the first tag."""
        with self._lock:
            if self._commands is None:
                self._start()

    def place(self, code: str) -> None:
        """Lay the product's tag on the reader (lifting any tag already there)."""
        self.place_tag(product_tag(code), IDM)
        self.on_reader = normalise_code(code)

    def place_tag(self, memory: bytes, idm: bytes = IDM) -> None:
        """Lay any tag: ``memory`` in ``tag_memory`` layout, ``idm`` its 8-byte identifier."""
        self._send((memory, idm))
        self.on_reader = None

    def lift(self) -> None:
        """Take the tag off the reader; nothing happens if none is there."""
        if self._commands is not None:
            self._send(None)
        self.on_reader = None

    def close(self) -> None:
        """End the helper process, waiting a bounded time."""
        with self._lock:
            commands, process = self._commands, self._process
            self._commands = self._process = None
        if commands is not None:
            commands.close()
        if process is not None:
            process.join(EXIT_TIMEOUT_S)
            if process.is_alive():
                process.terminate()
                process.join(EXIT_TIMEOUT_S)

    def _send(self, command: tuple[bytes, bytes] | None) -> None:
        """Hand the helper its next tag; a helper that died (killed, crashed) is started again
        with it, so the simulator goes on."""
        with self._lock:
            if self._commands is None:
                self._start()
            assert self._commands is not None
            try:
                self._commands.send(command)
            except OSError as exc:
                log.warning("the virtual NFC tag process is gone (%s); starting it again", exc)
                self._commands.close()
                self._start()
                self._commands.send(command)

    def _start(self) -> None:
        context = multiprocessing.get_context("spawn")
        mine, theirs = context.Pipe()
        self._process = context.Process(target=run_tags, args=(self.port, theirs,
                                                                self._lifetime),
                                        name="virtual-nfc-tag", daemon=True)
        started = time.monotonic()
        self._process.start()
        theirs.close()
        self._commands = mine
        log.debug("virtual NFC tag process started in %.0f ms",
                  (time.monotonic() - started) * 1000)
