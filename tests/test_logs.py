"""The kiosk's log: JSON lines, rotated, without personal data, and written by a thread so that
a log call never waits on the disk or the journal."""

from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
from pathlib import Path

import pytest

from kiosk.ops import logs
from kiosk.ops.logs import LOG_FILE, log_to_file, scrub
from kiosk.ops.problems import ProblemLog


@pytest.mark.parametrize("text", [
    "sent to +33 6 12 34 56 78", "sent to 06.12.34.56.78", "sent to 0612345678",
    "sent to claire.martin@example.com", "sent to +1 (415) 555-0123"])
def test_phone_numbers_and_addresses_are_scrubbed(text: str) -> None:
    cleaned = scrub(text)
    assert cleaned.startswith("sent to ") and "•••" in cleaned
    assert not any(char.isdigit() for char in cleaned) and "@" not in cleaned


def test_product_codes_stay_for_staff_to_find() -> None:
    assert scrub("code 3760000000017 is not in the catalog") == (
        "code 3760000000017 is not in the catalog")
    assert scrub("code 3760000000018 is not in the catalog") == (
        "code 3760000000018 is not in the catalog"), "a misprinted code is what staff look for"
    assert scrub("NFC reader on udp:127.0.0.1:58098") == "NFC reader on udp:127.0.0.1:58098"


def test_records_become_json_lines_and_the_file_rotates(
        root: logging.Logger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(logs, "MAX_BYTES", 2000)
    writer = log_to_file(tmp_path)
    try:
        log = logging.getLogger("kiosk.test")
        for number in range(100):  # INFO: a warning repeated this fast is held back
            log.info("placement %d, reply to %s", number, "claire@example.com")
        try:
            raise ValueError("boom")
        except ValueError:
            log.exception("a failing step")
    finally:
        writer.stop()
    files = sorted((tmp_path / "logs").glob("kiosk.log*"))
    assert 2 <= len(files) <= logs.BACKUPS + 1
    lines = (tmp_path / LOG_FILE).read_text(encoding="utf-8").splitlines()
    last = json.loads(lines[-1])
    assert last["level"] == "ERROR" and last["logger"] == "kiosk.test"
    assert "a failing step" in last["message"] and "ValueError: boom" in last["message"]
    everything = "".join(path.read_text(encoding="utf-8") for path in files)
    assert "claire" not in everything and "placement 99, reply to •••" in everything


def test_a_log_call_returns_while_the_journal_is_blocked(root: logging.Logger,
                                                         tmp_path: Path) -> None:
    read_end, write_end = os.pipe()
    fcntl.fcntl(write_end, fcntl.F_SETFL, os.O_NONBLOCK)
    try:
        while True:
            os.write(write_end, b"x" * 65536)  # fill the pipe as a stalled journald would
    except BlockingIOError:
        pass
    fcntl.fcntl(write_end, fcntl.F_SETFL, 0)
    journal = os.fdopen(write_end, "w")
    root.addHandler(logging.StreamHandler(journal))
    writer = log_to_file(tmp_path)
    logged = threading.Thread(target=logging.getLogger("kiosk.test").warning,
                              args=("a frame-loop warning",))
    logged.start()
    logged.join(2.0)
    assert not logged.is_alive(), "the caller went on; the writer waits on the pipe"
    with os.fdopen(read_end, "rb") as drained:
        threading.Thread(target=drained.read, daemon=True).start()
        writer.stop(5.0)
        journal.close()
    text = (tmp_path / LOG_FILE).read_text(encoding="utf-8")
    assert "a frame-loop warning" in text


def test_the_staff_screen_s_problem_lines_are_scrubbed_too() -> None:
    problems = ProblemLog()
    log = logging.getLogger("kiosk.test.problems")
    log.addHandler(problems)
    try:
        log.warning("reply to %s failed for code %s", "claire@example.com", "3760000000017")
        log.info("not a problem")
    finally:
        log.removeHandler(problems)
    (line,) = problems.lines
    assert line.endswith("reply to ••• failed for code 3760000000017")
