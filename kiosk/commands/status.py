"""``kiosk status``: is the table running well? Read from the status file the kiosk rewrites
every second, so it works from an SSH session while the kiosk owns the screen."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from kiosk.commands.common import Subparsers
from kiosk.config import KioskConfig
from kiosk.ops.health import StatusUnreadable, read_status
from kiosk.ops.process import is_alive

STALE_S = 5.0


def register(commands: Subparsers, common: argparse.ArgumentParser) -> None:
    """Add the command to the ``kiosk`` parser."""
    parser = commands.add_parser("status", parents=[common],
                                 help="is the kiosk running well? (from its status file)")
    parser.add_argument("--json", action="store_true", help="the status as one JSON object")
    parser.set_defaults(handler=run, needs_config=False)


def run(args: argparse.Namespace, config: KioskConfig | None) -> int:
    """The status of the kiosk that runs with ``--data``."""
    return show_status(args.data, args.json, sys.stdout)


def show_status(data_dir: Path, as_json: bool, out: TextIO) -> int:
    """Exit 0 when the kiosk runs with every device OK, 1 otherwise (stopped, gone, hung, a
    device or a data file down, an edit refused), 2 when it never ran with this data folder or
    its status file is not one the kiosk wrote."""
    try:
        status = read_status(data_dir)
    except StatusUnreadable as exc:
        print(f"kiosk status: {exc}", file=sys.stderr)
        return 2
    if status is None:
        out.write(f"no status in {data_dir}: the kiosk has not run with --data {data_dir}\n")
        return 2
    age = time.time() - float(status["written_at"])
    problems = [_running_problem(status, age)]
    if status.get("catalog_index_problem"):
        problems.append(str(status["catalog_index_problem"]))
    devices = status.get("devices") or {}
    problems += [f"{name} is {device.get('state')}" for name, device in sorted(devices.items())
                 if device.get("state") != "ok"]
    problems += [f"{name} cannot be written: {problem}"
                 for name, problem in sorted((status.get("storage") or {}).items())]
    if status.get("content_errors"):
        problems.append(f"{status['content_errors']} content error(s): an edit not taken, or "
                        "catalog files on their last good content (kiosk validate lists them)")
    problems = [problem for problem in problems if problem]
    if as_json:
        out.write(json.dumps({**status, "age_s": round(age, 1), "ok": not problems,
                              "problems": problems}) + "\n")
    else:
        out.write(_text(status, age, problems))
    return 0 if not problems else 1


def _running_problem(status: dict[str, Any], age: float) -> str | None:
    """Why the kiosk is not running well, or None: stopped, gone, or alive but unable to
    write its status (a full or read-only disk), told apart by its process identity."""
    state = status["state"]
    if state == "stopped":
        stopped = dt.datetime.fromtimestamp(float(status.get("stopped_at", status["written_at"])))
        return f"stopped on purpose at {stopped:%Y-%m-%d %H:%M:%S}"
    if age > STALE_S:
        process = status.get("process")
        if isinstance(process, str) and is_alive(process):
            return (f"running (pid {status.get('pid')}) but its status file is {age:.0f} s old: "
                    "it cannot write it (full or read-only disk? see journalctl -u kiosk)")
        return f"not running (last seen {age:.0f} s ago)"
    return None if state == "running" else f"state {state}"


def _text(status: dict[str, Any], age: float, problems: list[str]) -> str:
    started = dt.datetime.fromtimestamp(float(status.get("started_at", 0)))
    lines = [f"kiosk {'OK' if not problems else 'NOT OK'} — pid {status.get('pid')}, "
             f"up {float(status.get('uptime_s', 0)) / 3600:.1f} h since {started:%Y-%m-%d %H:%M}",
             f"  frames: {status.get('fps')} fps, {status.get('over_budget', 0)} over "
             f"16.7 ms since the start, last frame {status.get('last_frame_age_s')} s ago, "
             f"status written {age:.1f} s ago"]
    for name, device in sorted(status.get("devices", {}).items()):
        lines.append(f"  {name}: {device.get('state')} {device.get('reason', '')}".rstrip())
    lines.append(f"  outbox: {status.get('outbox_waiting', 0)} waiting; events: "
                 f"{status.get('events_waiting', 0)} not yet written; forwarding: "
                 f"{status.get('forward_waiting', 0)} waiting")
    loaded = dt.datetime.fromtimestamp(float(status.get("content_loaded_at", 0)))
    lines.append(f"  content: {status.get('content_products', 0)} products, loaded "
                 f"{loaded:%Y-%m-%d %H:%M:%S}")
    fleet = status.get("fleet")
    if isinstance(fleet, dict):
        lines.append(f"  synced content: active {fleet.get('active') or 'none'}, target "
                     f"{fleet.get('target') or 'unknown'}"
                     + (f", clock {fleet['clock_offset']:+.0f} s off the server's"
                        if isinstance(fleet.get("clock_offset"), (int, float)) else ""))
        if fleet.get("last_error"):
            lines.append(f"  sync: {fleet['last_error']}")
    lines += [f"  problem: {problem}" for problem in problems]
    return "\n".join(lines) + "\n"
