"""``kiosk status`` tells the truth: a clean stop, a kiosk alive on a disk that refuses its
status file, a kiosk gone, and a status file that is not one the kiosk wrote."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.ops.health import STATUS_FILE, FrameClock, HealthMonitor
from kiosk.ops.process import identity
from tests.faults.disks import set_read_only, small_disk


def status_of(data: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["status", "--data", str(data)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def written(data: Path, **fields: object) -> None:
    status = {"pid": 1, "written_at": time.time(), "started_at": time.time() - 60,
              "uptime_s": 60.0, "frames": 3600, "fps": 60.0, "last_frame_age_s": 0.01,
              "state": "running", "devices": {}, **fields}
    (data / STATUS_FILE).write_text(json.dumps(status), encoding="utf-8")


def test_a_clean_stop_is_said_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    frames = FrameClock()
    monitor = HealthMonitor(tmp_path, frames, dict, notify=lambda message: True)
    monitor.start()
    frames.tick()
    monitor.check()
    assert status_of(tmp_path, capsys)[0] == 0
    monitor.stop()
    code, out, _ = status_of(tmp_path, capsys)
    assert code == 1 and "stopped on purpose at" in out and "kiosk OK" not in out


def test_a_kiosk_alive_but_unable_to_write_is_not_called_dead(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    written(tmp_path, written_at=time.time() - 60, process=identity())  # this very process
    code, out, _ = status_of(tmp_path, capsys)
    assert code == 1 and "but its status file is 60 s old" in out
    assert "not running" not in out
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait(10)
    written(tmp_path, written_at=time.time() - 60, process=identity(gone.pid))
    code, out, _ = status_of(tmp_path, capsys)
    assert code == 1 and "not running (last seen 60 s ago)" in out


def test_a_status_file_refused_by_the_disk_is_told_once_to_systemd_and_the_log(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    told: list[str] = []
    with small_disk(tmp_path / "data") as data:
        frames = FrameClock()
        monitor = HealthMonitor(data, frames, dict, notify=lambda message: told.append(message)
                                or True)
        frames.tick()
        monitor.check()
        set_read_only(data, True)
        with caplog.at_level(logging.WARNING, logger="kiosk.ops.health"):
            for _ in range(5):
                frames.tick()
                monitor.check()
            set_read_only(data, False)
            monitor.check()
        refused = [message for message in told if message.startswith("STATUS=cannot write")]
        assert len(refused) == 1 and "Read-only file system" in refused[0]
        assert told.count("WATCHDOG=1") == 7  # alive all along
        lines = [record.getMessage() for record in caplog.records]
        assert len([line for line in lines if "cannot write status.json" in line]) == 1
        assert lines[-1] == "status.json can be written again"


@pytest.mark.parametrize(("content", "says"), [
    ('{"state": "running", "written_at": "yesterday"}', "written_at should be a number"),
    ('{"pid": 12, "written_at": 1.5e9, "state": "running", "devices": {"camera": "ok"}}',
     "devices should map each name to an object"),
    ('{"pid": 12, "written_at": 1.5e9, "st', "not JSON, truncated or damaged"),
    ("[1, 2, 3]", "not a status object"),
    ('{"pid": "twelve"}', "pid should be int"),
])
def test_a_status_file_the_kiosk_did_not_write_is_refused_clearly(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, says: str) -> None:
    (tmp_path / STATUS_FILE).write_text(content, encoding="utf-8")
    code, out, err = status_of(tmp_path, capsys)
    assert code == 2 and says in err and "Traceback" not in err + out
    assert "has not run" not in out


def test_a_data_file_the_disk_refuses_is_a_problem_of_the_status(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    written(tmp_path, storage={"outbox": "the disk is full"}, process=identity())
    code, out, _ = status_of(tmp_path, capsys)
    assert code == 1 and "problem: outbox cannot be written: the disk is full" in out


def test_content_on_its_last_good_version_and_an_index_out_of_place_are_said(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    written(tmp_path, process=identity(), content_errors=2,
            catalog_index_problem="the catalog index cannot be kept in /data (full)")
    code, out, _ = status_of(tmp_path, capsys)
    assert code == 1
    assert "2 content error(s)" in out and "last good content" in out
    assert "the catalog index cannot be kept in /data (full)" in out
