"""Health: the status file ``kiosk status`` reads, systemd's watchdog, and the kiosk's own
watchdog that ends a hung process so the service manager restarts it."""

from __future__ import annotations

import datetime as dt
import json
import socket
import time
from pathlib import Path

import pytest

from hardware.backoff import Backoff
from hardware.nfc_reader import NfcReaderSource
from kiosk.app.devices import Devices
from kiosk.app.display import close_screen, open_screen
from kiosk.assembly import assemble
from kiosk.cli import main
from kiosk.config import KioskConfig
from kiosk.ops.health import HUNG_EXIT, FrameClock, HealthMonitor, read_status, sd_notify


def test_the_status_file_tells_frames_and_facts(tmp_path: Path) -> None:
    frames = FrameClock()
    told: list[str] = []
    monitor = HealthMonitor(tmp_path, frames, lambda: {"devices": {"camera": {"state": "ok"}}},
                            notify=lambda message: told.append(message) or True)
    assert monitor.check()["state"] == "starting" and told == []
    frames.tick()
    status = monitor.check()
    assert status["state"] == "running" and status["frames"] == 1
    assert told == ["READY=1", "WATCHDOG=1"]
    assert read_status(tmp_path)["devices"] == {"camera": {"state": "ok"}}


def test_a_kiosk_that_stops_drawing_is_ended_for_a_restart(tmp_path: Path) -> None:
    frames = FrameClock()
    frames.tick()
    frames.last_frame_at = time.time() - 20
    exits: list[int] = []
    told: list[str] = []
    monitor = HealthMonitor(tmp_path, frames, dict, hang_s=15, exit_process=exits.append,
                            notify=lambda message: told.append(message) or True)
    assert monitor.check()["state"] == "hung"
    assert exits == [HUNG_EXIT] and "WATCHDOG=1" not in told
    assert read_status(tmp_path)["state"] == "hung"


def test_sd_notify_reaches_a_real_notify_socket(tmp_path: Path) -> None:
    path = tmp_path / "notify.sock"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as server:
        server.bind(str(path))
        server.settimeout(2)
        assert sd_notify("WATCHDOG=1", {"NOTIFY_SOCKET": str(path)})
        assert server.recv(64) == b"WATCHDOG=1"
    assert not sd_notify("WATCHDOG=1", {})


@pytest.mark.timeout(30)
def test_kiosk_status_reports_a_failing_reader(demo_config: KioskConfig, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    reader = NfcReaderSource("usb:ffff", time.monotonic, backoff=Backoff(0.05, 0.2))
    kiosk = assemble(demo_config, (1280, 720), Devices(sources=[reader]), draw_products=True,
                     data_dir=tmp_path, health=True)
    app = kiosk.app
    screen = open_screen((1280, 720), headless=True)
    kiosk.start()
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            app.frame(screen, time.monotonic(), dt.date.today())
            status = read_status(tmp_path)
            if status and status.get("devices", {}).get("nfc", {}).get("state") == "unavailable":
                break
            time.sleep(0.05)
        assert main(["status", "--data", str(tmp_path), "--json"]) == 1
        shown = json.loads(capsys.readouterr().out)
        assert shown["devices"]["nfc"]["state"] == "unavailable"
        assert "no NFC reader at 'usb:ffff'" in shown["devices"]["nfc"]["reason"]
        assert shown["problems"] == ["nfc is unavailable"] and shown["fps"] > 0
        assert shown["over_budget"] == app.services.frame_clock.over_budget
        assert main(["status", "--data", str(tmp_path)]) == 1
        out = capsys.readouterr().out
        assert "kiosk NOT OK" in out and " over 16.7 ms since the start" in out
    finally:
        kiosk.stop()
        close_screen()
    assert main(["status", "--data", str(tmp_path / "elsewhere")]) == 2
