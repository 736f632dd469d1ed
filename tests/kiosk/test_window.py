"""``kiosk run``'s loop and the translation of mouse and finger events."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pygame
import pytest

from kiosk.app.window import pointer_events
from kiosk.commands.run import run_kiosk
from kiosk.config import KioskConfig
from kiosk.simulator.window import wants_quit
from tests.paths import DEMO_CONFIG, REPO


def test_shoppers_cannot_leave_the_kiosk_with_keys_or_window_events(
        demo_config: KioskConfig, tmp_path: Path) -> None:
    still_running: list[bool] = []

    def try_to_leave() -> None:
        deadline = time.monotonic() + 10
        while not pygame.display.get_init() and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.3)
        pygame.event.post(pygame.event.Event(pygame.QUIT))
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_q,
                                             mod=pygame.KMOD_LCTRL))
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_ESCAPE, mod=0))
        time.sleep(0.5)
        still_running.append(pygame.display.get_init())
        os.kill(os.getpid(), signal.SIGTERM)  # what systemctl stop does

    poster = threading.Thread(target=try_to_leave)
    poster.start()
    assert run_kiosk(demo_config, (800, 600), tmp_path) == 0
    poster.join()
    assert still_running == [True]
    assert not pygame.display.get_init()


def test_fingers_and_mouse_become_pointers() -> None:
    pygame.display.init()
    try:
        finger = pygame.event.Event(pygame.FINGERDOWN, touch_id=3, finger_id=1, x=0.5, y=0.25,
                                    dx=0, dy=0, pressure=1)
        assert list(pointer_events(finger, (1000, 800))) == [
            ("down", ("finger", 3, 1), 500.0, 200.0)]
        synthesised = pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=(1, 2), button=1, touch=True)
        assert list(pointer_events(synthesised, (1000, 800))) == []
        click = pygame.event.Event(pygame.MOUSEBUTTONUP, pos=(10, 20), button=1, touch=False)
        assert list(pointer_events(click, (1000, 800))) == [("up", "mouse", 10, 20)]
        right = pygame.event.Event(pygame.MOUSEBUTTONUP, pos=(10, 20), button=3, touch=False)
        assert list(pointer_events(right, (1000, 800))) == []
    finally:
        pygame.display.quit()


def test_only_ctrl_q_or_closing_quits() -> None:
    assert wants_quit(pygame.event.Event(pygame.QUIT))
    assert wants_quit(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_q, mod=pygame.KMOD_LCTRL))
    assert not wants_quit(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_q, mod=0))
    assert not wants_quit(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_ESCAPE, mod=0))


def test_run_without_a_screen_says_why(demo_config: KioskConfig, monkeypatch,  # noqa: ANN001
                                       capsys) -> None:  # noqa: ANN001
    from kiosk.cli import main
    from tests.paths import DEMO_CONFIG

    monkeypatch.setenv("SDL_VIDEODRIVER", "no-such-driver")
    assert main(["run", "--config", str(DEMO_CONFIG)]) == 1
    assert "cannot open the table's screen" in capsys.readouterr().err


@pytest.mark.timeout(60)
@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=["term", "int"])
def test_kiosk_run_stops_cleanly_on_a_signal(stop_signal: int, tmp_path: Path) -> None:
    """nfcpy swallows KeyboardInterrupt: the stop must come through the loop's own flag."""
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    kiosk = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "run", "--config", str(DEMO_CONFIG), "--data",
         str(tmp_path), "--windowed", "640x480", "-v"],
        cwd=REPO, env=env, stderr=subprocess.PIPE, text=True)
    try:
        assert kiosk.stderr is not None
        lines: list[str] = []
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not any("IP-Stack UDP" in line for line in lines):
            lines.append(kiosk.stderr.readline())
        assert any("IP-Stack UDP" in line for line in lines), lines
        time.sleep(0.3)
        kiosk.send_signal(stop_signal)
        _, rest = kiosk.communicate(timeout=10)
    finally:
        if kiosk.poll() is None:
            kiosk.kill()
            kiosk.wait(5)
    assert kiosk.returncode == 0, rest
    assert "Traceback" not in rest
    assert "source nfc did not stop" not in rest
