"""``kiosk sync --once``: one round of the table's sync with the chain — look at the manifest,
fetch what is missing, check and build the new version, switch to it — then say where the
table stands."""

from __future__ import annotations

import argparse
import json
import sys

from kiosk.commands.common import EXIT_FAILED, EXIT_INVALID, EXIT_OK, Subparsers


def register(commands: Subparsers, common: argparse.ArgumentParser) -> None:
    """Add the command to the ``kiosk`` parser."""
    parser = commands.add_parser("sync", parents=[common],
                                 help="sync the chain's content once (fleet.sync in store.yaml)")
    parser.add_argument("--once", action="store_true", required=True,
                        help="one round, then exit (the running kiosk syncs by itself)")
    parser.add_argument("--json", action="store_true", help="one JSON object")
    parser.set_defaults(handler=run, needs_config=False)


def run(args: argparse.Namespace, config: object) -> int:
    """Exit 0 when the active version is the chain's latest and the round went well, 1
    otherwise (a refused manifest or file, the server down), 2 without ``fleet.sync``."""
    from kiosk.fleet.content import sync_settings
    from kiosk.fleet.sync import SyncClient, in_process_validator

    found = sync_settings(args.config)
    if found is None:
        print(f"kiosk sync: {args.config / 'store.yaml'} has no valid fleet.sync "
              "(url, public_key)", file=sys.stderr)
        return EXIT_INVALID
    settings, store_id = found
    args.data.mkdir(parents=True, exist_ok=True)
    client = SyncClient(settings, store_id, args.data, args.config / "store.yaml",
                        in_process_validator(args.data))
    result = client.round()
    client.switch()
    active, target = client.state.active, client.state.target
    record = {"active": active, "target": target, "files": result.files,
              "bytes": result.bytes, "error": client.state.last_error}
    if args.json:
        print(json.dumps(record))
    else:
        print(f"active {active or 'none (the table’s own config)'}, target {target or 'unknown'}"
              f"; fetched {result.files} files, {result.bytes:,} bytes")
        if client.state.last_error:
            print(f"problem: {client.state.last_error}", file=sys.stderr)
    fine = active is not None and active == target and client.state.last_error is None
    return EXIT_OK if fine else EXIT_FAILED
