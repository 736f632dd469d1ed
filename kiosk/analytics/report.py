"""What shoppers did with the table over a period, as plain numbers a store manager can read.

Why SQL aggregates: a year of events is millions of rows; SQLite groups them on disk and only
totals come back to Python. The file is opened read-only, so a report can run (``kiosk
report``) while the kiosk writes, and never changes or moves the log.

Days and hours are local time: "busy hours" means the store's clock.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from hardware.gtin import display_gtin, normalise_code
from kiosk.analytics.log import SCHEMA
from kiosk.ops.sqlite_file import open_read_only

CHANNELS = ("qr", "sms", "email", "nfc")
FUNNEL = ("placed", "section_viewed", "variant_chosen", "sent", "ordered", "reserved")
"""The funnel's steps, in order: each counts sessions (see ``_Query._funnel``)."""
FAULT_STATES = ("degraded", "unavailable")
TOP = 10
UNKNOWN = "unknown"


def today_counts(path: Path, today: dt.date) -> tuple[int, int, int]:
    """Sessions, placements and sends of ``today`` (the staff screen's figures)."""
    report = build_report(path, {}, today)
    return report["sessions"], report["placements"]["total"], report["sends"]["total"]


def build_report(path: Path, names: Mapping[str, str], since: dt.date | None = None,
                 until: dt.date | None = None) -> dict[str, Any]:
    """The report of events from ``since`` to ``until`` (local dates, both included; None:
    no bound). ``names`` maps GTIN-14 to a product name. A missing file is an empty log."""
    if since is not None and until is not None and since > until:
        raise ValueError(f"the period starts ({since}) after it ends ({until})")
    where, params = _period(since, until)
    conn = _open(Path(path))
    try:
        return _Query(conn, where, params).report(names, since, until)
    finally:
        conn.close()


def _open(path: Path) -> sqlite3.Connection:
    if not path.exists():
        conn = sqlite3.connect(":memory:")
        conn.executescript(SCHEMA)
        return conn
    return open_read_only(path)


def _period(since: dt.date | None, until: dt.date | None) -> tuple[str, tuple[float, ...]]:
    """A WHERE clause on ``t`` (local midnights), and its parameters."""
    clauses, params = ["1"], []
    if since is not None:
        clauses.append("t >= ?")
        params.append(dt.datetime.combine(since, dt.time()).timestamp())
    if until is not None:
        clauses.append("t < ?")
        params.append(dt.datetime.combine(until + dt.timedelta(days=1), dt.time()).timestamp())
    return " AND ".join(clauses), tuple(params)


class _Query:
    """The report's queries, all restricted to the period."""

    def __init__(self, conn: sqlite3.Connection, where: str, params: tuple[float, ...]) -> None:
        self._conn = conn
        self._where = where
        self._params = params

    def rows(self, select: str, condition: str = "1", group: str = "",
             params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        sql = f"SELECT {select} FROM events WHERE ({self._where}) AND ({condition}) {group}"
        return self._conn.execute(sql, self._params + params).fetchall()

    def report(self, names: Mapping[str, str], since: dt.date | None,
               until: dt.date | None) -> dict[str, Any]:
        kinds = dict(self.rows("kind, COUNT(*)", group="GROUP BY kind"))
        first, last = self.rows("MIN(t), MAX(t)")[0]
        by_product = self._products(names)
        return {
            "period": {"since": _day(since, first), "until": _day(until, last)},
            "events": sum(kinds.values()),
            "sessions": self.rows("COUNT(DISTINCT session)", "session IS NOT NULL")[0][0],
            "placements": {"total": kinds.get("placed", 0), "by_product": by_product},
            "top_by_dwell": sorted((dict(item) for item in by_product),
                                   key=lambda i: (-i["dwell_s"], -i["count"], i["gtin"]))[:TOP],
            "compares": kinds.get("compare", 0),
            "cross_sell_taps": {"total": kinds.get("cross_sell", 0),
                                "by_product": self._cross_sells(names)},
            "sends": {"total": kinds.get("send", 0), "by_channel": self._channels("send")},
            "variants_chosen": kinds.get("variant", 0),
            "orders": {"total": kinds.get("ordered", 0),
                       "by_channel": self._channels("ordered")},
            "reservations": {"total": kinds.get("reserved", 0),
                             "by_channel": self._labels("reserved")},
            "offers": self._offers(kinds.get("offer_sent", 0)),
            "sections": self._labels("section"),
            "languages": self._labels("language"),
            "funnel": self._funnel(),
            "busy_hours": self._busy_hours(),
            "device_faults": self._device_faults(),
        }

    def _products(self, names: Mapping[str, str]) -> list[dict[str, Any]]:
        """Placements and dwell per product; dwell is the sum of ``removed`` numbers."""
        counts = dict(self.rows("gtin, COUNT(*)", "kind = 'placed' AND gtin IS NOT NULL",
                                "GROUP BY gtin"))
        dwell = dict(self.rows("gtin, SUM(number)", "kind = 'removed' AND gtin IS NOT NULL "
                               "AND number IS NOT NULL", "GROUP BY gtin"))
        items = [_product(gtin, names, count=counts.get(gtin, 0),
                          dwell_s=round(dwell.get(gtin, 0.0), 1))
                 for gtin in set(counts) | set(dwell)]
        return sorted(items, key=lambda i: (-i["count"], i["gtin"]))

    def _cross_sells(self, names: Mapping[str, str]) -> list[dict[str, Any]]:
        rows = self.rows("gtin, COUNT(*)", "kind = 'cross_sell' AND gtin IS NOT NULL",
                         "GROUP BY gtin")
        items = [_product(gtin, names, count=count) for gtin, count in rows]
        return sorted(items, key=lambda i: (-i["count"], i["gtin"]))

    def _labels(self, kind: str) -> dict[str, int]:
        """Events of ``kind`` counted by label, most frequent first."""
        rows = self.rows("value, COUNT(*)", "kind = ?", "GROUP BY value", (kind,))
        counts: Counter[str] = Counter()
        for value, count in rows:
            counts[value if value is not None else UNKNOWN] += count
        return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))

    def _channels(self, kind: str) -> dict[str, int]:
        """Events of ``kind`` by channel: every channel of the table, then any other label."""
        counts = self._labels(kind)
        by_channel = {channel: counts.pop(channel, 0) for channel in CHANNELS}
        by_channel.update(counts)
        return by_channel

    def _funnel(self) -> dict[str, int]:
        """Sessions with a placement; of those, the ones that viewed a section; of those, the
        ones that chose a variant, and the ones that sent a link, ordered (sent the cart) and
        reserved: a step never counts more sessions than ``section_viewed``. ``sent``,
        ``ordered`` and ``reserved`` do not require a variant chosen (most products have
        none). One pass in SQL: a row of flags per session, summed; only the sums come back."""
        sql = ("SELECT COUNT(*), TOTAL(s), TOTAL(s AND v), TOTAL(s AND d), TOTAL(s AND o), "
               "TOTAL(s AND r) FROM (SELECT MAX(kind = 'section') AS s, "
               "MAX(kind = 'variant') AS v, MAX(kind = 'send') AS d, "
               "MAX(kind = 'ordered') AS o, MAX(kind = 'reserved') AS r FROM events "
               f"WHERE ({self._where}) AND session IS NOT NULL AND kind IN ('placed', "
               "'section', 'variant', 'send', 'ordered', 'reserved') GROUP BY session "
               "HAVING MAX(kind = 'placed'))")
        counts = self._conn.execute(sql, self._params).fetchone()
        return {step: int(count) for step, count in zip(FUNNEL, counts, strict=True)}

    def _offers(self, total: int) -> dict[str, Any]:
        """Offers sent, by channel and by offer (labels are ``OFFER:CHANNEL``)."""
        by_channel: Counter[str] = Counter({channel: 0 for channel in CHANNELS})
        by_offer: Counter[str] = Counter()
        for label, count in self._labels("offer_sent").items():
            offer, _, channel = label.rpartition(":")
            by_channel[channel or UNKNOWN] += count
            by_offer[offer or UNKNOWN] += count
        return {"total": total, "by_channel": dict(by_channel),
                "by_offer": dict(sorted(by_offer.items(), key=lambda i: (-i[1], i[0])))}

    def _busy_hours(self) -> dict[str, int]:
        hours = {str(hour): 0 for hour in range(24)}
        for hour, count in self.rows("CAST(strftime('%H', t, 'unixepoch', 'localtime') AS "
                                     "INTEGER), COUNT(*)", "kind = 'placed'", "GROUP BY 1"):
            hours[str(hour)] = count
        return hours

    def _device_faults(self) -> list[dict[str, Any]]:
        """``device`` events whose state (after the last ``:``) is a fault, per device."""
        faults: Counter[str] = Counter()
        for label, count in self.rows("value, COUNT(*)", "kind = 'device' AND value IS NOT "
                                      "NULL", "GROUP BY value"):
            device, _, state = label.rpartition(":")
            if state in FAULT_STATES:
                faults[device or UNKNOWN] += count
        return [{"device": device, "count": count}
                for device, count in sorted(faults.items(), key=lambda i: (-i[1], i[0]))]


def _product(gtin: str, names: Mapping[str, str], **numbers: Any) -> dict[str, Any]:
    name = names.get(gtin) or names.get(normalise_code(gtin)) or ""
    return {"gtin": display_gtin(gtin), "name": name, **numbers}


def _day(asked: dt.date | None, t: float | None) -> str | None:
    """The bound asked for, else the day of the first or last event (None: no events)."""
    if asked is not None:
        return asked.isoformat()
    return dt.date.fromtimestamp(t).isoformat() if t is not None else None
