"""``kiosk publish``: sign the config folder and its media as a bundle and upload it to where
the chain's tables sync from (a folder or an S3 bucket); with ``--store``, a store's
overrides of the chain's bundle."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import sys
from pathlib import Path

from kiosk.commands.common import EXIT_FAILED, EXIT_INVALID, EXIT_OK, Subparsers
from kiosk.config import KioskConfig


def register(commands: Subparsers, common: argparse.ArgumentParser) -> None:
    """Add the command to the ``kiosk`` parser."""
    parser = commands.add_parser(
        "publish", parents=[common],
        help="sign the config and media as a bundle and upload it for the chain's tables",
        description="Publish --config (and its media) as the chain's signed bundle; with "
                    "--store, --config holds only the files that store overrides.")
    parser.add_argument("--to", required=True, metavar="DEST",
                        help="file:///absolute/folder or s3://bucket/prefix (S3 settings from "
                             "the AWS_* variables: AWS_ENDPOINT_URL for MinIO or R2)")
    parser.add_argument("--store", type=store_id, metavar="ID",
                        help="publish a store's overrides (stores/ID/manifest.json)")
    parser.add_argument("--key-env", required=True, metavar="VAR",
                        help="the environment variable holding the Ed25519 private key (PEM)")
    parser.add_argument("--activate-at", type=moment, metavar="ISO8601",
                        help="when tables switch to this version, with its time zone "
                             "(2026-03-01T06:00:00+01:00); at once without it")
    parser.add_argument("--media", type=Path, metavar="DIR",
                        help="media folder (default: media/ beside the config folder, if any)")
    parser.add_argument("--json", action="store_true", help="print the result as one JSON "
                                                            "object")
    parser.set_defaults(handler=run, needs_config=False)


def store_id(text: str) -> str:
    """``--store``, for argparse: a store id as ``store.yaml`` writes it."""
    from kiosk.fleet.publish import STORE_ID

    if not STORE_ID.fullmatch(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a store id (lower-case letters, "
                                         "digits and dashes, like store.id in store.yaml)")
    return text


def moment(text: str) -> dt.datetime:
    """``--activate-at``, for argparse: an ISO 8601 time with its zone (tables are in several
    zones: a time without one would mean a different moment to each)."""
    try:
        value = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a time like "
                                         "2026-03-01T06:00:00+01:00") from None
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text!r} has no time zone: add Z or +01:00")
    return value


def run(args: argparse.Namespace, config: KioskConfig | None) -> int:
    """Publish, then print the version and what was uploaded; 1 with the reason on failure,
    2 for a folder or destination that cannot be right."""
    from kiosk.fleet.destinations import destination_for
    from kiosk.fleet.publish import PublishError, load_signing_key, publish

    config_dir: Path = args.config
    media_dir: Path | None = args.media
    if not config_dir.is_dir():
        return _invalid(f"config folder {config_dir} not found (--config)")
    if media_dir is None and (config_dir.parent / "media").is_dir():
        media_dir = config_dir.parent / "media"
    elif media_dir is not None and not media_dir.is_dir():
        return _invalid(f"media folder {media_dir} not found (--media)")
    try:
        destination = destination_for(args.to)
    except PublishError as error:
        return _invalid(str(error))
    try:
        key = load_signing_key(os.environ, args.key_env)
        result = publish(config_dir, media_dir, destination, key, store=args.store,
                         activate_at=args.activate_at, progress=not args.json,
                         index_dir=_index_dir(getattr(args, "data", None)))
    except PublishError as error:
        print(f"kiosk publish: {error}", file=sys.stderr)
        return EXIT_FAILED
    for name in result.skipped:
        print(f"warning: {name} left out: a link leading out of its folder", file=sys.stderr)
    where = f"{destination.describe().rstrip('/')}/{result.manifest_key}"
    if args.json:
        print(json.dumps({
            "version": result.version, "manifest": where, "store": args.store,
            "activate_at": args.activate_at.isoformat() if args.activate_at else None,
            "files_total": result.files_total, "files_uploaded": result.files_uploaded,
            "bytes_uploaded": result.bytes_uploaded, "skipped": list(result.skipped),
        }, ensure_ascii=False))
        return EXIT_OK
    when = f", active from {args.activate_at.isoformat()}" if args.activate_at else ""
    print(f"published {result.version} to {where}{when}")
    print(f"{result.files_total} file{'s' if result.files_total != 1 else ''}, "
          f"{result.files_uploaded} uploaded ({_size(result.bytes_uploaded)}), "
          f"{result.files_total - result.files_uploaded} already there")
    return EXIT_OK


def _invalid(message: str) -> int:
    print(f"kiosk publish: {message}", file=sys.stderr)
    return EXIT_INVALID


def _size(count: int) -> str:
    if count < 1024:
        return f"{count:,} bytes"
    exponent = min(int(math.log(count, 1024)), 4)
    return f"{count / 1024 ** exponent:,.1f} {('KB', 'MB', 'GB', 'TB')[exponent - 1]}"


def _index_dir(data_dir: Path | None) -> Path | None:
    """``--data``, where the compiled catalog is kept between publications (None, a
    throw-away one, when it cannot be made)."""
    if data_dir is None:
        return None
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return data_dir
