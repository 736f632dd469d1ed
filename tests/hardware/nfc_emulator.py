"""A Type 3 (FeliCa) tag emulated with nfcpy's card-emulation API over its ``udp`` driver.

Laying a tag on the reader is starting ``emulate_type3`` in its own process; lifting it is that
process ending its emulation. nfcpy's udp reader sends to ``host:port`` from an unbound socket and
the emulated card binds ``0.0.0.0:port``; the tests keep both on 127.0.0.1 with
``install_loopback``.
"""

from __future__ import annotations

import contextlib
import errno
import multiprocessing
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import nfc
import nfc.clf
import nfc.clf.udp

from hardware.nfc_handoff import tag_memory as handoff_tag_memory

IDM = bytes.fromhex("03FEFFE011223344")
PMM = bytes.fromhex("01E0000000FFFF00")
NFC_FORUM_SYSTEM = bytes.fromhex("12FC")
NDEF_READ_SERVICES = (0x0009, 0x000B)


def _bind_loopback(self: Any, time_to_return: float) -> bool:
    """``Device._bind_socket`` on 127.0.0.1 instead of 0.0.0.0 (listening side)."""
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
    return send_data


def install_loopback(setattr_: Callable[[Any, str, Any], None] = setattr) -> None:
    """Keep every udp-driver socket on 127.0.0.1; pass ``monkeypatch.setattr`` in a test."""
    device = nfc.clf.udp.Device
    setattr_(device, "_bind_socket", _bind_loopback)
    setattr_(device, "_send_data", _loopback_sender(device._send_data))


def tag_memory(message: bytes, *, checksum_ok: bool = True) -> bytes:
    """The kiosk's own Type 3 layout (one block per read); optionally with a broken checksum."""
    memory = bytearray(handoff_tag_memory(message, 1))
    if not checksum_ok:
        memory[15] ^= 0x01
    return bytes(memory)


def emulate_type3(port: int, memory: bytes, present_for: float, lifetime: float,
                  idm: bytes = IDM) -> None:
    """Process entry: be a Type 3 tag on ``udp:127.0.0.1:port`` until lifted.

    The tag stays ``present_for`` seconds after the reader first activates it, then leaves the
    field. A watchdog ends the process after ``lifetime`` seconds whatever happens, since
    nfcpy's emulation loop waits for commands without a timeout.
    """
    watchdog = threading.Timer(lifetime, os._exit, args=(3,))
    watchdog.daemon = True
    watchdog.start()
    install_loopback()
    activated: list[float] = []
    data = bytearray(memory)

    def read_block(block: int, rb: bool, re: bool) -> bytes | None:
        return bytes(data[block * 16:(block + 1) * 16]) if block * 16 < len(data) else None

    def on_startup(target: nfc.clf.LocalTarget) -> nfc.clf.LocalTarget:
        target = nfc.clf.LocalTarget("212F")
        target.sensf_res = b"\x01" + idm + PMM + NFC_FORUM_SYSTEM
        return target

    def on_connect(tag: Any) -> bool:
        activated.append(time.monotonic())
        for service in NDEF_READ_SERVICES:
            tag.add_service(service, read_block, None)
        return True

    def lifted() -> bool:
        return bool(activated) and time.monotonic() - activated[0] > present_for

    clf = nfc.ContactlessFrontend(f"udp:127.0.0.1:{port}")
    try:
        while not lifted():
            clf.connect(card={"on-startup": on_startup, "on-connect": on_connect,
                              "on-release": lambda tag: True, "timeout": 0.5},
                        terminate=lifted)
    finally:
        clf.close()


@contextlib.contextmanager
def tag_on_reader(port: int, memory: bytes, present_for: float = 0.6, lifetime: float = 8.0,
                  idm: bytes = IDM) -> Iterator[multiprocessing.Process]:
    """Run the emulated tag in a spawned process; always reaped, never left hanging."""
    process = multiprocessing.get_context("spawn").Process(
        target=emulate_type3, args=(port, memory, present_for, lifetime, idm), daemon=True)
    process.start()
    try:
        yield process
    finally:
        process.join(lifetime)
        if process.is_alive():
            process.terminate()
            process.join(2.0)


def free_udp_port() -> int:
    """A UDP port on 127.0.0.1 nobody uses right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
