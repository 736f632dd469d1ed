"""Publishing a bundle: hash every file of a config folder and its media, upload those the
destination lacks, then sign and write the manifest naming them.

Why this order: a file is uploaded under its hash before any manifest names it, and the
manifest is written last, so a table syncing at any moment sees the old version or the new one
whole. Why validate first: hundreds of tables would each refuse a broken config; refusing it
here keeps them on the last good one without a round trip.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import sys
import tempfile
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.fleet.destinations import Destination, PublishError, content_type
from kiosk.fleet.manifest import (
    FILES_DIR,
    MANIFEST_NAME,
    MAX_FILES,
    MAX_MANIFEST_BYTES,
    STORES_DIR,
    FileEntry,
    Manifest,
    ManifestError,
    canonical,
    sign,
    verify,
)

__all__ = ["PublishError", "PublishResult", "load_signing_key", "manifest_key", "publish"]

STORE_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
"""Like ``store.id`` in ``store.yaml``: it names a folder at the destination."""
SKIPPED_NAMES = frozenset({"__pycache__"})
HASH_CHUNK = 1024 * 1024
IN_MEMORY = 32 * 1024 * 1024
"""Files up to this size are read once, checked against their hash and uploaded from memory."""
WORKERS = 8
"""Lookups and uploads at once: a remote bucket answers each in tens of milliseconds."""
REPORT_LINES = 20


@dataclass(frozen=True)
class PublishResult:
    version: str
    manifest_key: str
    files_total: int
    files_uploaded: int
    bytes_uploaded: int
    skipped: tuple[str, ...] = ()
    """Links leading out of their folder, left out of the bundle."""


@dataclass(frozen=True)
class _Source:
    path: Path
    sha256: str
    size: int
    mtime_ns: int


def manifest_key(store: str | None) -> str:
    """Where the manifest of the base bundle (None) or of a store's overrides lives."""
    return MANIFEST_NAME if store is None else f"{STORES_DIR}/{store}/{MANIFEST_NAME}"


def publish(config_dir: Path, media_dir: Path | None, destination: Destination,
            key: Ed25519PrivateKey, *, store: str | None = None,
            activate_at: dt.datetime | None = None, now: dt.datetime | None = None,
            progress: bool = False, index_dir: Path | None = None) -> PublishResult:
    """Publish ``config_dir`` (and ``media_dir``) as the base bundle, or as the overrides of
    ``store``; PublishError says why nothing (or, on a failed upload, no manifest) was
    written."""
    if store is not None and not STORE_ID.fullmatch(store):
        raise PublishError(f"store {store!r}: lower-case letters, digits and dashes, like "
                           "store.id in store.yaml")
    now = _aware(now or dt.datetime.now(dt.timezone.utc), "now")
    if activate_at is not None:
        activate_at = _aware(activate_at, "activate_at")
    roots = {"config": config_dir, **({"media": media_dir} if media_dir is not None else {})}
    for folder in roots.values():
        if not folder.is_dir():
            raise PublishError(f"{folder}: no such folder")
    paths, skipped = list_files(roots)
    if store is None:
        validate_config(config_dir, media_dir, index_dir)
    else:
        check_yaml(path for name, path in paths.items() if name.startswith("config/"))
        _check_base(destination, key)
    sources = {name: _hashed(path) for name, path in paths.items()}
    files = {name: FileEntry(source.sha256, source.size) for name, source in sources.items()}
    listing = {name: {"sha256": entry.sha256, "size": entry.size}
               for name, entry in files.items()}
    version = (f"{now.astimezone(dt.timezone.utc):%Y%m%dT%H%M%SZ}-"
               f"{hashlib.sha256(canonical(listing)).hexdigest()[:8]}")
    uploaded, sent = _upload_missing(destination, sources, progress)
    manifest = Manifest(
        version=version, created_at=now, files=files, activate_at=activate_at, store=store,
        base=None if store is None else f"../../{MANIFEST_NAME}",
        files_url=f"{FILES_DIR}/" if store is None else f"../../{FILES_DIR}/")
    document = sign(manifest, key)
    if len(document) > MAX_MANIFEST_BYTES:
        raise PublishError(f"the manifest would be {len(document):,} bytes: tables refuse more "
                           f"than {MAX_MANIFEST_BYTES:,}")
    where = manifest_key(store)
    destination.put(where, document, "application/json")
    return PublishResult(version, where, len(files), uploaded, sent, tuple(skipped))


def load_signing_key(environ: Mapping[str, str], var: str) -> Ed25519PrivateKey:
    """The chain's private key, held by ``var`` as PEM (PKCS#8, unencrypted). Messages name
    the variable, never its value."""
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    text = environ.get(var, "").strip()
    if not text:
        raise PublishError(f"{var} is not set: it must hold the chain's Ed25519 private key "
                           "(PEM, PKCS#8)")
    if "\n" not in text and "\\n" in text:  # a CI secret pasted as one line
        text = text.replace("\\n", "\n")
    if "-----BEGIN" not in text:
        raise PublishError(f"{var} does not hold a PEM private key (-----BEGIN PRIVATE KEY-----)")
    try:
        private = load_pem_private_key(text.encode(), password=None)
    except TypeError:
        raise PublishError(f"{var} holds an encrypted key: give it unencrypted (PKCS#8)") from None
    except (ValueError, UnsupportedAlgorithm):
        raise PublishError(f"{var} does not hold a readable PEM private key") from None
    if not isinstance(private, Ed25519PrivateKey):
        raise PublishError(f"{var} holds a {type(private).__name__.lstrip('_')} key, not an "
                           "Ed25519 one")
    return private


def list_files(roots: Mapping[str, Path]) -> tuple[dict[str, Path], list[str]]:
    """Every file under each root, by its bundle path (``config/…``, ``media/…``), and the
    links left out because they lead out of their root (or round in a loop). Hidden files and
    folders (``.DS_Store``, ``.git``) and ``__pycache__`` are never published."""
    files: dict[str, Path] = {}
    skipped: list[str] = []
    for prefix, root in roots.items():
        top = root.resolve()
        _walk(root, PurePosixPath(prefix), top, frozenset({top}), files, skipped)
    if len(files) > MAX_FILES:
        raise PublishError(f"{len(files):,} files: tables accept at most {MAX_FILES:,}")
    return dict(sorted(files.items())), skipped


def _walk(folder: Path, relative: PurePosixPath, top: Path, seen: frozenset[Path],
          files: dict[str, Path], skipped: list[str]) -> None:
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError as exc:
        raise PublishError(f"cannot read {folder}: {exc.strerror or exc}") from None
    for entry in entries:
        if entry.name.startswith(".") or entry.name in SKIPPED_NAMES:
            continue
        path, name = Path(entry.path), relative / entry.name
        _check_name(str(name), path)
        real = path.resolve()
        if entry.is_symlink() and not real.is_relative_to(top):
            skipped.append(str(name))
        elif entry.is_dir():
            if real in seen:
                skipped.append(str(name))
            else:
                _walk(path, name, top, seen | {real}, files, skipped)
        elif entry.is_file():
            files[str(name)] = path


def _check_name(name: str, path: Path) -> None:
    """A name a manifest can hold: the tables refuse a whole manifest over one bad path."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        raise PublishError(f"{path}: the name is not UTF-8; rename it") from None
    if "\\" in name or any(ord(char) < 32 for char in name):
        raise PublishError(f"{path}: a name with a backslash or a control character cannot "
                           "be published; rename it")


def validate_config(config_dir: Path, media_dir: Path | None,
                    index_dir: Path | None = None) -> None:
    """What ``kiosk validate`` checks. ``index_dir``: where the compiled catalog is kept
    between publications (``--data``), so a catalog file already checked is not checked
    again; a throw-away folder without it."""
    from kiosk.config import ConfigInvalid, load_config

    with tempfile.TemporaryDirectory(prefix="kiosk-publish-") as scratch:
        try:
            load_config(config_dir, media_dir, data_dir=index_dir or Path(scratch))
        except ConfigInvalid as invalid:
            lines = invalid.report().splitlines()
            more = len(lines) - REPORT_LINES
            shown = lines[:REPORT_LINES] + ([f"… {more} more lines: kiosk validate --config "
                                             f"{config_dir} lists them all"] if more > 0 else [])
            raise PublishError(f"{config_dir} is not a valid config; nothing was published:\n"
                               + "\n".join(shown)) from None


def check_yaml(paths: Iterable[Path]) -> None:
    """Each YAML file of a store's overrides reads: the tables check the merged config, but a
    file that does not even parse is refused here."""
    import yaml

    for path in paths:
        if path.suffix not in (".yaml", ".yml"):
            continue
        try:
            with path.open("rb") as stream:
                yaml.safe_load(stream)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = f" line {mark.line + 1}" if mark is not None else ""
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            raise PublishError(f"{path}{line}: not valid YAML ({problem}); nothing was "
                               "published") from None
        except OSError as exc:
            raise PublishError(f"cannot read {path}: {exc.strerror or exc}") from None


def _check_base(destination: Destination, key: Ed25519PrivateKey) -> None:
    """A store's overrides need a base bundle, signed by the same key, for tables to merge."""
    data = destination.get(MANIFEST_NAME)
    if data is None:
        raise PublishError(f"no base bundle at {destination.describe()} yet: publish the "
                           "chain's config there (without --store) first")
    try:
        verify(data, key.public_key())
    except ManifestError as exc:
        raise PublishError(f"the base bundle at {destination.describe()} cannot be used with "
                           f"this key ({exc}): publish the base with it first") from None


def _hashed(path: Path) -> _Source:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as stream:
            status = os.fstat(stream.fileno())
            while chunk := stream.read(HASH_CHUNK):
                digest.update(chunk)
    except OSError as exc:
        raise PublishError(f"cannot read {path}: {exc.strerror or exc}") from None
    return _Source(path, digest.hexdigest(), status.st_size, status.st_mtime_ns)


def _upload_missing(destination: Destination, sources: Mapping[str, _Source],
                    progress: bool) -> tuple[int, int]:
    """Upload each content the destination lacks, once; how many files and bytes went."""
    from tqdm import tqdm

    unique = {source.sha256: source for source in sources.values()}
    with ThreadPoolExecutor(WORKERS, thread_name_prefix="publish") as pool:
        present = dict(zip(unique, pool.map(lambda sha: destination.exists(_file_key(sha)),
                                            unique), strict=True))
        missing = [source for sha, source in unique.items() if not present[sha]]
        total = sum(source.size for source in missing)
        with tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024, desc="uploading",
                  file=sys.stderr, disable=not (progress and sys.stderr.isatty())) as bar:
            pending = [pool.submit(_upload, destination, source) for source in missing]
            try:
                for done in as_completed(pending):
                    bar.update(done.result())
            except BaseException:
                for future in pending:
                    future.cancel()
                raise
    return len(missing), total


def _upload(destination: Destination, source: _Source) -> int:
    """Upload one file, refusing one that changed since it was hashed: its content would sit
    under another content's name."""
    changed = PublishError(f"{source.path} changed while publishing: publish again once it "
                           "stops changing")
    name = source.path.name
    if source.size <= IN_MEMORY:
        try:
            data = source.path.read_bytes()
        except OSError as exc:
            raise PublishError(f"cannot read {source.path}: {exc.strerror or exc}") from None
        if hashlib.sha256(data).hexdigest() != source.sha256:
            raise changed
        destination.put(_file_key(source.sha256), data, content_type(name))
        return source.size
    destination.put(_file_key(source.sha256), source.path, content_type(name))
    try:
        status = source.path.stat()
    except OSError:
        raise changed from None
    if (status.st_size, status.st_mtime_ns) != (source.size, source.mtime_ns):
        raise PublishError(f"{source.path} changed while it was uploaded: remove "
                           f"{_file_key(source.sha256)} from {destination.describe()} and "
                           "publish again")
    return source.size


def _file_key(sha256: str) -> str:
    return f"{FILES_DIR}/{sha256}"


def _aware(moment: dt.datetime, name: str) -> dt.datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise PublishError(f"{name} {moment.isoformat()} has no time zone: add one (Z, +01:00)")
    return moment
