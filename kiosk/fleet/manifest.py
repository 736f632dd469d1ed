"""The bundle a chain publishes to its tables: a signed ``manifest.json`` naming every file of
a config folder and its media by SHA-256, and the files themselves, stored under that hash.

Why content addressing: a table downloads only the files it lacks, a file is checked against
its name before use, and two versions share the files they have in common. Why Ed25519 over a
canonical JSON: any server or CDN may serve the bundle; only the chain's key makes a manifest
a table accepts. cryptography is imported where a key is read or a signature checked: every
start reads the local store's files (``kiosk.fleet.local``), and needs no key for it.

Layout at the destination::

    manifest.json                  the base bundle
    stores/ID/manifest.json        a store's overrides ("base": "../../manifest.json")
    files/SHA256                   every file, named by the hash of its content
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )

FORMAT = 1
MANIFEST_NAME = "manifest.json"
FILES_DIR = "files"
STORES_DIR = "stores"
MAX_MANIFEST_BYTES = 16 * 1024 * 1024
"""A manifest larger than this is refused unread (a hypermarket's 100,000 photos make ~12 MB)."""
MAX_FILES = 500_000
ROOTS = ("config", "media")
"""A bundle holds a config folder and its media folder, nothing else."""
SHA256 = re.compile(r"[0-9a-f]{64}")
VERSION = re.compile(r"[0-9A-Za-z][0-9A-Za-z._+-]{0,127}")


class ManifestError(ValueError):
    """A manifest that must not be used: unsigned, signed by another key, malformed."""


@dataclass(frozen=True)
class FileEntry:
    sha256: str
    size: int


@dataclass(frozen=True)
class Manifest:
    """A verified manifest. ``files`` maps ``config/…`` and ``media/…`` paths to entries."""

    version: str
    created_at: dt.datetime
    files: Mapping[str, FileEntry]
    activate_at: dt.datetime | None = None
    store: str | None = None
    base: str | None = None
    """Relative URL of the base manifest this one overrides (store bundles)."""
    files_url: str = f"{FILES_DIR}/"
    """Relative URL of the files folder, from this manifest's URL."""
    extra: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The unsigned body, as written (``sign`` adds the signature)."""
        return {
            "format": FORMAT, "version": self.version,
            "created_at": _iso(self.created_at),
            "activate_at": _iso(self.activate_at) if self.activate_at else None,
            "store": self.store, "base": self.base, "files_url": self.files_url,
            "files": {path: {"sha256": entry.sha256, "size": entry.size}
                      for path, entry in sorted(self.files.items())},
            **self.extra,
        }


def canonical(body: Mapping[str, Any]) -> bytes:
    """The bytes a signature covers: keys sorted, no spaces, UTF-8."""
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sign(manifest: Manifest, key: Ed25519PrivateKey) -> bytes:
    """``manifest.json`` as published: its body and the body's signature (base64)."""
    body = manifest.to_json()
    signature = base64.b64encode(key.sign(canonical(body))).decode()
    return json.dumps({**body, "signature": signature}, indent=1, sort_keys=True,
                      ensure_ascii=False).encode()


def public_key(raw_base64: str) -> Ed25519PublicKey:
    """The raw 32-byte Ed25519 public key written in base64 (``fleet.sync.public_key``)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        raw = base64.b64decode(raw_base64, validate=True)
        return Ed25519PublicKey.from_public_bytes(raw)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("not a raw 32-byte Ed25519 public key in base64") from exc


def public_key_text(key: Ed25519PrivateKey) -> str:
    """What ``fleet.sync.public_key`` holds for the tables of this key."""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def verify(data: bytes, key: Ed25519PublicKey) -> Manifest:
    """The manifest in ``data``, once its signature checks with ``key`` and every field is
    sound; ManifestError saying why otherwise (nothing in it is used before that)."""
    if len(data) > MAX_MANIFEST_BYTES:
        raise ManifestError(f"the manifest is {len(data):,} bytes (at most "
                            f"{MAX_MANIFEST_BYTES:,})")
    try:
        document = json.loads(data)
    except ValueError as exc:
        raise ManifestError(f"the manifest is not JSON ({exc})") from None
    if not isinstance(document, dict) or not isinstance(document.get("signature"), str):
        raise ManifestError("the manifest carries no signature")
    body = {key_: value for key_, value in document.items() if key_ != "signature"}
    from cryptography.exceptions import InvalidSignature

    try:
        key.verify(base64.b64decode(document["signature"], validate=True), canonical(body))
    except (InvalidSignature, binascii.Error, ValueError):
        raise ManifestError("the manifest's signature does not match the chain's key") from None
    return _parse(body)


def _parse(body: dict[str, Any]) -> Manifest:
    if body.get("format") != FORMAT:
        raise ManifestError(f"unknown manifest format {body.get('format')!r} (this kiosk reads "
                            f"{FORMAT})")
    version = body.get("version")
    if not isinstance(version, str) or not VERSION.fullmatch(version):
        raise ManifestError(f"bad version {version!r}")
    files = body.get("files")
    if not isinstance(files, dict) or len(files) > MAX_FILES:
        raise ManifestError("the manifest's files are missing or too many")
    entries = {_path(path): _entry(path, entry) for path, entry in files.items()}
    known = {"format", "version", "created_at", "activate_at", "store", "base", "files_url",
             "files"}
    return Manifest(version=version, created_at=_time(body.get("created_at"), "created_at"),
                    files=entries,
                    activate_at=(_time(body["activate_at"], "activate_at")
                                 if body.get("activate_at") else None),
                    store=_optional_text(body.get("store"), "store"),
                    base=_optional_text(body.get("base"), "base"),
                    files_url=_optional_text(body.get("files_url"), "files_url")
                    or f"{FILES_DIR}/",
                    extra={key: value for key, value in body.items() if key not in known})


def _path(path: object) -> str:
    """A relative POSIX path under ``config/`` or ``media/``, with no way out of them."""
    if not isinstance(path, str) or "\\" in path or "\0" in path:
        raise ManifestError(f"bad file path {path!r}")
    parts = PurePosixPath(path).parts
    if (PurePosixPath(path).is_absolute() or len(parts) < 2 or parts[0] not in ROOTS
            or any(part in ("", ".", "..") for part in parts) or str(PurePosixPath(path)) != path):
        raise ManifestError(f"bad file path {path!r}: files live under config/ or media/")
    return path


def _entry(path: str, entry: object) -> FileEntry:
    if not isinstance(entry, dict):
        raise ManifestError(f"{path}: expected sha256 and size")
    sha, size = entry.get("sha256"), entry.get("size")
    if not isinstance(sha, str) or not SHA256.fullmatch(sha):
        raise ManifestError(f"{path}: bad sha256 {sha!r}")
    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        raise ManifestError(f"{path}: bad size {size!r}")
    return FileEntry(sha, size)


def _time(value: object, name: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise ManifestError(f"bad {name} {value!r}") from None
    if moment.tzinfo is None:
        raise ManifestError(f"{name} {value!r} has no time zone")
    return moment


def _optional_text(value: object, name: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value or len(value) > 2048:
        raise ManifestError(f"bad {name} {value!r}")
    return value


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
