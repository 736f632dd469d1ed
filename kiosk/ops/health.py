"""The running kiosk's health: a status file for ``kiosk status``, systemd's watchdog, and a
watchdog of its own that ends a hung kiosk so the service manager starts it again.

A thread wakes every second: it writes ``DATA/status.json`` (atomically), tells systemd the
kiosk is alive only while frames are being drawn, and exits the process with code 70 when no
frame came for ``hang_s`` seconds (a frame loop stuck in a driver or a deadlock).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.ops.logs import drain_logs
from kiosk.ops.process import identity

log = logging.getLogger(__name__)

STATUS_FILE = "status.json"
HANG_S = 15.0
STARTUP_GRACE_S = 60.0
HUNG_EXIT = 70  # EX_SOFTWARE: systemd's Restart=always starts the kiosk again
INTERVAL_S = 1.0


def sd_notify(message: str, environ: dict[str, str] | None = None) -> bool:
    """Send ``message`` to systemd (``READY=1``, ``WATCHDOG=1``); False outside systemd."""
    address = (environ if environ is not None else os.environ).get("NOTIFY_SOCKET")
    if not address:
        return False
    if address.startswith("@"):
        address = "\0" + address[1:]
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            sock.connect(address)
            sock.sendall(message.encode())
        return True
    except OSError as exc:
        log.debug("sd_notify failed: %s", exc)
        return False


FRAME_BUDGET_S = 1 / 60
"""One frame of a 60 Hz screen: a frame loop iteration longer than this drops a frame."""


@dataclass
class FrameClock:
    """What the frame loop reports: one call per frame, nothing else (no I/O)."""

    started_at: float = field(default_factory=time.time)
    frames: int = 0
    last_frame_at: float = 0.0
    over_budget: int = 0
    """Frames that took longer than ``FRAME_BUDGET_S``: each is a stutter a shopper can see."""

    def tick(self, seconds: float = 0.0) -> None:
        """A frame was drawn in ``seconds``."""
        self.frames += 1
        self.last_frame_at = time.time()
        if seconds > FRAME_BUDGET_S:
            self.over_budget += 1


class HealthMonitor:
    """Writes the status file, feeds systemd's watchdog and ends a hung kiosk."""

    def __init__(self, data_dir: Path, frames: FrameClock, facts: Callable[[], dict[str, Any]],
                 *, hang_s: float = HANG_S, exit_process: Callable[[int], None] = os._exit,
                 notify: Callable[[str], bool] = sd_notify) -> None:
        self._path = data_dir / STATUS_FILE
        self._frames = frames
        self._facts = facts
        self._hang_s = hang_s
        self._exit = exit_process
        self._notify = notify
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._ready = False
        self._last_count = 0
        self._last_check = time.time()
        self._write_problem: str | None = None
        self._process = identity()

    def start(self) -> None:
        """Check every second from now on."""
        if self._thread is None:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            self._thread = threading.Thread(target=self._run, name="health", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 3.0) -> None:
        """Stop checking (the kiosk is closing on purpose), and say so in the status file,
        so ``kiosk status`` reports a clean stop at once rather than a kiosk gone quiet."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        now = time.time()
        self._write({"pid": os.getpid(), "process": self._process, "written_at": now,
                     "started_at": self._frames.started_at, "stopped_at": now,
                     "uptime_s": round(now - self._frames.started_at, 1),
                     "frames": self._frames.frames, "over_budget": self._frames.over_budget,
                     "fps": 0.0, "state": "stopped"})
        self._notify("STOPPING=1")

    def check(self) -> dict[str, Any]:
        """One round: the status written, systemd told, a hang acted upon. Returns the status."""
        now = time.time()
        frames = self._frames
        elapsed = max(now - self._last_check, 1e-6)
        fps = (frames.frames - self._last_count) / elapsed
        self._last_count, self._last_check = frames.frames, now
        age = now - frames.last_frame_at if frames.frames else now - frames.started_at
        hung = age > (self._hang_s if frames.frames else max(self._hang_s, STARTUP_GRACE_S))
        status = {"pid": os.getpid(), "process": self._process, "written_at": now,
                  "started_at": frames.started_at,
                  "uptime_s": round(now - frames.started_at, 1), "frames": frames.frames,
                  "over_budget": frames.over_budget,
                  "fps": round(fps, 1), "last_frame_age_s": round(age, 2),
                  "state": "hung" if hung else ("running" if frames.frames else "starting")}
        try:
            status.update(self._facts())
        except Exception as exc:  # facts come from live objects: never let them stop us
            status["facts_error"] = type(exc).__name__
        self._write(status)
        if frames.frames and not hung:
            if not self._ready:
                self._notify("READY=1")
                self._ready = True
            self._notify("WATCHDOG=1")
        if hung:
            log.critical("no frame drawn for %.0f s: ending the kiosk so it is restarted", age)
            drain_logs()  # the line above is worth having in the journal
            self._exit(HUNG_EXIT)
        return status

    def _run(self) -> None:
        while not self._stop.wait(INTERVAL_S):
            self.check()

    def _write(self, status: dict[str, Any]) -> None:
        """Replace the status file; a disk that refuses is a state, said once when it starts
        (in the log and to systemd, whose ``systemctl status`` shows it) and once when it ends."""
        temporary = self._path.with_suffix(".tmp")
        try:
            temporary.write_text(json.dumps(status, ensure_ascii=False), encoding="utf-8")
            os.replace(temporary, self._path)
        except OSError as exc:
            problem = f"cannot write {self._path.name}: {exc.strerror or exc}"
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)
            if problem != self._write_problem:
                log.error("%s; the kiosk goes on, and kiosk status cannot see it", problem)
                self._notify(f"STATUS={problem}")
            self._write_problem = problem
            return
        if self._write_problem is not None:
            log.warning("%s can be written again", self._path.name)
            self._notify(f"STATUS=kiosk {status.get('state')}")
            self._write_problem = None


class StatusUnreadable(Exception):
    """The status file is there but is not one the kiosk wrote (truncated, edited, damaged)."""


def read_status(data_dir: Path) -> dict[str, Any] | None:
    """The last status the kiosk wrote; None when there is none; StatusUnreadable when it
    cannot be read as one."""
    path = data_dir / STATUS_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise StatusUnreadable(f"{path}: cannot be read ({exc})") from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise StatusUnreadable(f"{path}: not JSON, truncated or damaged ({exc})") from None
    if not isinstance(data, dict):
        raise StatusUnreadable(f"{path}: not a status object")
    wrong = [f"{key} should be {kind.__name__ if isinstance(kind, type) else 'a number'}"
             for key, kind in STATUS_TYPES.items()
             if key in data and (not isinstance(data[key], kind) or isinstance(data[key], bool))]
    if any(not isinstance(device, dict) for device in dict(data.get("devices") or {}).values()):
        wrong.append("devices should map each name to an object")
    if "written_at" not in data or "state" not in data:
        wrong.append("written_at and state are missing")
    if wrong:
        raise StatusUnreadable(f"{path}: {'; '.join(wrong)}")
    return data


STATUS_TYPES: dict[str, type | tuple[type, ...]] = {
    "pid": int, "process": str, "state": str, "written_at": (int, float),
    "started_at": (int, float), "uptime_s": (int, float), "frames": int, "fps": (int, float),
    "last_frame_age_s": (int, float), "devices": dict, "storage": dict,
    "content_loaded_at": (int, float)}
"""The fields ``kiosk status`` reads, and their JSON types."""
