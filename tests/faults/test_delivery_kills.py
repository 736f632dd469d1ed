"""``kill -9`` at each step of a delivery: the message a shopper was told is on its way is
delivered, at once by the next process rather than after the lease, and once (or, killed
between the provider's answer and the commit, again under the same idempotency key)."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kiosk.commands.outbox import show_outbox
from kiosk.config import KioskConfig
from kiosk.handoff.outbox.store import Outbox
from kiosk.handoff.service import OUTBOX_FILE
from tests.handoff.servers import WebhookServer, wait_until
from tests.kiosk.test_send_to_phone import local_handoff

REPO = Path(__file__).resolve().parents[2]
CHILD = textwrap.dedent("""
    import sys, threading
    from pathlib import Path
    from kiosk.config.handoff import SmsWebhook
    from kiosk.handoff.outbox.senders import WebhookSender
    from kiosk.handoff.outbox.store import Outbox
    from kiosk.handoff.outbox.worker import OutboxWorker

    data, url, stop_at = Path(sys.argv[1]), sys.argv[2], sys.argv[3]

    def step(name):
        (data / name).touch()
        if name == stop_at:
            threading.Event().wait()  # killed here

    class Marking(Outbox):
        def delivered(self, message_id):
            super().delivered(message_id)
            step("marked")

    class Pausing(WebhookSender):
        def send(self, message):
            step("claimed")
            super().send(message)
            step("sent")

    outbox = Marking(data / "outbox.sqlite3")
    sender = Pausing(SmsWebhook(provider="webhook", url=url, token_env="KIOSK_TEST_SMS"))
    OutboxWorker(outbox, {"sms": sender}).flush()
""")


@pytest.mark.parametrize(("stop_at", "posts"), [("claimed", 1), ("sent", 2), ("marked", 1)])
def test_a_delivery_killed_at_any_step_is_finished_at_once_by_the_next_process(
        tmp_path: Path, demo_config: KioskConfig, webhook: WebhookServer,
        monkeypatch: pytest.MonkeyPatch, stop_at: str, posts: int) -> None:
    monkeypatch.setenv("KIOSK_TEST_SMS", "token")
    config = local_handoff(demo_config, webhook)
    outbox = Outbox(tmp_path / OUTBOX_FILE)
    message_id = outbox.enqueue("sms", "+33612345678", "s", "t", "https://s.example/p")
    outbox.close()
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(tmp_path), webhook.url, stop_at],
                             cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        wait_until(lambda: (tmp_path / stop_at).exists() or child.poll() is not None, 20.0)
        assert child.poll() is None, "the child ended before the step"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    listed = io.StringIO()
    show_outbox(config, tmp_path, False, False, listed)
    if stop_at != "marked":
        assert f"pid {child.pid}, gone" in listed.getvalue()
    out = io.StringIO()
    show_outbox(config, tmp_path, False, True, out)
    assert out.getvalue().startswith(f"delivered {0 if stop_at == 'marked' else 1} message(s)")
    keys = [post.json()["idempotency_key"] for post in webhook.received()]
    assert keys == [message_id] * posts
    final = Outbox(tmp_path / OUTBOX_FILE, read_only=True)
    (message,) = final.messages()
    final.close()
    assert (message.state, message.recipient, message.held_by) == ("sent", None, None)
