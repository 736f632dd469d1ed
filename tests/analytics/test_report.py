"""The report: a scripted sequence of events gives exactly the expected numbers."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from kiosk.analytics.log import EventLog
from kiosk.analytics.report import build_report
from tests.analytics.scripted import DAY, NAMES, NEXT_DAY, at, write_script

SOUP_ROW = {"gtin": "3760000000017", "name": "Velouté <maison> & co"}
KETTLE_ROW = {"gtin": "4006381333931", "name": "Bouilloire 1,7 L"}
CEREAL_ROW = {"gtin": "0036000291452", "name": ""}


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
        "sections": {"overview": 1, "reviews": 1, "specs": 1},
        "languages": {"en": 1},
        "funnel": {"placed": 4, "section_viewed": 2, "sent": 2},
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
    assert first["funnel"] == {"placed": 3, "section_viewed": 2, "sent": 2}
    assert first["device_faults"] == [{"device": "camera", "count": 1}]

    second = build_report(path, NAMES, since=NEXT_DAY)
    assert second["period"] == {"since": "2024-05-15", "until": "2024-05-15"}
    assert second["sessions"] == 1
    assert second["placements"]["by_product"] == [{**CEREAL_ROW, "count": 1, "dwell_s": 0.0}]
    assert second["funnel"] == {"placed": 1, "section_viewed": 0, "sent": 0}
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
    assert report["funnel"] == {"placed": 0, "section_viewed": 0, "sent": 0}
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
