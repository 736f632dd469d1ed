"""The log on bad days: product codes kept while personal data is scrubbed, a full or
read-only disk said once (not a traceback per record), and a warning in a loop held back."""

from __future__ import annotations

import io
import json
import logging
import time
from pathlib import Path

import pytest

from kiosk.ops.logs import LOG_FILE, Repeats, log_to_file, scrub
from tests.faults.disks import fill, set_read_only, small_disk

WAIT_S = 10.0


@pytest.fixture
def journal(root: logging.Logger) -> io.StringIO:
    """What the kiosk writes on its standard error (which systemd's journal reads)."""
    text = io.StringIO()
    handler = logging.StreamHandler(text)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    return text


def wait_for_line(journal: io.StringIO, marker: str) -> None:
    """Log ``marker`` and wait (bounded) until the writer thread put it in the journal: every
    record logged before it has then been handled."""
    logging.getLogger("kiosk.test.marker").warning(marker)
    said(journal, marker)


def said(journal: io.StringIO, text: str) -> None:
    """Wait (bounded) until ``text`` is in the journal."""
    deadline = time.monotonic() + WAIT_S
    while text not in journal.getvalue():
        assert time.monotonic() < deadline, f"{text!r} never reached the journal"
        time.sleep(0.01)


@pytest.mark.parametrize("code", [
    "96385074", "96385075",                      # GTIN-8, valid and not
    "036000291452", "036000291453",              # GTIN-12 (UPC-A)
    "3760000000017", "3760000000018",            # GTIN-13
    "03760000000017", "03760000000019",          # GTIN-14
])
def test_product_codes_stay_whatever_their_check_digit(code: str) -> None:
    assert scrub(f"code {code} is not in the catalog") == f"code {code} is not in the catalog"
    assert scrub(f"codes ({code}, {code})") == f"codes ({code}, {code})"


def test_codes_listed_together_stay_and_a_phone_number_beside_them_goes() -> None:
    assert scrub("seen 3760000000018 3760000000024 96385074") == (
        "seen 3760000000018 3760000000024 96385074")
    assert scrub("code 3760000000018 06 12 34 56 78") == "code 3760000000018 •••"


@pytest.mark.parametrize("text", [
    "+33 6 12 34 56 78", "+33612345678", "06.12.34.56.78", "06-12-34-56-78", "06 12 34 56 78",
    "0612345678", "33612345678", "+1 (415) 555-0123", "+4512345678", "+3760000000018",
    "claire.martin@example.com",
])
def test_phone_numbers_and_addresses_still_go(text: str) -> None:
    cleaned = scrub(f"sent to {text} today")
    assert cleaned == "sent to ••• today"


def test_a_repeated_warning_is_written_once_a_minute_with_a_count() -> None:
    now = [1000.0]
    repeats = Repeats(clock=lambda: now[0])

    def record(template: str, *args: object, level: int = logging.WARNING,
               name: str = "kiosk.test.repeats") -> logging.LogRecord:
        return logging.LogRecord(name, level, __file__, 1, template, args, None)

    first = record("cannot read image %s", "a.png")
    assert repeats.filter(first) and first.getMessage() == "cannot read image a.png"
    held = sum(not repeats.filter(record("cannot read image %s", f"{n}.png"))
               for n in range(4211))
    assert held == 4211
    assert repeats.filter(record("another warning %s", 1)), "another template passes"
    assert repeats.filter(record("cannot read image %s", "a.png", name="kiosk.other"))
    assert repeats.filter(record("placed %s", 1, level=logging.INFO)), "INFO is never held"
    now[0] += 59.0
    assert not repeats.filter(record("cannot read image %s", "b.png"))
    now[0] += 1.5
    after = record("cannot read image %s", "c.png")
    assert repeats.filter(after)
    assert after.getMessage() == (
        "cannot read image c.png (and 4,212 more like it in the last minute)")


def test_a_warning_in_a_loop_cannot_rotate_the_history_away(
        root: logging.Logger, journal: io.StringIO, tmp_path: Path) -> None:
    writer = log_to_file(tmp_path)
    try:
        logging.getLogger("kiosk.test").warning("first line worth keeping")
        bad = logging.getLogger("kiosk.test.media")
        for number in range(20000):
            bad.warning("cannot read image %s", f"broken-{number}.png")
    finally:
        writer.stop(10.0)
    assert sorted(path.name for path in (tmp_path / "logs").iterdir()) == ["kiosk.log"]
    lines = [json.loads(line) for line in
             (tmp_path / LOG_FILE).read_text(encoding="utf-8").splitlines()]
    assert lines[0]["message"] == "first line worth keeping"
    assert [line["message"] for line in lines[1:]] == ["cannot read image broken-0.png"]
    assert journal.getvalue().count("cannot read image") == 1


@pytest.mark.timeout(60)
def test_a_full_disk_is_said_once_and_the_log_resumes(
        root: logging.Logger, journal: io.StringIO, tmp_path: Path,
        capfd: pytest.CaptureFixture[str]) -> None:
    with small_disk(tmp_path / "disk", size_kb=512) as disk:
        writer = log_to_file(disk)
        try:
            log = logging.getLogger("kiosk.test")
            log.warning("before the disk filled up")
            wait_for_line(journal, "written before the ballast")
            ballast = fill(disk)
            for number in range(300):  # INFO, so none is held back as a repeat
                log.info("placement %d on a full disk, with some words to fill a page", number)
            wait_for_line(journal, "the disk is still full")
            said(journal, "cannot write the log file")  # its flush may come after the marker
            full = journal.getvalue()
            ballast.unlink()
            log.warning("after the space came back")
            wait_for_line(journal, "space is back")
        finally:
            writer.stop(10.0)
        text = (disk / LOG_FILE).read_text(encoding="utf-8")
    err = capfd.readouterr().err
    assert "Logging error" not in err and "Traceback" not in err, err
    assert full.count("cannot write the log file") == 1
    assert "No space left on device" in full
    assert journal.getvalue().count("is written again") == 1
    records = [json.loads(line) for line in text.splitlines()]  # every line is whole
    messages = [record["message"] for record in records]
    assert messages[0] == "before the disk filled up"
    assert "after the space came back" in messages
    assert any("is written again" in message for message in messages)


@pytest.mark.timeout(60)
def test_a_read_only_disk_at_start_is_a_state_not_a_crash(
        root: logging.Logger, journal: io.StringIO, tmp_path: Path,
        capfd: pytest.CaptureFixture[str]) -> None:
    with small_disk(tmp_path / "disk", size_kb=512) as disk:
        set_read_only(disk, True)
        writer = log_to_file(disk)
        try:
            log = logging.getLogger("kiosk.test")
            for number in range(50):
                log.info("placement %d while the card is read-only", number)
            wait_for_line(journal, "still read-only")
            read_only = journal.getvalue()
            set_read_only(disk, False)
            log.warning("after the remount")
            wait_for_line(journal, "writable again")
        finally:
            writer.stop(10.0)
        text = (disk / LOG_FILE).read_text(encoding="utf-8")
    err = capfd.readouterr().err
    assert "Logging error" not in err and "Traceback" not in err, err
    assert read_only.count("cannot write the log file") == 1
    assert "Read-only file system" in read_only
    messages = [json.loads(line)["message"] for line in text.splitlines()]
    assert "after the remount" in messages
