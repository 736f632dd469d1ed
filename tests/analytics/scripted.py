"""A scripted day and a half at the table, with the report numbers it must give."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kiosk.analytics.log import EventLog

SOUP = "3760000000017"  # EAN-13
KETTLE = "4006381333931"  # EAN-13
CEREAL = "036000291452"  # UPC-A: shown as its EAN-13 form, 0036000291452
NAMES = {"03760000000017": "Velouté <maison> & co", "04006381333931": "Bouilloire 1,7 L"}
DAY = dt.date(2024, 5, 14)
NEXT_DAY = dt.date(2024, 5, 15)


def at(day: dt.date, hour: int, minute: int, second: int = 0) -> float:
    """A local time as a timestamp (the report's days and hours are local)."""
    return dt.datetime.combine(day, dt.time(hour, minute, second)).timestamp()


Step = tuple[float, str, dict[str, object]]
SCRIPT: list[Step] = [
    # session a: two products, specs, compare, SMS, English
    (at(DAY, 10, 5), "session_start", {"session": "a"}),
    (at(DAY, 10, 5), "placed", {"session": "a", "gtin": SOUP}),
    (at(DAY, 10, 6), "placed", {"session": "a", "gtin": KETTLE}),
    (at(DAY, 10, 6, 10), "section", {"session": "a", "gtin": SOUP, "value": "specs"}),
    (at(DAY, 10, 6, 20), "compare", {"session": "a", "gtin": SOUP, "value": KETTLE}),
    (at(DAY, 10, 6, 30), "language", {"session": "a", "value": "en"}),
    (at(DAY, 10, 7), "send", {"session": "a", "gtin": SOUP, "value": "sms", "number": 1}),
    (at(DAY, 10, 7, 10), "removed", {"session": "a", "gtin": SOUP, "number": 30.0}),
    (at(DAY, 10, 7, 12), "removed", {"session": "a", "gtin": KETTLE, "number": 12.2}),
    (at(DAY, 10, 9), "session_end", {"session": "a"}),
    # a device fault, and devices coming back (not faults)
    (at(DAY, 11, 0), "device", {"value": "camera:unavailable"}),
    (at(DAY, 11, 1), "device", {"value": "camera:ok"}),
    (at(DAY, 11, 2), "device", {"value": "nfc:starting"}),
    # session b: one product, reviews, a suggestion tapped, QR
    (at(DAY, 15, 30), "session_start", {"session": "b"}),
    (at(DAY, 15, 30), "placed", {"session": "b", "gtin": SOUP}),
    (at(DAY, 15, 31), "section", {"session": "b", "gtin": SOUP, "value": "reviews"}),
    (at(DAY, 15, 31, 30), "cross_sell", {"session": "b", "gtin": CEREAL}),
    (at(DAY, 15, 32), "send", {"session": "b", "gtin": SOUP, "value": "qr", "number": 1}),
    (at(DAY, 15, 33), "removed", {"session": "b", "gtin": SOUP, "number": 45.5}),
    (at(DAY, 15, 35), "session_end", {"session": "b"}),
    # session c: a glance and an NFC send, without opening a tab
    (at(DAY, 15, 45), "session_start", {"session": "c"}),
    (at(DAY, 15, 45), "placed", {"session": "c", "gtin": KETTLE}),
    (at(DAY, 15, 45, 3), "send", {"session": "c", "gtin": KETTLE, "value": "nfc"}),
    (at(DAY, 15, 45, 5), "removed", {"session": "c", "gtin": KETTLE, "number": 5.0}),
    (at(DAY, 15, 47), "session_end", {"session": "c"}),
    # session e: a tab, but no product placed (not in the funnel)
    (at(DAY, 16, 0), "section", {"session": "e", "value": "overview"}),
    # the next morning: session d
    (at(NEXT_DAY, 9, 0), "session_start", {"session": "d"}),
    (at(NEXT_DAY, 9, 0), "placed", {"session": "d", "gtin": CEREAL}),
    (at(NEXT_DAY, 9, 1), "send", {"session": "d", "gtin": CEREAL, "value": "email"}),
    (at(NEXT_DAY, 9, 2), "device", {"value": "nfc:degraded"}),
]


def write_script(path: Path, script: list[Step] = SCRIPT) -> Path:
    """Record ``script`` into a fresh event log at ``path``, with its times."""
    now = [0.0]
    log = EventLog(path, retention_days=3650, clock=lambda: now[0])
    for t, kind, fields in script:
        now[0] = t
        log.record(kind, **fields)  # type: ignore[arg-type]
    assert log.flush(5.0)
    log.close()
    return path
