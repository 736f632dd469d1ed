"""Which folders a command reads its content from: the table's own ``config/`` and ``media/``,
or, once ``fleet.sync`` is set and a version has been synced, the active version's.

Read before the config is loaded, so only the ``fleet`` section of the table's own
``store.yaml`` is looked at here (and checked like the rest when the config loads)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from kiosk.config.fleet import FleetConfig, SyncSettings
from kiosk.fleet.local import LocalStore, note_boot

STORE_FILE = "store.yaml"


@dataclass(frozen=True)
class Content:
    config_dir: Path
    media_dir: Path | None
    version: str | None = None
    """The synced version in use (None: the table's own folders)."""


def sync_settings(config_dir: Path) -> tuple[SyncSettings, str] | None:
    """The table's ``fleet.sync`` and its store id, when both are set and sound."""
    try:
        data = yaml.safe_load((config_dir / STORE_FILE).read_text(encoding="utf-8"))
        fleet = FleetConfig.model_validate(data.get("fleet") or {})
        store_id = data["store"]["id"]
    except (OSError, yaml.YAMLError, ValidationError, AttributeError, KeyError, TypeError):
        return None
    if fleet.sync is None or not isinstance(store_id, str):
        return None
    return fleet.sync, store_id


def content_folders(config_dir: Path, data_dir: Path, *, booting: bool = False) -> Content:
    """The active synced version's folders when the table syncs and has one; its own else.
    ``booting`` (``kiosk run``): a start during the probation after a switch is counted, and
    the third in a row goes back to the last good version first (``note_boot``).

    The folders are named through the ``current`` link, not the version's own folder: the
    config watcher then sees the link move when the sync switches, and reloads."""
    if sync_settings(config_dir) is None:
        return Content(config_dir, None)
    if booting:
        note_boot(data_dir, time.time())
    store = LocalStore(data_dir)
    version = store.active_version()
    if version is None and booting:
        version = first_sync(config_dir, data_dir)
    if version is None:
        return Content(config_dir, None)
    return Content(store.current / "config", store.current / "media", version)


def first_sync(config_dir: Path, data_dir: Path) -> str | None:
    """A table that never synced: one round before it starts (bounded by the sync's
    timeouts), so it opens on the chain's content rather than on whatever its own folder
    holds. None when it could not (it starts on its own folder and syncs in the background)."""
    from kiosk.fleet.sync import SyncClient, in_process_validator

    found = sync_settings(config_dir)
    if found is None:
        return None
    settings, store_id = found
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    client = SyncClient(settings, store_id, data_dir, config_dir / STORE_FILE,
                        in_process_validator(data_dir))
    client.round()
    client.switch()
    return client.state.active
