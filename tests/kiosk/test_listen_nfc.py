"""``kiosk listen --nfc udp:...``: a tag emulated by nfcpy, read by the kiosk's reader."""

from __future__ import annotations

import json
import threading
import time

import ndef
import pytest

from hardware.virtual_nfc import free_udp_port, install_loopback
from kiosk.cli import main
from tests.hardware.nfc_emulator import tag_memory, tag_on_reader
from tests.paths import DEMO_CONFIG


@pytest.mark.timeout(60)
def test_listen_reports_an_emulated_tag_placed_then_removed(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    install_loopback(monkeypatch.setattr)
    port = free_udp_port()
    memory = tag_memory(b"".join(ndef.message_encoder(
        [ndef.UriRecord("https://shop.example.com/01/3760000000178?ref=tag")])))

    def present_tag() -> None:
        time.sleep(0.5)
        with tag_on_reader(port, memory):
            time.sleep(1.5)

    tag = threading.Thread(target=present_tag)
    tag.start()
    assert main(["listen", "--json", "--config", str(DEMO_CONFIG), "--camera", "none",
                 "--nfc", f"udp:127.0.0.1:{port}", "--duration", "5"]) == 0
    tag.join(timeout=10)
    events = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    products = [(e["event"], e["gtin"], e["source"]) for e in events if e["event"] != "status"]
    assert products == [("placed", "3760000000178", "nfc"), ("removed", "3760000000178", "nfc")]
    assert any(e["event"] == "status" and e["state"] == "ok" for e in events)
