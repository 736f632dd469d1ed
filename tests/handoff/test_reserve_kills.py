"""``kill -9`` on the way of a reservation: queued by a kiosk that dies at once, or killed at
each step of its delivery. The next process finishes it at once; the stock service sees it
once (or, killed between its answer and the commit, twice under the same idempotency key),
the shopper gets exactly one SMS, and the number is gone from the file afterwards."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from kiosk.catalog.catalog import Catalog
from kiosk.config import KioskConfig
from kiosk.handoff.outbox.senders import senders_from_config
from kiosk.handoff.outbox.store import Outbox, follow_up_id
from kiosk.handoff.outbox.worker import OutboxWorker
from kiosk.handoff.service import OUTBOX_FILE, SendService
from tests.handoff.configs import PULSE_43_BLUE, local
from tests.handoff.servers import WebhookServer, wait_until
from tests.handoff.test_reserve import PHONE, number_gone

REPO = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(REPO)}
LYON = "lyon-part-dieu"

QUEUE_AND_DIE = textwrap.dedent("""
    import os, signal, sys, time
    from pathlib import Path
    from kiosk.catalog.catalog import Catalog
    from kiosk.config import load_config
    from kiosk.handoff.outbox.store import Outbox
    from kiosk.handoff.service import SendService
    from tests.handoff.configs import local
    from tests.handoff.servers import WebhookServer

    data, config_dir, code = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    servers = [WebhookServer(), WebhookServer()]  # never started: nothing listens there
    config = local(load_config(config_dir, keep_last_good=True), *servers)
    service = SendService(config, Catalog.from_config(config), Outbox(data / "outbox.sqlite3"),
                          None, time.monotonic)
    result = service.reserve("06 12 34 56 78", code, "lyon-part-dieu", 1, "en")
    print(result.written.result(30), flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
""")

DELIVER_UNTIL = textwrap.dedent("""
    import sys, threading
    from pathlib import Path
    from kiosk.config.handoff import ReserveWebhook, SmsWebhook
    from kiosk.handoff.outbox.senders import ReserveSender, WebhookSender
    from kiosk.handoff.outbox.store import Outbox
    from kiosk.handoff.outbox.worker import OutboxWorker

    data, stock_url, sms_url, stop_at = Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]

    def step(name):
        (data / name).touch()
        if name == stop_at:
            threading.Event().wait()  # killed here

    class Marking(Outbox):
        def delivered(self, message_id, reply=None, follow_up=None):
            super().delivered(message_id, reply, follow_up)
            if follow_up is not None:
                step("marked")

    class Pausing(ReserveSender):
        def send(self, message):
            step("claimed")
            answer = super().send(message)
            step("sent")
            return answer

    senders = {"reserve": Pausing(ReserveWebhook(provider="webhook", url=stock_url)),
               "sms": WebhookSender(SmsWebhook(provider="webhook", url=sms_url))}
    OutboxWorker(Marking(data / "outbox.sqlite3"), senders).flush()
""")


def deliver(config: KioskConfig, path: Path) -> int:
    """What the next kiosk does at start: deliver everything due, in this process."""
    outbox = Outbox(path)
    try:
        return OutboxWorker(outbox, senders_from_config(config.store.handoff)).flush(20.0)
    finally:
        outbox.close()


def states(path: Path) -> list[tuple[str, str, str | None]]:
    outbox = Outbox(path, read_only=True)
    try:
        return [(m.channel, m.state, m.recipient) for m in outbox.messages()]
    finally:
        outbox.close()


def test_a_reservation_queued_by_a_kiosk_killed_at_once_is_delivered_once(
        tmp_path: Path, demo_config: KioskConfig, webhook: WebhookServer,
        stock: WebhookServer) -> None:
    child = subprocess.run([sys.executable, "-c", QUEUE_AND_DIE, str(tmp_path),
                            str(demo_config.config_dir), PULSE_43_BLUE], cwd=REPO, env=ENV,
                           capture_output=True, text=True, timeout=120, check=False)
    assert child.returncode == -9, child.stderr
    message_id = child.stdout.strip()
    path = tmp_path / OUTBOX_FILE
    assert states(path) == [("reserve", "queued", PHONE)]
    config = local(demo_config, webhook, stock)
    assert deliver(config, path) == 2  # the reservation, then its SMS, in one pass
    assert [post.json()["idempotency_key"] for post in stock.received()] == [message_id]
    (sms,) = webhook.received()
    assert sms.json()["idempotency_key"] == follow_up_id(message_id)
    assert "Lyon Part-Dieu. Reservation code: R-7Q2K." in sms.json()["text"]
    assert deliver(config, path) == 0  # nothing left, nothing sent twice
    assert states(path) == [("reserve", "sent", None), ("sms", "sent", None)]
    assert number_gone(path)


@pytest.mark.parametrize(("stop_at", "reservations"), [("claimed", 1), ("sent", 2),
                                                       ("marked", 1)])
def test_a_delivery_killed_at_any_step_ends_in_one_reservation_and_one_sms(
        tmp_path: Path, demo_config: KioskConfig, webhook: WebhookServer, stock: WebhookServer,
        stop_at: str, reservations: int) -> None:
    config = local(demo_config, webhook, stock)
    path = tmp_path / OUTBOX_FILE
    outbox = Outbox(path)
    service = SendService(config, Catalog.from_config(config), outbox, None, time.monotonic)
    result = service.reserve("06 12 34 56 78", PULSE_43_BLUE, LYON, 1, "fr")
    assert result.written is not None
    message_id = result.written.result(10)
    service.close()
    outbox.close()
    child = subprocess.Popen([sys.executable, "-c", DELIVER_UNTIL, str(tmp_path), stock.url,
                              webhook.url, stop_at], cwd=REPO, env=ENV)
    try:
        wait_until(lambda: (tmp_path / stop_at).exists() or child.poll() is not None, 30.0)
        assert child.poll() is None, "the child ended before the step"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    assert webhook.received() == []  # killed before the SMS went
    delivered = deliver(config, path)
    assert delivered == (1 if stop_at == "marked" else 2)
    keys = [post.json()["idempotency_key"] for post in stock.received()]
    assert keys == [message_id] * reservations
    assert [post.json()["idempotency_key"] for post in webhook.received()] == [
        follow_up_id(message_id)]
    assert deliver(config, path) == 0
    assert states(path) == [("reserve", "sent", None), ("sms", "sent", None)]
    assert number_gone(path)
