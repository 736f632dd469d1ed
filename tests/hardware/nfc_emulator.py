"""Test tags for the NFC reader: the simulator's emulated Type 3 tag, with any memory or id."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from hardware.nfc_handoff import IDM
from hardware.nfc_handoff import tag_memory as handoff_tag_memory
from hardware.virtual_nfc import VirtualNfc

LIFETIME_S = 30.0


def tag_memory(message: bytes, *, checksum_ok: bool = True) -> bytes:
    """The kiosk's own Type 3 layout (one block per read); optionally with a broken checksum."""
    memory = bytearray(handoff_tag_memory(message, 1))
    if not checksum_ok:
        memory[15] ^= 0x01
    return bytes(memory)


@contextlib.contextmanager
def tag_on_reader(port: int, memory: bytes, idm: bytes = IDM) -> Iterator[VirtualNfc]:
    """A tag laid on ``udp:127.0.0.1:port`` for the block's duration (``lift`` ends it early);
    the helper process is always ended, even when the test fails."""
    tags = VirtualNfc(port, lifetime=LIFETIME_S)
    try:
        tags.place_tag(memory, idm)
        yield tags
    finally:
        tags.lift()
        tags.close()
