"""``kiosk outbox``: what waits to be sent, with addresses masked, and delivery on demand."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sqlite3
import sys
from pathlib import Path
from typing import TextIO

from kiosk.commands.common import Subparsers
from kiosk.config import KioskConfig
from kiosk.handoff.outbox.store import OUTBOX_FILE, Message, Outbox, mask
from kiosk.ops.process import is_alive, pid_of


def register(commands: Subparsers, common: argparse.ArgumentParser) -> None:
    """Add the command to the ``kiosk`` parser."""
    parser = commands.add_parser("outbox", parents=[common],
                                 help="SMS and e-mails waiting to be sent (addresses masked)")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.add_argument("--flush", action="store_true", help="deliver what is due now")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, config: KioskConfig) -> int:
    """List (and with --flush, deliver) what waits in the outbox of ``--data``."""
    return show_outbox(config, args.data, args.json, args.flush, sys.stdout)


def show_outbox(config: KioskConfig, data_dir: Path, as_json: bool, flush: bool,
                out: TextIO) -> int:
    """Print the queue (newest last); with ``flush``, deliver what is due first. Exit 1 when
    messages are still waiting afterwards (or the outbox cannot be read), 0 otherwise.
    Without ``flush`` the file is opened read-only: a listing never changes it."""
    path = data_dir / OUTBOX_FILE
    if not flush and not path.is_file():
        out.write(f"no outbox in {data_dir}: nothing was ever queued there\n")
        return 0
    outbox = Outbox(path, read_only=not flush)
    try:
        if flush:
            from kiosk.handoff.outbox.senders import senders_from_config
            from kiosk.handoff.outbox.worker import OutboxWorker

            delivered = OutboxWorker(outbox, senders_from_config(config.store.handoff)).flush()
            if not as_json:
                out.write(f"delivered {delivered} message(s)\n")
        messages = outbox.messages()
    except sqlite3.Error:
        print(f"kiosk: the outbox {path} cannot be read now: {outbox.problem}",
              file=sys.stderr)
        return 1
    finally:
        outbox.close()
    for message in messages:
        out.write((json.dumps(_record(message), ensure_ascii=False) if as_json
                   else _line(message)) + "\n")
    waiting = sum(message.state == "queued" for message in messages)
    if not as_json:
        out.write(f"{len(messages)} message(s), {waiting} waiting\n")
    return 1 if waiting else 0


def _record(message: Message) -> dict[str, object]:
    return {"id": message.id, "channel": message.channel, "to": mask(message.recipient),
            "state": message.state, "attempts": message.attempts, "url": message.url,
            "created": _when(message.created_at), "next_try": _when(message.next_try_at),
            "error": message.last_error, "held_by": _holder(message)}


def _holder(message: Message) -> str | None:
    """Who is sending it now: ``pid 1234``, or that its sender is gone (taken over at once)."""
    if message.state != "queued" or not message.held_by:
        return None
    pid = pid_of(message.held_by)
    if not is_alive(message.held_by):
        return f"pid {pid}, gone: taken over by the next delivery"
    return f"pid {pid}, until {_when(message.next_try_at)}"


def _line(message: Message) -> str:
    record = _record(message)
    error = f"  ({record['error']})" if record["error"] else ""
    held = f"  [being sent by {record['held_by']}]" if record["held_by"] else ""
    return (f"{record['created']}  {message.channel:5}  {record['to']:22}  {message.state:7}  "
            f"{message.attempts} attempt(s)  {message.url}{error}{held}")


def _when(moment: float) -> str:
    return dt.datetime.fromtimestamp(moment).isoformat(timespec="seconds")
