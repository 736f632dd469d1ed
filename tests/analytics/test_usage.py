"""What ``Usage`` writes for the order, reservation and variant events: GTINs and channels,
in the shopper's session, and nothing a shopper typed."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from kiosk.analytics.log import EventLog
from kiosk.analytics.usage import Usage

PULSE_42 = "3760000000093"
PULSE_43 = "3760000010146"


def events(path: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT kind, session, gtin, value, number FROM events ORDER BY id"
                            ).fetchall()
    conn.close()
    return rows


def test_variant_order_and_reservation_events(tmp_path: Path) -> None:
    log = EventLog(tmp_path / "events.sqlite3")
    usage = Usage(log)
    usage.placed(PULSE_42)
    usage.variant_chosen(PULSE_43)
    usage.ordered(PULSE_43, "qr")
    usage.reserved(PULSE_43, "sms")
    usage.ordered("04A22B1A5C8080", "nfc")  # a tag id is not a GTIN: it stays out
    session = usage.session
    assert log.flush(5.0)
    log.close()
    rows = events(tmp_path / "events.sqlite3")
    assert rows[1:] == [
        ("placed", session, "0" + PULSE_42, None, None),
        ("variant", session, "0" + PULSE_43, None, None),
        ("ordered", session, "0" + PULSE_43, "qr", None),
        ("reserved", session, "0" + PULSE_43, "sms", None),
        ("ordered", session, None, "nfc", None),
    ]


def test_an_order_or_a_reservation_opens_a_session(tmp_path: Path) -> None:
    log = EventLog(tmp_path / "events.sqlite3")
    usage = Usage(log)
    usage.reserved(PULSE_42, "sms")  # at a product the last shopper left on the table
    first = usage.session
    usage.end_session()
    usage.variant_chosen(PULSE_43)
    second = usage.session
    assert log.flush(5.0)
    log.close()
    kinds = [(kind, session) for kind, session, *_ in events(tmp_path / "events.sqlite3")]
    assert first and second and first != second
    assert kinds == [("session_start", first), ("reserved", first), ("session_end", first),
                     ("session_start", second), ("variant", second)]
