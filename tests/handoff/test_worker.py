"""The delivery worker end to end: real webhook and SMTP servers on 127.0.0.1, a real SQLite
file, restarts, ``kill -9``, and logs that never name a recipient."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kiosk.config.handoff import SmsWebhook, SmtpEmail
from kiosk.handoff.outbox.senders import Sender, SmtpSender, WebhookSender
from kiosk.handoff.outbox.store import Message, Outbox
from kiosk.handoff.outbox.worker import OutboxWorker
from tests.handoff.servers import SmtpServer, WebhookServer, wait_until

PHONE = "+33612345678"
EMAIL = "claire@example.com"
URL = "https://shop.example.com/p/3017620422003"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def open_box() -> Iterator[Callable[..., Outbox]]:
    """Outboxes opened by the test, closed at teardown (after the workers have stopped)."""
    opened: list[Outbox] = []

    def make(path: Path, clock: Callable[[], float] = time.time) -> Outbox:
        opened.append(Outbox(path, clock=clock))
        return opened[-1]

    yield make
    for box in opened:
        box.close()


@pytest.fixture
def outbox(tmp_path: Path, open_box: Callable[..., Outbox]) -> Outbox:
    return open_box(tmp_path / "outbox.sqlite")


@pytest.fixture
def workers(open_box: Callable[..., Outbox]) -> Iterator[list[OutboxWorker]]:
    """Workers made by the test, all stopped at teardown (before their outboxes close)."""
    made: list[OutboxWorker] = []
    yield made
    for worker in made:
        worker.stop()


@pytest.fixture
def run(workers: list[OutboxWorker]) -> Callable[..., OutboxWorker]:
    def start(box: Outbox, senders: dict[str, Sender], **backoff: float) -> OutboxWorker:
        worker = OutboxWorker(box, senders, **{"backoff_initial": 0.05, "backoff_max": 0.2,
                                               **backoff})
        workers.append(worker)
        worker.start()
        return worker

    return start


def sms_sender(server: WebhookServer, timeout_s: float = 2.0) -> WebhookSender:
    return WebhookSender(SmsWebhook(provider="webhook", url=server.url, timeout_s=timeout_s))


def smtp_sender(server: SmtpServer, **overrides: object) -> SmtpSender:
    return SmtpSender(SmtpEmail(**{"provider": "smtp", "host": "127.0.0.1", "port": server.port,
                                   "starttls": False, "sender": "Boutique <shop@example.com>",
                                   "timeout_s": 2.0, **overrides}))


def queue(box: Outbox, channel: str = "sms", recipient: str = PHONE) -> str:
    return box.enqueue(channel, recipient, "Nutella 1 kg", f"Le lien : {URL}", URL)


def state_of(box: Outbox, message_id: str) -> Message:
    (message,) = [m for m in box.messages() if m.id == message_id]
    return message


def settled(box: Outbox, message_id: str) -> Callable[[], bool]:
    return lambda: state_of(box, message_id).state != "queued"


def test_delivers_by_webhook_and_erases_the_recipient(outbox: Outbox, webhook: WebhookServer,
                                                      run: Callable[..., OutboxWorker]) -> None:
    worker = run(outbox, {"sms": sms_sender(webhook)})
    message_id = queue(outbox)
    worker.wake()
    wait_until(settled(outbox, message_id))
    message = state_of(outbox, message_id)
    assert (message.state, message.recipient, message.attempts) == ("sent", None, 1)
    (post,) = webhook.received()
    assert post.json()["idempotency_key"] == message_id and post.json()["to"] == PHONE


def test_delivers_by_smtp(outbox: Outbox, smtp: SmtpServer,
                          run: Callable[..., OutboxWorker]) -> None:
    worker = run(outbox, {"email": smtp_sender(smtp)})
    message_id = queue(outbox, "email", EMAIL)
    worker.wake()
    wait_until(settled(outbox, message_id))
    assert state_of(outbox, message_id).state == "sent"
    (mail,) = smtp.mails
    assert mail.message["To"] == EMAIL and URL in mail.message.get_content()
    assert message_id in mail.message["Message-ID"]


def test_smtp_without_its_password_gives_up(outbox: Outbox, smtp: SmtpServer,
                                            run: Callable[..., OutboxWorker],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIOSK_SMTP_USER", "kiosk")
    monkeypatch.delenv("KIOSK_SMTP_PASSWORD", raising=False)
    sender = smtp_sender(smtp, username_env="KIOSK_SMTP_USER", password_env="KIOSK_SMTP_PASSWORD")
    worker = run(outbox, {"email": sender})
    message_id = queue(outbox, "email", EMAIL)
    worker.wake()
    wait_until(settled(outbox, message_id))
    message = state_of(outbox, message_id)
    assert (message.state, message.recipient) == ("failed", None)
    assert message.last_error == "KIOSK_SMTP_PASSWORD is not set"
    assert smtp.mails == []


def test_a_channel_without_sender_is_given_up(outbox: Outbox, webhook: WebhookServer,
                                              run: Callable[..., OutboxWorker]) -> None:
    worker = run(outbox, {"sms": sms_sender(webhook)})
    message_id = queue(outbox, "email", EMAIL)
    worker.wake()
    wait_until(settled(outbox, message_id))
    message = state_of(outbox, message_id)
    assert (message.state, message.recipient, message.last_error) == (
        "failed", None, "email is not configured")


def test_servers_down_then_back_deliver_once(outbox: Outbox, webhook: WebhookServer,
                                             smtp: SmtpServer,
                                             run: Callable[..., OutboxWorker]) -> None:
    webhook.stop()
    smtp.stop()
    worker = run(outbox, {"sms": sms_sender(webhook), "email": smtp_sender(smtp)})
    ids = [queue(outbox), queue(outbox, "email", EMAIL)]
    worker.wake()
    wait_until(lambda: all(state_of(outbox, i).attempts >= 3 for i in ids))
    for message_id in ids:
        message = state_of(outbox, message_id)
        assert message.state == "queued" and message.recipient is not None
        assert "unreachable" in message.last_error
    assert webhook.received() == []
    webhook.start()
    smtp.start()
    wait_until(lambda: all(settled(outbox, i)() for i in ids))
    assert [state_of(outbox, i).state for i in ids] == ["sent", "sent"]
    time.sleep(0.3)  # longer than the largest backoff: any second send would happen now
    assert [p.json()["idempotency_key"] for p in webhook.received()] == [ids[0]]
    assert len(smtp.mails) == 1


def test_backoff_doubles_up_to_the_cap_with_a_little_jitter(outbox: Outbox) -> None:
    worker = OutboxWorker(outbox, {}, backoff_initial=2.0, backoff_max=300.0)
    for attempts, base in [(0, 2.0), (1, 4.0), (3, 16.0), (7, 256.0), (8, 300.0), (500, 300.0)]:
        delays = [worker.backoff(attempts) for _ in range(50)]
        assert all(base <= delay <= base * 1.1 for delay in delays)
        assert len(set(delays)) > 1


def test_a_500_then_200_delivers_once(outbox: Outbox, webhook: WebhookServer,
                                      run: Callable[..., OutboxWorker]) -> None:
    webhook.answer(500)
    worker = run(outbox, {"sms": sms_sender(webhook)})
    message_id = queue(outbox)
    worker.wake()
    wait_until(settled(outbox, message_id))
    message = state_of(outbox, message_id)
    assert (message.state, message.attempts) == ("sent", 2)  # every try counts
    time.sleep(0.3)
    keys = [post.json()["idempotency_key"] for post in webhook.received()]
    assert keys == [message_id, message_id]  # one failed try, one delivery


def test_a_400_is_given_up_and_not_retried(outbox: Outbox, webhook: WebhookServer,
                                           run: Callable[..., OutboxWorker]) -> None:
    webhook.answer(400)
    worker = run(outbox, {"sms": sms_sender(webhook)})
    message_id = queue(outbox)
    worker.wake()
    wait_until(settled(outbox, message_id))
    message = state_of(outbox, message_id)
    assert (message.state, message.recipient) == ("failed", None)
    assert "400" in message.last_error
    time.sleep(0.3)
    assert len(webhook.received()) == 1


def test_a_silent_server_does_not_hold_the_worker(outbox: Outbox, webhook: WebhookServer,
                                                  run: Callable[..., OutboxWorker]) -> None:
    webhook.answer("timeout")
    worker = run(outbox, {"sms": sms_sender(webhook, timeout_s=0.3)})
    message_id = queue(outbox)
    worker.wake()
    wait_until(settled(outbox, message_id))
    message = state_of(outbox, message_id)
    assert (message.state, message.attempts) == ("sent", 2)
    assert len(webhook.received()) == 2


def test_a_message_queued_before_a_restart_is_delivered(
        tmp_path: Path, webhook: WebhookServer, open_box: Callable[..., Outbox],
        run: Callable[..., OutboxWorker]) -> None:
    path = tmp_path / "outbox.sqlite"
    before = Outbox(path)
    message_id = queue(before)
    before.close()
    after = open_box(path)
    run(after, {"sms": sms_sender(webhook)})  # no wake: a start looks at once
    wait_until(settled(after, message_id))
    assert state_of(after, message_id).state == "sent"
    assert len(webhook.received()) == 1


KILLED = """
import os, signal, sys
from pathlib import Path
from kiosk.handoff.outbox.store import Outbox
box = Outbox(Path(sys.argv[1]))
print(box.enqueue("sms", sys.argv[2], "Nutella", "Le lien", "https://shop.example.com/p/1"),
      flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_message_survives_kill_9(tmp_path: Path, webhook: WebhookServer,
                                   open_box: Callable[..., Outbox],
                                   run: Callable[..., OutboxWorker]) -> None:
    path = tmp_path / "outbox.sqlite"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    child = subprocess.run([sys.executable, "-c", KILLED, str(path), PHONE], cwd=REPO, env=env,
                           capture_output=True, text=True, timeout=60, check=False)
    assert child.returncode == -9, child.stderr
    message_id = child.stdout.strip()
    box = open_box(path)
    assert [(m.id, m.recipient) for m in box.due()] == [(message_id, PHONE)]
    run(box, {"sms": sms_sender(webhook)})
    wait_until(settled(box, message_id))
    assert state_of(box, message_id).state == "sent"
    time.sleep(0.2)
    assert [p.json()["idempotency_key"] for p in webhook.received()] == [message_id]


def test_expired_messages_are_dropped_by_the_worker(tmp_path: Path, webhook: WebhookServer,
                                                    open_box: Callable[..., Outbox],
                                                    run: Callable[..., OutboxWorker]) -> None:
    now = [1_700_000_000.0]
    box = open_box(tmp_path / "outbox.sqlite", clock=lambda: now[0])
    webhook.stop()
    worker = run(box, {"sms": sms_sender(webhook)}, backoff_initial=3600.0, backoff_max=3600.0)
    message_id = queue(box)
    worker.wake()
    wait_until(lambda: state_of(box, message_id).attempts == 1)
    now[0] += 24 * 3600 + 1
    worker.wake()
    wait_until(settled(box, message_id))
    message = state_of(box, message_id)
    assert (message.state, message.recipient) == ("expired", None)
    assert len(webhook.received()) == 0


def test_enqueue_while_the_worker_runs(outbox: Outbox, webhook: WebhookServer,
                                      run: Callable[..., OutboxWorker]) -> None:
    worker = run(outbox, {"sms": sms_sender(webhook)})
    ids = []
    for _ in range(40):
        ids.append(queue(outbox))
        worker.wake()
    wait_until(lambda: not outbox.messages(include_done=False), timeout=15)
    keys = [post.json()["idempotency_key"] for post in webhook.received()]
    assert sorted(keys) == sorted(ids)
    assert {m.state for m in outbox.messages()} == {"sent"}


def test_flush_delivers_in_the_calling_thread_and_never_twice(
        outbox: Outbox, webhook: WebhookServer) -> None:
    ids = [queue(outbox) for _ in range(20)]
    flushers = [OutboxWorker(outbox, {"sms": sms_sender(webhook)}) for _ in range(3)]
    counts: list[int] = []
    threads = [threading.Thread(target=lambda w=w: counts.append(w.flush(timeout=10)))
               for w in flushers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(15)
    assert sum(counts) == 20
    assert sorted(p.json()["idempotency_key"] for p in webhook.received()) == sorted(ids)


def test_flush_tries_a_failing_message_once(outbox: Outbox, webhook: WebhookServer) -> None:
    webhook.default = 503
    queue(outbox)
    worker = OutboxWorker(outbox, {"sms": sms_sender(webhook)}, backoff_initial=0.0)
    assert worker.flush(timeout=5) == 0
    assert len(webhook.received()) == 1


def test_stop_is_prompt(outbox: Outbox, run: Callable[..., OutboxWorker]) -> None:
    worker = run(outbox, {})
    time.sleep(0.05)
    started = time.monotonic()
    worker.stop()
    assert time.monotonic() - started < 0.5
    assert not any(t.name == "outbox-worker" and t.is_alive() for t in threading.enumerate())


def test_logs_never_name_a_recipient(outbox: Outbox, webhook: WebhookServer, smtp: SmtpServer,
                                     run: Callable[..., OutboxWorker],
                                     caplog: pytest.LogCaptureFixture,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("KIOSK_TEST_SMS_TOKEN", "tok-SECRET-123")
    webhook.answer(500, 400, "timeout")
    smtp.handler.refuse["refused@example.com"] = "550 5.1.1 no such mailbox <refused@example.com>"
    sender = WebhookSender(SmsWebhook(provider="webhook", url=webhook.url,
                                      token_env="KIOSK_TEST_SMS_TOKEN", timeout_s=0.3))
    worker = run(outbox, {"sms": sender, "email": smtp_sender(smtp)})
    phones = ["+33611111111", "+33622222222", "+33633333333"]
    emails = [EMAIL, "refused@example.com"]
    ids = [queue(outbox, "sms", phone) for phone in phones]
    ids += [queue(outbox, "email", address) for address in emails]
    worker.wake()
    wait_until(lambda: not outbox.messages(include_done=False), timeout=10)
    states = sorted(m.state for m in outbox.messages())
    assert states == ["failed", "failed", "sent", "sent", "sent"]
    worker.stop()
    # Everything logged, by the kiosk and the libraries it uses (not by the test's SMTP
    # server, which records what it received, recipients included, under "mail.log").
    text = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records
                     if not r.name.startswith("mail.log"))
    assert all(message_id in text for message_id in ids)  # the logs do speak
    for secret in [*phones, *(p[1:] for p in phones), *(p[-9:] for p in phones), *emails,
                   "claire", "refused@", "tok-SECRET-123"]:
        assert secret not in text
