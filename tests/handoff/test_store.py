"""The outbox file: durable queueing, erasing the recipient (down to the bytes on disk),
expiry, a corrupt file moved aside, and masking for screens."""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.handoff.outbox.store import SCHEMA_VERSION, FollowUp, Outbox, follow_up_id, mask

PHONE = "+33612345678"
EMAIL = "claire.martin@example.com"
DAY = 86400.0


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def outbox(tmp_path: Path, clock: Clock):  # noqa: ANN201
    box = Outbox(tmp_path / "state" / "outbox.sqlite", clock=clock)
    yield box
    box.close()


def queue(box: Outbox, recipient: str = PHONE, channel: str = "sms") -> str:
    return box.enqueue(channel, recipient, "Votre produit", "Voici le lien : https://s.example/p/1",
                       "https://s.example/p/1")


def raw_bytes(path: Path) -> bytes:
    return b"".join(Path(f"{path}{suffix}").read_bytes() for suffix in ("", "-wal")
                    if Path(f"{path}{suffix}").exists())


def test_enqueue_creates_the_folder_and_stores_the_message(outbox: Outbox, clock: Clock) -> None:
    message_id = queue(outbox)
    assert len(message_id) == 32 and int(message_id, 16) >= 0
    (message,) = outbox.messages()
    assert message.id == message_id
    assert (message.channel, message.recipient, message.state) == ("sms", PHONE, "queued")
    assert message.subject == "Votre produit" and message.url == "https://s.example/p/1"
    assert message.created_at == message.next_try_at == clock.now
    assert (message.attempts, message.last_error) == (0, "")
    assert outbox.due() == [message]
    assert outbox.next_due_in() == 0.0


def test_the_file_is_wal_synchronous_full_and_versioned(outbox: Outbox) -> None:
    queue(outbox)
    with sqlite3.connect(outbox.path) as other:
        assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert other.execute("SELECT version FROM schema_version").fetchall() == [
            (SCHEMA_VERSION,)]
        assert other.execute("SELECT COUNT(*) FROM messages").fetchone()[0] == 1
    with outbox._db.use() as conn:
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert conn.execute("PRAGMA secure_delete").fetchone()[0] == 1


def test_unknown_channel_and_empty_recipient_are_refused(outbox: Outbox) -> None:
    with pytest.raises(ValueError, match="channel"):
        outbox.enqueue("fax", PHONE, "s", "t", "https://s.example")
    with pytest.raises(ValueError, match="recipient"):
        outbox.enqueue("sms", "", "s", "t", "https://s.example")
    assert outbox.messages() == []


def test_due_is_oldest_first_and_respects_next_try_and_limit(outbox: Outbox,
                                                             clock: Clock) -> None:
    first = queue(outbox)
    clock.now += 1
    second = queue(outbox, EMAIL, "email")
    clock.now += 1
    third = queue(outbox)
    assert [m.id for m in outbox.due()] == [first, second, third]
    assert [m.id for m in outbox.due(limit=2)] == [first, second]
    outbox.retry_later(first, "webhook answered 500", 10.0)
    (retried,) = [m for m in outbox.messages() if m.id == first]
    assert (retried.attempts, retried.next_try_at) == (1, clock.now + 10.0)
    assert retried.last_error == "webhook answered 500" and retried.recipient == PHONE
    assert [m.id for m in outbox.due()] == [second, third]
    outbox.delivered(second)
    outbox.delivered(third)
    assert outbox.due() == [] and outbox.next_due_in() == 10.0
    clock.now += 10
    assert [m.id for m in outbox.due()] == [first]
    assert [m.id for m in outbox.messages(include_done=False)] == [first]
    assert len(outbox.messages()) == 3


def test_delivered_and_given_up_erase_the_recipient(outbox: Outbox) -> None:
    sent, failed = queue(outbox), queue(outbox, EMAIL, "email")
    outbox.delivered(sent)
    outbox.give_up(failed, "SMTP server refused the recipient (550)")
    states = {m.id: (m.state, m.recipient, m.last_error) for m in outbox.messages()}
    assert states == {sent: ("sent", None, ""),
                      failed: ("failed", None, "SMTP server refused the recipient (550)")}
    assert outbox.next_due_in() is None
    with outbox._db.use() as conn:
        delivered_at = conn.execute("SELECT delivered_at FROM messages WHERE id = ?",
                                    (sent,)).fetchone()[0]
    assert delivered_at is not None


def test_a_sent_message_is_not_turned_into_a_failure(outbox: Outbox) -> None:
    message_id = queue(outbox)
    outbox.delivered(message_id)
    outbox.give_up(message_id, "late")
    outbox.retry_later(message_id, "late", 1.0)
    (message,) = outbox.messages()
    assert (message.state, message.attempts) == ("sent", 1)


def test_errors_never_keep_the_recipient(outbox: Outbox) -> None:
    message_id = queue(outbox, EMAIL, "email")
    outbox.retry_later(message_id, f"refused <{EMAIL}>\n" + "x" * 500, 1.0)
    (message,) = outbox.messages()
    assert EMAIL not in message.last_error and "\n" not in message.last_error
    assert len(message.last_error) <= 200


def test_the_recipient_leaves_the_bytes_on_disk(outbox: Outbox) -> None:
    sms, mail = queue(outbox), queue(outbox, EMAIL, "email")
    with sqlite3.connect(outbox.path) as other:  # into the main file, not just the WAL
        other.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    on_disk = outbox.path.read_bytes()
    assert PHONE.encode() in on_disk and EMAIL.encode() in on_disk  # the check can fail
    outbox.delivered(sms)
    outbox.give_up(mail, "refused")
    with sqlite3.connect(outbox.path) as other:
        other.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    on_disk = raw_bytes(outbox.path)
    assert PHONE.encode() not in on_disk and EMAIL.encode() not in on_disk
    assert PHONE[4:].encode() not in on_disk


def test_expires_queued_messages_after_a_day(outbox: Outbox, clock: Clock) -> None:
    old = queue(outbox)
    clock.now += DAY - 60
    young = queue(outbox)
    assert outbox.expire() == 0
    clock.now += 61
    assert outbox.expire() == 1
    states = {m.id: (m.state, m.recipient) for m in outbox.messages()}
    assert states == {old: ("expired", None), young: ("queued", PHONE)}
    assert [m.id for m in outbox.due()] == [young]
    assert PHONE.encode() in raw_bytes(outbox.path)  # the young one still needs it
    assert outbox.expire(max_age_s=30) == 1
    assert outbox.next_due_in() is None


def test_claim_lets_one_sender_take_a_message(outbox: Outbox, clock: Clock) -> None:
    message_id = queue(outbox)
    assert outbox.claim(message_id, 300.0)
    assert not outbox.claim(message_id, 300.0)
    assert outbox.due() == []
    clock.now += 301  # the claimer died: the lease ran out
    assert outbox.claim(message_id, 300.0)


def test_messages_survive_a_restart(tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "outbox.sqlite"
    first = Outbox(path, clock=clock)
    message_id = queue(first)
    first.close()
    again = Outbox(path, clock=clock)
    try:
        assert [(m.id, m.recipient, m.state) for m in again.due()] == [
            (message_id, PHONE, "queued")]
    finally:
        again.close()


def test_a_file_that_is_not_a_database_is_replaced_and_not_kept(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "outbox.sqlite"
    path.write_bytes(b"this is not a database\x00\xff" * 400)
    with caplog.at_level(logging.WARNING):
        box = Outbox(path)
    try:
        assert "moved it to" in caplog.text and "recovered 0 row(s)" in caplog.text
        assert not list(tmp_path.glob("outbox.sqlite.corrupt-*"))  # it may hold numbers
        message_id = queue(box)
        assert [m.id for m in box.due()] == [message_id]
    finally:
        box.close()
    assert path.read_bytes()[:16] == b"SQLite format 3\x00"


def test_a_truncated_database_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / "outbox.sqlite"
    box = Outbox(path)
    for _ in range(50):
        queue(box)
    box.close()
    data = path.read_bytes()
    path.write_bytes(data[:100] + b"\xff" * (len(data) - 100))
    box = Outbox(path)
    try:
        assert box.problem is None and box.messages() == []
        assert not list(tmp_path.glob("outbox.sqlite.corrupt-*"))
    finally:
        box.close()


def test_a_file_from_a_newer_kiosk_keeps_its_waiting_messages(tmp_path: Path) -> None:
    path = tmp_path / "outbox.sqlite"
    box = Outbox(path)
    waiting = queue(box)
    box.close()
    with sqlite3.connect(path) as other:
        other.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 1,))
    other.close()
    box = Outbox(path)
    try:
        assert [(m.id, m.recipient, m.state) for m in box.due()] == [(waiting, PHONE, "queued")]
        assert not list(tmp_path.glob("outbox.sqlite.corrupt-*"))
    finally:
        box.close()


def test_enqueue_from_many_threads(outbox: Outbox) -> None:
    ids: list[str] = []
    lock = threading.Lock()

    def producer() -> None:
        for _ in range(25):
            message_id = queue(outbox)
            with lock:
                ids.append(message_id)

    threads = [threading.Thread(target=producer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert sorted(ids) == sorted(m.id for m in outbox.messages()) and len(set(ids)) == 100


@pytest.mark.parametrize(("recipient", "masked"), [
    ("+33612345678", "+33 6•• ••• •78"),
    ("+33 6 12 34 56 78", "+33 6•• ••• •78"),
    ("+14155550123", "+1 4 ••• ••• •23"),
    ("+353871234567", "+353 8•• ••• •67"),
    ("0612345678", "0 ••• ••• •78"),
    ("claire@example.com", "c•••@e•••.com"),
    ("claire.martin@mail.example.co.uk", "c•••@m•••.uk"),
    ("x@localhost", "x•••@•••"),
    ("123", "•••"),
    (None, "—"),
])
def test_mask(recipient: str | None, masked: str) -> None:
    assert mask(recipient) == masked


@given(st.from_regex(r"\+[1-9][0-9]{7,13}", fullmatch=True))
def test_a_masked_phone_shows_at_most_the_code_and_three_digits(phone: str) -> None:
    shown = mask(phone)
    national_digits = [c for c in shown.split(" ", 1)[1] if c.isdigit()]
    assert len(national_digits) <= 3
    assert phone[-6:] not in shown.replace(" ", "")


@given(st.emails())
def test_a_masked_address_hides_the_names(address: str) -> None:
    local, _, domain = address.rpartition("@")
    shown = mask(address)
    assert shown.startswith(local[0] + "•••@")
    tld = domain.rsplit(".", 1)[-1]
    assert shown in (f"{local[0]}•••@{domain[0]}•••.{tld}", f"{local[0]}•••@•••")


def test_waiting_counts_the_queued_messages_only(outbox: Outbox) -> None:
    first = outbox.enqueue("sms", PHONE, "s", "t", "https://example.com/p/1")
    outbox.enqueue("sms", PHONE, "s", "t", "https://example.com/p/2")
    assert outbox.waiting() == 2
    outbox.delivered(first)
    assert outbox.waiting() == 1


# -- schema versions and reservations ------------------------------------------------------

V1_SCHEMA = """
CREATE TABLE schema_version (version INTEGER NOT NULL);
CREATE TABLE messages (
    id TEXT PRIMARY KEY, channel TEXT NOT NULL, recipient TEXT, subject TEXT NOT NULL,
    text TEXT NOT NULL, url TEXT NOT NULL, created_at REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0, next_try_at REAL NOT NULL,
    state TEXT NOT NULL DEFAULT 'queued', last_error TEXT NOT NULL DEFAULT '',
    delivered_at REAL
);
CREATE INDEX messages_due ON messages (state, next_try_at);
"""


@pytest.mark.parametrize("version", [1, 2])
def test_an_older_file_is_migrated_and_keeps_its_waiting_message(tmp_path: Path, clock: Clock,
                                                                 version: int) -> None:
    path = tmp_path / "outbox.sqlite"
    with sqlite3.connect(path) as old:
        old.executescript(V1_SCHEMA)
        if version == 2:
            old.execute("ALTER TABLE messages ADD COLUMN held_by TEXT")
        old.execute("INSERT INTO schema_version (version) VALUES (?)", (version,))
        old.execute("INSERT INTO messages (id, channel, recipient, subject, text, url, "
                    "created_at, next_try_at) VALUES ('a' , 'sms', ?, 's', 't', 'u', ?, ?)",
                    (PHONE, clock.now, clock.now))
    old.close()
    box = Outbox(path, clock=clock)
    try:
        (waiting,) = box.due()
        assert (waiting.id, waiting.recipient, waiting.held_by, waiting.payload,
                waiting.reply, waiting.parent) == ("a", PHONE, None, "", "", None)
        reserve = box.enqueue("reserve", PHONE, "", "", "u", payload={"gtin": "1"})
        assert box.claim(reserve, 60.0)
        box.delivered(reserve, {"code": "R1"}, FollowUp("Code R1"))
        assert box.claim("a", 60.0)
        box.delivered("a")
    finally:
        box.close()
    with sqlite3.connect(path) as conn:
        versions = [row[0] for row in conn.execute("SELECT version FROM schema_version")]
        columns = {row[1] for row in conn.execute("PRAGMA table_info(messages)")}
    conn.close()
    assert versions == list(range(version, SCHEMA_VERSION + 1)) and SCHEMA_VERSION == 4
    assert {"held_by", "payload", "reply", "parent", "attachment_name", "attachment"} <= columns


def test_an_outcome_and_its_follow_up_are_one_write(outbox: Outbox, clock: Clock) -> None:
    reserve = outbox.enqueue("reserve", PHONE, "", "", "https://s.example/p/1",
                             payload={"gtin": "3760000000093", "quantity": 1})
    (message,) = outbox.messages()
    assert message.data == {"gtin": "3760000000093", "quantity": 1} and message.answer == {}
    assert outbox.claim(reserve, 60.0)
    outbox.delivered(reserve, {"code": "R1", "until": "2026-12-05"}, FollowUp("Code R1"))
    first, sms = outbox.messages()
    assert (first.state, first.recipient, first.answer) == (
        "sent", None, {"code": "R1", "until": "2026-12-05"})
    assert (sms.id, sms.channel, sms.recipient, sms.text, sms.url, sms.parent, sms.state) == (
        follow_up_id(reserve), "sms", PHONE, "Code R1", "https://s.example/p/1", reserve,
        "queued")
    assert outbox.follow_up_of(reserve) == sms
    outbox.delivered(reserve, {"code": "R1"}, FollowUp("again"))  # recorded twice: one SMS
    assert len(outbox.messages()) == 2
    refused = outbox.enqueue("reserve", PHONE, "", "", "u")
    outbox.give_up(refused, f"refused for {PHONE}", {"reason": "no stock"}, FollowUp("Sorry"))
    gone = next(m for m in outbox.messages() if m.id == refused)
    assert (gone.state, gone.recipient, gone.last_error, gone.answer) == (
        "failed", None, "refused for •••", {"reason": "no stock"})
    assert outbox.follow_up_of(refused).text == "Sorry"  # type: ignore[union-attr]


def test_a_message_id_may_be_chosen_but_must_be_one(outbox: Outbox) -> None:
    chosen = "0123456789abcdef0123456789abcdef"
    assert outbox.enqueue("sms", PHONE, "s", "t", "u", message_id=chosen) == chosen
    with pytest.raises(ValueError, match="32 hex digits"):
        outbox.enqueue("sms", PHONE, "s", "t", "u", message_id="1; DROP TABLE messages")
