"""``kiosk outbox``: what waits to be sent, with addresses masked, and delivery on demand."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import TextIO

from kiosk.commands.common import Subparsers
from kiosk.config import KioskConfig
from kiosk.handoff.outbox.senders import senders_from_config
from kiosk.handoff.outbox.store import Message, Outbox, mask
from kiosk.handoff.outbox.worker import OutboxWorker
from kiosk.handoff.service import OUTBOX_FILE


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
    messages are still waiting afterwards, 0 otherwise."""
    outbox = Outbox(data_dir / OUTBOX_FILE)
    try:
        if flush:
            delivered = OutboxWorker(outbox, senders_from_config(config.store.handoff)).flush()
            if not as_json:
                out.write(f"delivered {delivered} message(s)\n")
        messages = outbox.messages()
        for message in messages:
            out.write((json.dumps(_record(message), ensure_ascii=False) if as_json
                       else _line(message)) + "\n")
        waiting = sum(message.state == "queued" for message in messages)
        if not as_json:
            out.write(f"{len(messages)} message(s), {waiting} waiting\n")
        return 1 if waiting else 0
    finally:
        outbox.close()


def _record(message: Message) -> dict[str, object]:
    return {"id": message.id, "channel": message.channel, "to": mask(message.recipient),
            "state": message.state, "attempts": message.attempts, "url": message.url,
            "created": _when(message.created_at), "next_try": _when(message.next_try_at),
            "error": message.last_error}


def _line(message: Message) -> str:
    record = _record(message)
    error = f"  ({record['error']})" if record["error"] else ""
    return (f"{record['created']}  {message.channel:5}  {record['to']:22}  {message.state:7}  "
            f"{message.attempts} attempt(s)  {message.url}{error}")


def _when(moment: float) -> str:
    return dt.datetime.fromtimestamp(moment).isoformat(timespec="seconds")
