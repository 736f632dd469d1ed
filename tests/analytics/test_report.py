"""The report: a scripted sequence of events gives exactly the expected numbers."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from kiosk.analytics.log import EventLog
from kiosk.analytics.report import build_report
from kiosk.ops.sqlite_file import open_read_only
from tests.analytics.scripted import DAY, NAMES, NEXT_DAY, at, write_script

SOUP_ROW = {"gtin": "3760000000017", "name": "Velouté <maison> & co"}
KETTLE_ROW = {"gtin": "4006381333931", "name": "Bouilloire 1,7 L"}
CEREAL_ROW = {"gtin": "0036000291452", "name": ""}


def funnel(**counts: int) -> dict[str, int]:
    """Every step of the funnel, in order, zero unless given."""
    return {step: counts.get(step, 0) for step in ("placed", "section_viewed", "variant_chosen",
                                                   "sent", "ordered", "reserved")}


def hours(**counts: int) -> dict[str, int]:
    expected = {str(hour): 0 for hour in range(24)}
    expected.update({key.removeprefix("h"): n for key, n in counts.items()})
    return expected


def test_the_whole_log(tmp_path: Path) -> None:
    report = build_report(write_script(tmp_path / "events.sqlite3"), NAMES)
    assert report == {
        "period": {"since": "2024-05-14", "until": "2024-05-15"},
        "events": 30,
        "sessions": 5,
        "placements": {"total": 5, "by_product": [
            {**SOUP_ROW, "count": 2, "dwell_s": 75.5},
            {**KETTLE_ROW, "count": 2, "dwell_s": 17.2},
            {**CEREAL_ROW, "count": 1, "dwell_s": 0.0},
        ]},
        "top_by_dwell": [
            {**SOUP_ROW, "count": 2, "dwell_s": 75.5},
            {**KETTLE_ROW, "count": 2, "dwell_s": 17.2},
            {**CEREAL_ROW, "count": 1, "dwell_s": 0.0},
        ],
        "compares": 1,
        "cross_sell_taps": {"total": 1, "by_product": [{**CEREAL_ROW, "count": 1}]},
        "sends": {"total": 4, "by_channel": {"qr": 1, "sms": 1, "email": 1, "nfc": 1}},
        "variants_chosen": 0,
        "orders": {"total": 0, "by_channel": {"qr": 0, "sms": 0, "email": 0, "nfc": 0}},
        "reservations": {"total": 0, "by_channel": {}},
        "offers": {"total": 0, "by_channel": {"qr": 0, "sms": 0, "email": 0, "nfc": 0},
                   "by_offer": {}},
        "sections": {"overview": 1, "reviews": 1, "specs": 1},
        "languages": {"en": 1},
        "funnel": funnel(placed=4, section_viewed=2, sent=2),
        "busy_hours": hours(h9=1, h10=2, h15=2),
        "device_faults": [{"device": "camera", "count": 1}, {"device": "nfc", "count": 1}],
    }
    json.dumps(report)  # the CLI prints it as JSON


def test_since_and_until_select_local_days(tmp_path: Path) -> None:
    path = write_script(tmp_path / "events.sqlite3")
    first = build_report(path, NAMES, until=DAY)
    assert first["period"] == {"since": "2024-05-14", "until": "2024-05-14"}
    assert first["sessions"] == 4
    assert first["placements"]["total"] == 4
    assert [i["count"] for i in first["placements"]["by_product"]] == [2, 2]
    assert first["sends"]["by_channel"] == {"qr": 1, "sms": 1, "email": 0, "nfc": 1}
    assert first["funnel"] == funnel(placed=3, section_viewed=2, sent=2)
    assert first["device_faults"] == [{"device": "camera", "count": 1}]

    second = build_report(path, NAMES, since=NEXT_DAY)
    assert second["period"] == {"since": "2024-05-15", "until": "2024-05-15"}
    assert second["sessions"] == 1
    assert second["placements"]["by_product"] == [{**CEREAL_ROW, "count": 1, "dwell_s": 0.0}]
    assert second["funnel"] == funnel(placed=1)
    assert second["busy_hours"] == hours(h9=1)

    both = build_report(path, NAMES, since=DAY, until=NEXT_DAY)
    assert both["events"] == 30
    nothing = build_report(path, NAMES, since=dt.date(2024, 6, 1))
    assert nothing["events"] == 0 and nothing["placements"]["by_product"] == []
    assert nothing["period"] == {"since": "2024-06-01", "until": None}


def test_a_period_that_ends_before_it_starts_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="after it ends"):
        build_report(tmp_path / "events.sqlite3", {}, since=NEXT_DAY, until=DAY)


def test_a_missing_log_is_an_empty_report_and_is_not_created(tmp_path: Path) -> None:
    report = build_report(tmp_path / "events.sqlite3", {})
    assert not (tmp_path / "events.sqlite3").exists()
    assert report["sessions"] == 0 and report["placements"] == {"total": 0, "by_product": []}
    assert report["sends"]["by_channel"] == {"qr": 0, "sms": 0, "email": 0, "nfc": 0}
    assert report["funnel"] == funnel()
    assert sum(report["busy_hours"].values()) == 0 and len(report["busy_hours"]) == 24


def test_the_report_reads_while_the_kiosk_writes(tmp_path: Path) -> None:
    path = tmp_path / "events.sqlite3"
    now = [at(DAY, 12, 0)]
    log = EventLog(path, clock=lambda: now[0])
    try:
        log.record("placed", session="x", gtin="3760000000017")
        assert log.flush(5.0)
        assert build_report(path, {}, DAY)["placements"]["total"] == 1
        log.record("placed", session="x", gtin="3760000000017")
        assert log.flush(5.0)
        assert build_report(path, {}, DAY)["placements"]["total"] == 2
    finally:
        log.close()


def test_top_by_dwell_keeps_the_ten_longest(tmp_path: Path) -> None:
    from hardware.gtin import check_digit

    script = []
    for index in range(12):
        body = f"376000000{index:03d}"
        gtin = body + str(check_digit(body))
        script.append((at(DAY, 12, index), "placed", {"session": "s", "gtin": gtin}))
        script.append((at(DAY, 12, index, 30), "removed",
                       {"session": "s", "gtin": gtin, "number": float(index)}))
    report = build_report(write_script(tmp_path / "events.sqlite3", script), {})
    assert [i["dwell_s"] for i in report["top_by_dwell"]] == [float(n) for n in
                                                                range(11, 1, -1)]
    assert len(report["placements"]["by_product"]) == 12


PULSE_42 = "3760000000093"
PULSE_43 = "3760000010146"


def test_the_funnel_counts_sessions_through_variants_orders_and_reservations(
        tmp_path: Path) -> None:
    def session(name: str, minute: int, *steps: tuple[str, dict[str, object]]) -> list[Any]:
        return [(at(DAY, 14, minute, second), kind, {"session": name, **fields})
                for second, (kind, fields) in enumerate(steps)]

    placed = ("placed", {"gtin": PULSE_42})
    viewed = ("section", {"gtin": PULSE_42, "value": "overview"})
    chose = ("variant", {"gtin": PULSE_43})
    script = [
        # a: chose a size, ordered it by QR and reserved it (twice: one session)
        *session("a", 0, placed, viewed, chose, ("ordered", {"gtin": PULSE_43, "value": "qr"}),
                 ("reserved", {"gtin": PULSE_43, "value": "sms"}),
                 ("reserved", {"gtin": PULSE_43, "value": "sms"})),
        # b: chose a colour and sent the link
        *session("b", 5, placed, viewed, chose, ("send", {"gtin": PULSE_43, "value": "sms"})),
        # c: no variant (a product without one), ordered by SMS
        *session("c", 10, placed, viewed, ("ordered", {"gtin": PULSE_42, "value": "sms"})),
        # d: ordered without opening a tab: not past "section viewed", so not counted
        *session("d", 15, placed, ("ordered", {"gtin": PULSE_42, "value": "nfc"})),
        # e: a variant chosen with no product placed: outside the funnel
        *session("e", 20, viewed, chose),
        # f: placed only
        *session("f", 25, placed),
    ]
    report = build_report(write_script(tmp_path / "events.sqlite3", script), {})
    assert report["funnel"] == funnel(placed=5, section_viewed=3, variant_chosen=2, sent=1,
                                      ordered=2, reserved=1)
    assert report["variants_chosen"] == 3
    assert report["orders"] == {"total": 3, "by_channel": {"qr": 1, "sms": 1, "email": 0,
                                                           "nfc": 1}}
    assert report["reservations"] == {"total": 2, "by_channel": {"sms": 2}}
    assert list(report["funnel"]) == ["placed", "section_viewed", "variant_chosen", "sent",
                                      "ordered", "reserved"]


def test_the_funnel_is_summed_in_sql(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the sums come back to Python, whatever the number of sessions."""
    script = [(at(DAY, 9, 0) + n, kind, {"session": f"s{n}", "gtin": PULSE_42,
                                         **({"value": "overview"} if kind == "section" else {})})
              for n in range(3000) for kind in ("placed", "section")]
    path = write_script(tmp_path / "events.sqlite3", script)
    fetched: list[int] = []

    class Counting:
        """A read-only connection that counts the rows each query hands to Python."""

        def __init__(self, conn: sqlite3.Connection) -> None:
            self._conn = conn

        def execute(self, sql: str, params: Any = ()) -> Counting:
            self._cursor = self._conn.execute(sql, params)
            return self

        def fetchall(self) -> list[Any]:
            rows = self._cursor.fetchall()
            fetched.append(len(rows))
            return rows

        def fetchone(self) -> Any:
            fetched.append(1)
            return self._cursor.fetchone()

        def close(self) -> None:
            self._conn.close()

    def reading(path: Path) -> Counting:
        return Counting(open_read_only(path))

    monkeypatch.setattr("kiosk.analytics.report.open_read_only", reading)
    report = build_report(path, {})
    assert report["funnel"] == funnel(placed=3000, section_viewed=3000)
    assert max(fetched) <= 24  # busy hours, at most; never a row per session
