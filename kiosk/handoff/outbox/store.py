"""The durable outbox: SMS, e-mails and reservation requests waiting to be sent, in a SQLite
file.

Why SQLite: a message is committed (WAL, ``synchronous=FULL``) before the shopper is told "on
its way", so it survives a restart or ``kill -9``; when the disk refuses the commit, ``enqueue``
raises and the shopper is pointed to the QR code instead. Why the erasing: the recipient is the
only personal data, and it is set to NULL the moment a message is delivered, given up or
expired; ``secure_delete`` overwrites the old bytes and a WAL checkpoint drops the journal's
copy, so the phone number or address is not left behind on disk either.

Why leases name their process: a message being sent is held by one process (``held_by``, see
``kiosk.ops.process``) until a deadline. A holder that is gone (killed with -9, the machine
restarted) loses it at once, so the message is not kept waiting for the deadline.

Why follow-ups are written with the outcome: a reservation is answered by an SMS to the same
number (the code, or the refusal). That SMS is inserted in the same transaction that records
the reservation's outcome and erases its number, so a kill at any moment leaves either neither
or both: the shopper gets one SMS, and the number is copied before it is erased, never kept.

One connection is shared by the worker thread and the UI thread, behind the database's lock.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from kiosk.ops.process import identity, is_alive
from kiosk.ops.sqlite_file import Database, immediate_transaction

log = logging.getLogger(__name__)

Channel = Literal["sms", "email", "reserve"]
CHANNELS: tuple[str, ...] = ("sms", "email", "reserve")
OUTBOX_FILE = "outbox.sqlite3"
"""The outbox's SQLite file, in the kiosk's data folder (``--data``)."""
SCHEMA_VERSION = 4
ERROR_CHARS = 200
COLUMNS = ("id, channel, recipient, subject, text, url, created_at, attempts, next_try_at, "
           "state, last_error, held_by, payload, reply, parent, attachment_name, attachment")
SCHEMA = """
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS messages (
    id TEXT PRIMARY KEY,
    channel TEXT NOT NULL,
    recipient TEXT,
    subject TEXT NOT NULL,
    text TEXT NOT NULL,
    url TEXT NOT NULL,
    created_at REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_try_at REAL NOT NULL,
    state TEXT NOT NULL DEFAULT 'queued',
    last_error TEXT NOT NULL DEFAULT '',
    delivered_at REAL,
    held_by TEXT,
    payload TEXT NOT NULL DEFAULT '',
    reply TEXT NOT NULL DEFAULT '',
    parent TEXT,
    attachment_name TEXT NOT NULL DEFAULT '',
    attachment BLOB
);
CREATE INDEX IF NOT EXISTS messages_due ON messages (state, next_try_at);
"""
MIGRATIONS = {
    2: "ALTER TABLE messages ADD COLUMN held_by TEXT",
    3: "ALTER TABLE messages ADD COLUMN payload TEXT NOT NULL DEFAULT '';"
       "ALTER TABLE messages ADD COLUMN reply TEXT NOT NULL DEFAULT '';"
       "ALTER TABLE messages ADD COLUMN parent TEXT",
    4: "ALTER TABLE messages ADD COLUMN attachment_name TEXT NOT NULL DEFAULT '';"
       "ALTER TABLE messages ADD COLUMN attachment BLOB",
}
"""Version 2: the process holding a message's lease. Version 3: reservations, with what the
provider needs (``payload``, JSON, never personal), what it answered (``reply``, JSON: a code
and a deadline, or a refusal) and, on an SMS answering a message, that message's id
(``parent``). Version 4: a file attached to an e-mail (an offer's wallet pass), dropped once
the message is done. Older files get the columns; new files have them from ``SCHEMA``."""
FOLLOW_UP_NAMESPACE = uuid.UUID("5b1f9a8e-6c1d-4c55-9d0e-2a7f0b3c9e11")
PRAGMAS = ("secure_delete = ON", "journal_mode = WAL", "synchronous = FULL")


@dataclass(frozen=True)
class Message:
    """One message as stored; ``recipient`` is None once it is no longer needed;
    ``held_by`` names the process sending it (``kiosk.ops.process``), if one is."""

    id: str
    channel: str
    recipient: str | None
    subject: str
    text: str
    url: str
    created_at: float
    attempts: int
    next_try_at: float
    state: str
    last_error: str
    held_by: str | None = None
    payload: str = ""
    reply: str = ""
    parent: str | None = None
    attachment_name: str = ""
    attachment: bytes | None = None

    @property
    def data(self) -> dict[str, object]:
        """``payload`` read back (empty for plain SMS and e-mails)."""
        return _json(self.payload)

    @property
    def answer(self) -> dict[str, object]:
        """``reply`` read back: what the provider answered, once it has."""
        return _json(self.reply)


@dataclass(frozen=True)
class FollowUp:
    """An SMS to send to a message's recipient once its outcome is known."""

    text: str
    subject: str = ""


def follow_up_id(message_id: str) -> str:
    """The id of the SMS answering ``message_id``: derived from it, so it is written once and
    the SMS provider sees the same idempotency key whoever writes it."""
    return uuid.uuid5(FOLLOW_UP_NAMESPACE, message_id).hex


def _json(text: str) -> dict[str, object]:
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


class Outbox:
    """Messages waiting to be sent, committed to disk before ``enqueue`` returns.

    ``read_only``: for listings, which must never change (or create, or move) the file.
    """

    def __init__(self, path: Path, clock: Callable[[], float] = time.time, *,
                 read_only: bool = False) -> None:
        self.path = Path(path)
        self._clock = clock
        self._me = identity()
        self._db = Database(self.path, "outbox", SCHEMA, SCHEMA_VERSION, PRAGMAS,
                            migrations=MIGRATIONS, read_only=read_only, personal=True)

    @property
    def problem(self) -> str | None:
        """Why the outbox cannot store or deliver now (``the disk is full``), or None."""
        return self._db.problem

    # -- writing -------------------------------------------------------------------------

    def enqueue(self, channel: str, recipient: str, subject: str, text: str, url: str, *,
                payload: Mapping[str, object] | None = None,
                message_id: str | None = None,
                attachment: tuple[str, bytes] | None = None) -> str:
        """Queue a message; it is on disk when this returns, else this raises (an
        ``sqlite3.Error``: nothing was queued). Returns its id (also the idempotency key the
        provider sees): ``message_id`` when given (32 hex digits), else a new one.
        ``payload``: what a reservation's provider needs (never the recipient);
        ``attachment``: (file name, content) joined to an e-mail."""
        if channel not in CHANNELS:
            raise ValueError(f"unknown channel {channel!r}; use one of {', '.join(CHANNELS)}")
        if not recipient:
            raise ValueError("a message needs a recipient")
        if message_id is not None and not re.fullmatch(r"[0-9a-f]{32}", message_id):
            raise ValueError(f"a message id is 32 hex digits, not {message_id!r}")
        message_id = message_id or uuid.uuid4().hex
        data = json.dumps(dict(payload), ensure_ascii=False) if payload else ""
        name, content = attachment if attachment is not None else ("", None)
        now = self._clock()
        with self._db.use(write=True) as conn:
            conn.execute(
                "INSERT INTO messages (id, channel, recipient, subject, text, url, created_at,"
                " next_try_at, payload, attachment_name, attachment) VALUES (?, ?, ?, ?, ?, ?,"
                " ?, ?, ?, ?, ?)",
                (message_id, channel, recipient, subject, text, url, now, now, data, name,
                 content))
        return message_id

    def claim(self, message_id: str, lease_s: float) -> bool:
        """Take a message for sending until ``lease_s`` from now, so no other worker (another
        thread, or ``kiosk outbox --flush`` in another process) sends it too. It can be taken
        when it is queued and due, or held by a process that is gone. False otherwise."""
        now = self._clock()
        with self._db.use(write=True) as conn:
            row = conn.execute("SELECT next_try_at, held_by FROM messages WHERE id = ? AND "
                               "state = 'queued'", (message_id,)).fetchone()
            if row is None:
                return False
            due, holder = row
            if due > now and not (holder and holder != self._me and not is_alive(holder)):
                return False
            if due > now:
                log.info("message %s: its sender is gone; taken over at once", message_id)
            cursor = conn.execute(
                "UPDATE messages SET next_try_at = ?, held_by = ? WHERE id = ? AND "
                "state = 'queued' AND next_try_at = ? AND held_by IS ?",
                (now + lease_s, self._me, message_id, due, holder))
        return cursor.rowcount == 1

    def delivered(self, message_id: str, reply: Mapping[str, object] | None = None,
                  follow_up: FollowUp | None = None) -> None:
        """The provider accepted it: mark it sent, count the attempt, keep its ``reply``, queue
        the ``follow_up`` SMS to the same recipient, and erase the recipient, all at once."""
        now = self._clock()
        self._finish("UPDATE messages SET state = 'sent', recipient = NULL, delivered_at = ?,"
                     " attachment = NULL, attempts = attempts + 1, last_error = '', held_by = NULL,"
                     " reply = ? WHERE id = ?", (now, _reply(reply), message_id),
                     message_id, follow_up)

    def retry_later(self, message_id: str, error: str, delay: float) -> None:
        """A temporary failure: count the attempt and try again after ``delay`` seconds."""
        now = self._clock()
        with self._db.use(write=True) as conn:
            conn.execute(
                "UPDATE messages SET attempts = attempts + 1, next_try_at = ?, last_error = ?,"
                " held_by = NULL WHERE id = ? AND state = 'queued'",
                (now + max(0.0, delay), self._clean(conn, message_id, error), message_id))

    def give_up(self, message_id: str, error: str, reply: Mapping[str, object] | None = None,
                follow_up: FollowUp | None = None) -> None:
        """It will never work: mark it failed, keep the provider's ``reply`` (a refusal), queue
        the ``follow_up`` SMS to the same recipient, and erase the recipient, all at once."""
        with self._db.use() as conn:
            cleaned = self._clean(conn, message_id, error)
        self._finish("UPDATE messages SET state = 'failed', recipient = NULL, last_error = ?,"
                     " attachment = NULL, attempts = attempts + 1, held_by = NULL, reply = ? "
                     "WHERE id = ? AND state = 'queued'", (cleaned, _reply(reply), message_id),
                     message_id, follow_up)

    def expire(self, max_age_s: float = 86400.0) -> int:
        """Queued messages older than ``max_age_s`` are dropped (a link a day late is
        useless, and the recipient must not linger). Returns how many."""
        cutoff = self._clock() - max_age_s
        return self._finish(
            "UPDATE messages SET state = 'expired', recipient = NULL, last_error = 'expired',"
            " attachment = NULL, held_by = NULL WHERE state = 'queued' AND created_at < ?",
            (cutoff,))

    def _finish(self, sql: str, params: tuple[object, ...], parent: str | None = None,
                follow_up: FollowUp | None = None) -> int:
        """Run an update that erases recipients (with the follow-up of ``parent`` written in
        the same transaction, its recipient copied first), then checkpoint so the WAL holds no
        copy."""
        with self._db.use(write=True) as conn:
            with immediate_transaction(conn):
                if follow_up is not None and parent is not None:
                    now = self._clock()
                    conn.execute(
                        "INSERT OR IGNORE INTO messages (id, channel, recipient, subject, text,"
                        " url, created_at, next_try_at, parent) SELECT ?, 'sms', recipient, ?,"
                        " ?, url, ?, ?, id FROM messages WHERE id = ? AND state = 'queued' AND "
                        "recipient IS NOT NULL",
                        (follow_up_id(parent), follow_up.subject, follow_up.text, now, now,
                         parent))
                count = conn.execute(sql, params).rowcount
            if count:
                try:
                    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
                except sqlite3.OperationalError as exc:  # another process is reading
                    log.debug("outbox checkpoint postponed: %s", exc)
        return count

    def follow_up_of(self, message_id: str) -> Message | None:
        """The SMS that answers ``message_id``, once written."""
        found = self._select("WHERE id = ?", (follow_up_id(message_id),))
        return found[0] if found else None

    @staticmethod
    def _clean(conn: sqlite3.Connection, message_id: str, error: str) -> str:
        """A short error with the recipient blanked out, should a library have quoted it."""
        row = conn.execute("SELECT recipient FROM messages WHERE id = ?",
                           (message_id,)).fetchone()
        error = " ".join(error.split())
        if row and row[0]:
            error = error.replace(row[0], "•••")
        return error[:ERROR_CHARS]

    # -- reading -------------------------------------------------------------------------

    def due(self, limit: int = 20) -> list[Message]:
        """Queued messages whose time has come, or whose holder is gone, oldest first."""
        now = self._clock()
        candidates = self._select("WHERE state = 'queued' AND (next_try_at <= ? OR held_by IS "
                                  "NOT NULL) ORDER BY created_at, rowid", (now,))
        return [m for m in candidates if m.next_try_at <= now or (
            m.held_by != self._me and not is_alive(m.held_by or ""))][:limit]

    def messages(self, include_done: bool = True) -> list[Message]:
        """Every message (or only the queued ones), oldest first."""
        where = "" if include_done else "WHERE state = 'queued' "
        return self._select(where + "ORDER BY created_at, rowid", ())

    def waiting(self) -> int:
        """How many messages are queued (counted, not read: recipients stay in the file)."""
        with self._db.use() as conn:
            return int(conn.execute(
                "SELECT COUNT(*) FROM messages WHERE state = 'queued'").fetchone()[0])

    def next_due_in(self) -> float | None:
        """Seconds until the next queued message is due (0 if one is), None if none."""
        with self._db.use() as conn:
            row = conn.execute(
                "SELECT MIN(next_try_at) FROM messages WHERE state = 'queued'").fetchone()
        if row is None or row[0] is None:
            return None
        return max(0.0, row[0] - self._clock())

    def _select(self, tail: str, params: tuple[object, ...]) -> list[Message]:
        with self._db.use() as conn:
            rows = conn.execute(f"SELECT {COLUMNS} FROM messages {tail}", params).fetchall()
        return [Message(*row) for row in rows]

    def close(self) -> None:
        """Close the file (idempotent)."""
        self._db.close()


def _reply(reply: Mapping[str, object] | None) -> str:
    return json.dumps(dict(reply), ensure_ascii=False) if reply else ""


# -- masking, for screens and the CLI ----------------------------------------------------

DOT = "•"
# ITU country codes with two digits; the rest of each zone has three (zones 1 and 7, one).
TWO_DIGIT_CODES = frozenset(
    "20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 49 51 52 53 54 55 56 57 58 60 61 62 63"
    " 64 65 66 81 82 84 86 90 91 92 93 94 95 98".split())


def mask(recipient: str | None) -> str:
    """A recipient staff may see: ``+33 6•• ••• •78`` or ``c•••@e•••.com`` (``—`` if
    erased). Enough to tell two apart, not enough to contact anyone."""
    if recipient is None:
        return "—"
    recipient = recipient.strip()
    if "@" in recipient:
        return _mask_email(recipient)
    return _mask_phone(recipient)


def _mask_email(address: str) -> str:
    local, _, domain = address.rpartition("@")
    head = local[:1] + DOT * 3 if local else DOT * 3
    labels = [label for label in domain.split(".") if label]
    if len(labels) >= 2:
        return f"{head}@{labels[0][:1]}{DOT * 3}.{labels[-1]}"
    return f"{head}@{DOT * 3}"


def _mask_phone(phone: str) -> str:
    digits = re.sub(r"\D", "", phone)
    if len(digits) < 5:
        return DOT * 3
    prefix = ""
    if phone.startswith("+"):
        size = _country_code_size(digits)
        prefix, digits = f"+{digits[:size]} ", digits[size:]
        if len(digits) < 4:
            return prefix + DOT * 3
    shown = digits[0] + DOT * (len(digits) - 3) + digits[-2:]
    groups = []
    while shown:
        groups.insert(0, shown[-3:])
        shown = shown[:-3]
    return prefix + " ".join(groups)


def _country_code_size(digits: str) -> int:
    if digits[0] in "17":
        return 1
    return 2 if digits[:2] in TWO_DIGIT_CODES else 3
