"""Faults the table already survived when first tried, kept here so they stay survived: a tag
emulator killed with -9, two ``kiosk outbox --flush`` at once in two processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hardware.events import Placed, Removed
from hardware.virtual_nfc import VirtualNfc
from kiosk.handoff.outbox.store import Outbox
from kiosk.handoff.service import OUTBOX_FILE
from tests.handoff.servers import WebhookServer
from tests.hardware.test_nfc_reader import Collector, port, reader  # noqa: F401 (fixtures)

REPO = Path(__file__).resolve().parents[2]
FLUSH = """
import sys
from pathlib import Path
from kiosk.config.handoff import SmsWebhook
from kiosk.handoff.outbox.senders import WebhookSender
from kiosk.handoff.outbox.store import Outbox
from kiosk.handoff.outbox.worker import OutboxWorker
sender = WebhookSender(SmsWebhook(provider="webhook", url=sys.argv[2], token_env="KIOSK_TEST_SMS"))
print(OutboxWorker(Outbox(Path(sys.argv[1])), {"sms": sender}).flush())
"""


@pytest.mark.timeout(60)
def test_a_killed_tag_emulator_is_started_again_with_the_next_tag(
        reader: Collector, port: int) -> None:  # noqa: F811 (the fixture)
    tags = VirtualNfc(port)
    try:
        tags.place("3760000000017")
        reader.wait_for(lambda event: isinstance(event, Placed)
                        and event.code == "03760000000017", 10.0)
        os.kill(tags._process.pid, signal.SIGKILL)
        tags._process.join(5)
        reader.wait_for(lambda event: isinstance(event, Removed)  # the tag went with it
                        and event.code == "03760000000017", 15.0)
        tags.place("96385074")
        placed = reader.wait_for(lambda event: isinstance(event, Placed)
                                 and event.code == "00000096385074", 15.0)
        assert placed.source == "nfc-test"
    finally:
        tags.close()


@pytest.mark.timeout(60)
def test_two_flushes_at_once_deliver_each_message_once(tmp_path: Path, webhook: WebhookServer,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIOSK_TEST_SMS", "token")
    outbox = Outbox(tmp_path / OUTBOX_FILE)
    ids = {outbox.enqueue("sms", "+33612345678", "s", "t", "https://s.example/p")
           for _ in range(30)}
    outbox.close()
    command = [sys.executable, "-c", FLUSH, str(tmp_path / OUTBOX_FILE), webhook.url]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    flushes = [subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, text=True)
               for _ in range(2)]
    delivered = [int(flush.communicate(timeout=40)[0].strip() or 0) for flush in flushes]
    assert sum(delivered) == 30
    keys = [post.json()["idempotency_key"] for post in webhook.received()]
    assert sorted(keys) == sorted(ids)
    time.sleep(0.1)
    final = Outbox(tmp_path / OUTBOX_FILE, read_only=True)
    assert {message.state for message in final.messages()} == {"sent"}
    final.close()
