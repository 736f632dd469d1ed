"""What a synced table keeps on its own disk: the chain's files by hash, the versions built from
them, which one is active, and the state of the sync.

Why versions are whole folders switched by one symlink: the kiosk reads a version that is
complete or not at all. A new version is built beside the active one (its files hard links to
the verified store), then ``current`` is pointed at it with one ``rename``, so a kill -9 at any
moment leaves either the old version or the new one active, never a mix. The state file is
written the same way. Nothing here talks to the network.

Layout in the data folder::

    fleet/files/SHA256            every verified file, read-only
    fleet/versions/VERSION/       config/ and media/ of one version
    fleet/current -> versions/V   the active version
    fleet/state.json              active, last good versions, refused ones, ETags, probation
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kiosk.config.fleet import LOCAL_KEYS
from kiosk.fleet.manifest import FileEntry

log = logging.getLogger(__name__)

FLEET_DIR = "fleet"
STATE_FILE = "state.json"
STORE_FILE = "config/store.yaml"
FILES_LIST = "files.json"
"""In each version's folder: the hashes of the chain's files it was built from."""
MERGED_NOTE = ("# Written by the kiosk from the chain's bundle and this table's own store.yaml\n"
               "# (its {keys}). Edit those, not this file.\n")


@dataclass
class FleetState:
    """The sync's memory between rounds and restarts."""

    active: str | None = None
    good: list[str] = field(default_factory=list)
    """Versions that ran well, newest first (the active one included)."""
    bad: dict[str, str] = field(default_factory=dict)
    """Versions refused (invalid, or rolled back), with why: never tried again."""
    previous: str | None = None
    target: str | None = None
    ready: str | None = None
    activate_at: str | None = None
    switched_at: float | None = None
    probation_until: float | None = None
    boots_on_probation: int = 0
    etags: dict[str, str] = field(default_factory=dict)
    clock_offset: float | None = None
    last_round_at: float | None = None
    last_error: str | None = None


class LocalStore:
    """The table's copy of the chain's content in ``DATA/fleet``."""

    def __init__(self, data_dir: Path) -> None:
        self.root = Path(data_dir) / FLEET_DIR
        self.files = self.root / "files"
        self.versions = self.root / "versions"
        self.manifests = self.root / "manifests"
        self.current = self.root / "current"

    # -- state -----------------------------------------------------------------------------

    def load_state(self) -> FleetState:
        """The saved state; a missing or damaged file is a fresh state (the versions on disk
        and the ``current`` link stay the truth of what is active)."""
        path = self.root / STATE_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            known = set(FleetState.__dataclass_fields__)
            state = FleetState(**{key: value for key, value in data.items() if key in known})
        except (OSError, ValueError, TypeError):
            state = FleetState()
        active = self.active_version()
        if active != state.active:
            state.active = active
        return state

    def save_state(self, state: FleetState) -> None:
        """Write the state atomically (a kill leaves the old one or the new one)."""
        self.root.mkdir(parents=True, exist_ok=True)
        _write_atomically(self.root / STATE_FILE,
                          json.dumps(asdict(state), indent=1, sort_keys=True).encode())

    # -- files -----------------------------------------------------------------------------

    def has_file(self, sha256: str) -> bool:
        return (self.files / sha256).is_file()

    def temp_file(self) -> tuple[int, Path]:
        """A temporary file beside the store, for a download (same disk: renamed in)."""
        self.files.mkdir(parents=True, exist_ok=True)
        descriptor, name = tempfile.mkstemp(dir=self.files, prefix=".part-")
        return descriptor, Path(name)

    def add_file(self, sha256: str, temp: Path) -> None:
        """A downloaded and verified file joins the store, read-only."""
        temp.chmod(0o444)
        os.replace(temp, self.files / sha256)

    def drop_partial(self) -> None:
        """Downloads a killed process left half-done."""
        for leftover in self.files.glob(".part-*") if self.files.is_dir() else ():
            with contextlib.suppress(OSError):
                leftover.unlink()

    # -- versions --------------------------------------------------------------------------

    def version_dir(self, version: str) -> Path:
        return self.versions / version

    def active_version(self) -> str | None:
        """The version ``current`` points at (None before the first switch)."""
        try:
            target = os.readlink(self.current)
        except OSError:
            return None
        name = Path(target).name
        return name if (self.versions / name / "config").is_dir() else None

    def stage(self, version: str, files: Mapping[str, FileEntry], local_store: Path) -> Path:
        """Build the folder of ``version`` from the store (every file must be there) and the
        table's own ``store.yaml``; returns it. Built under a temporary name and renamed, so
        a half-built version is never seen."""
        final = self.version_dir(version)
        if (final / "config").is_dir():
            return final
        self.versions.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=self.versions, prefix=".staging-"))
        try:
            for path, entry in files.items():
                if path == STORE_FILE:
                    continue
                target = staging / path
                target.parent.mkdir(parents=True, exist_ok=True)
                _link_or_copy(self.files / entry.sha256, target)
            merged = merged_store_yaml(
                (self.files / files[STORE_FILE].sha256) if STORE_FILE in files else None,
                local_store)
            (staging / "config").mkdir(parents=True, exist_ok=True)
            (staging / "media").mkdir(parents=True, exist_ok=True)
            (staging / STORE_FILE).write_text(merged, encoding="utf-8")
            (staging / FILES_LIST).write_text(json.dumps(sorted({
                entry.sha256 for entry in files.values()})), encoding="utf-8")
            _fsync_tree(staging)
            os.replace(staging, final)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return final

    def activate(self, version: str) -> None:
        """Point ``current`` at ``version`` with one rename."""
        link = self.root / f".current-{os.getpid()}"
        with contextlib.suppress(FileNotFoundError):
            link.unlink()
        os.symlink(Path("versions") / version, link)
        os.replace(link, self.current)
        _fsync_dir(self.root)

    def prune(self, keep: list[str]) -> None:
        """Delete versions not in ``keep`` (nor active), then files no kept version uses."""
        keep_set = set(keep) | {v for v in (self.active_version(),) if v}
        for folder in self.versions.iterdir() if self.versions.is_dir() else ():
            if folder.name not in keep_set:
                shutil.rmtree(folder, ignore_errors=True)
        used: set[str] = set()
        for version in keep_set:
            try:
                used.update(json.loads((self.version_dir(version) / FILES_LIST).read_text()))
            except (OSError, ValueError):
                return  # a version whose list cannot be read: keep every file
        for stored in self.files.iterdir() if self.files.is_dir() else ():
            if stored.name not in used and not stored.name.startswith("."):
                with contextlib.suppress(OSError):
                    stored.unlink()


def roll_back(store: LocalStore, state: FleetState, reason: str) -> bool:
    """Go back to the last good version before the active one; the active one is refused
    for good. False when there is none to go back to."""
    previous = next((v for v in state.good[1:] if (store.version_dir(v) / "config").is_dir()),
                    None)
    if state.active is None or previous is None:
        return False
    log.error("sync: version %s rolled back to %s: %s", state.active, previous, reason)
    state.bad[state.active] = reason
    store.activate(previous)
    state.good = [v for v in state.good if v != state.active]
    state.active, state.previous, state.probation_until = previous, None, None
    store.save_state(state)
    return True


def note_boot(data_dir: Path, now: float, limit: int = 3) -> bool:
    """A kiosk start: during the probation after a switch, the ``limit``-th start in a row
    rolls back (a version that makes the kiosk crash and restart). True when it did."""
    store = LocalStore(data_dir)
    state = store.load_state()
    if state.probation_until is None or now >= state.probation_until:
        return False
    state.boots_on_probation += 1
    store.save_state(state)
    if state.boots_on_probation >= limit:
        return roll_back(store, state, f"the kiosk restarted {limit} times after the switch")
    return False


def merged_store_yaml(bundle_store: Path | None, local_store: Path) -> str:
    """The bundle's ``store.yaml`` with the table's own keys (``LOCAL_KEYS``) put over it;
    the ``store`` mapping is merged key by key (the chain may give its currency and country,
    the table its id and name)."""
    bundle: dict[str, Any] = _mapping(bundle_store) if bundle_store else {}
    local = _mapping(local_store)
    merged = dict(bundle)
    for key in LOCAL_KEYS:
        if key not in local:
            continue
        if isinstance(local[key], dict) and isinstance(bundle.get(key), dict) and key == "store":
            merged[key] = {**bundle[key], **local[key]}
        else:
            merged[key] = local[key]
    note = MERGED_NOTE.format(keys=", ".join(key for key in LOCAL_KEYS if key in local))
    return note + yaml.safe_dump(merged, allow_unicode=True, sort_keys=False)


def _mapping(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"{path} cannot be read ({exc})") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path} holds no keys")
    return data


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _fsync_tree(root: Path) -> None:
    for folder, _, _ in os.walk(root):
        _fsync_dir(Path(folder))


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _write_atomically(path: Path, data: bytes) -> None:
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, path)
    _fsync_dir(path.parent)
