"""One table's sync with the chain: look at the manifest, fetch what is missing, build and check
the new version, and switch to it when the table is free.

Why every step checks before it trusts: the manifest must be signed by the chain's key, every
file must have the size and SHA-256 the manifest gives (a cut download, a CDN serving the
wrong bytes or a hostile answer are refused, the file is asked for again next round), and the
version must pass the same validation as any config before the table may switch to it. What
fails leaves the active version as it is: offline, the table shows its last good content for
ever.

A round never switches by itself: ``switch`` does, when the caller says the table is idle and
the version's ``activate_at`` (on the server's clock, from its ``Date`` header) has come.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from urllib.request import url2pathname

import requests

from kiosk.config.fleet import SyncSettings
from kiosk.fleet.local import LocalStore, roll_back
from kiosk.fleet.manifest import FileEntry, Manifest, ManifestError, public_key, verify

log = logging.getLogger(__name__)

CHUNK = 256 * 1024
Validator = Callable[[Path, Path], list[str]]
"""(config folder, media folder) -> the errors that keep the version from loading."""


class SyncFailed(Exception):
    """A round could not finish (network, server, a file that does not match); the active
    version is untouched. ``retry_after``: what the server asked for, in seconds."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class RoundResult:
    """What one round did: the versions, what was fetched, and what stands in the way."""

    active: str | None
    target: str | None
    files: int = 0
    bytes: int = 0
    ready: str | None = None
    error: str | None = None
    retry_after: float | None = None


@dataclass(frozen=True)
class _Wanted:
    version: str
    files: dict[str, FileEntry]
    sources: dict[str, str]
    """File path -> URL of the files folder it comes from."""
    activate_at: dt.datetime | None


class SyncClient:
    """The sync of one table (``data_dir``), configured by its own ``store.yaml``."""

    def __init__(self, settings: SyncSettings, store_id: str, data_dir: Path,
                 local_store: Path, validate: Validator, *,
                 session: requests.Session | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self._settings = settings
        self._url = settings.url.replace("{store_id}", store_id)
        self._key = public_key(settings.public_key)
        self._local_store = local_store
        self._validate = validate
        self._session = session or requests.Session()
        self._clock = clock
        self.store = LocalStore(data_dir)
        self.state = self.store.load_state()
        self._fetched = [0, 0]
        self.store.drop_partial()

    @property
    def url(self) -> str:
        return self._url

    def server_now(self) -> float:
        """Now on the server's clock (the local clock corrected by the last offset seen)."""
        return self._clock() + (self.state.clock_offset or 0.0)

    # -- a round ---------------------------------------------------------------------------

    def round(self) -> RoundResult:
        """Look at the manifest; fetch, build and check a new version; never switch."""
        state = self.state
        state.last_round_at = self._clock()
        try:
            wanted = self._wanted()
            if wanted.version == state.active or wanted.version in state.bad:
                state.target = wanted.version
                state.last_error = (None if wanted.version not in state.bad
                                    else f"{wanted.version} refused: {state.bad[wanted.version]}")
                return self._result()
            state.target = wanted.version
            self._fetched = [0, 0]
            files, size = self._download(wanted)
            if state.ready != wanted.version:
                self._build(wanted)
            state.last_error = None if wanted.version not in state.bad else (
                f"{wanted.version} refused: {state.bad[wanted.version]}")
            return self._result(files, size)
        except OSError as exc:  # the data folder: full, read-only, gone
            failed = SyncFailed(f"the data folder cannot hold the new version "
                                f"({exc.strerror or exc})")
            state.last_error = str(failed)
            log.warning("sync: %s; the table keeps %s", failed, state.active or "its own config")
            return self._result(*self._fetched, error=str(failed))
        except SyncFailed as failed:
            state.last_error = str(failed)
            log.warning("sync: %s; the table keeps %s", failed, state.active or "its own config")
            return self._result(*self._fetched, error=str(failed),
                                retry_after=failed.retry_after)
        finally:
            try:
                self.store.save_state(state)
            except OSError as exc:  # kept in memory; written at the next round that can
                log.warning("sync: its state cannot be written (%s)", exc.strerror or exc)

    def _result(self, files: int = 0, size: int = 0, error: str | None = None,
                retry_after: float | None = None) -> RoundResult:
        state = self.state
        return RoundResult(state.active, state.target, files, size, state.ready,
                           error or state.last_error, retry_after)

    def _wanted(self) -> _Wanted:
        """The version the chain publishes for this table: its manifest over its base's."""
        manifest = self._manifest(self._url)
        if manifest.base is None:
            return self._plan(manifest, None, self._url, None)
        base_url = urljoin(self._url, manifest.base)
        return self._plan(manifest, self._manifest(base_url), self._url, base_url)

    @staticmethod
    def _plan(manifest: Manifest, base: Manifest | None, url: str,
              base_url: str | None) -> _Wanted:
        files: dict[str, FileEntry] = {}
        sources: dict[str, str] = {}
        if base is not None and base_url is not None:
            files.update(base.files)
            sources.update(dict.fromkeys(base.files, urljoin(base_url, base.files_url)))
        files.update(manifest.files)
        sources.update(dict.fromkeys(manifest.files, urljoin(url, manifest.files_url)))
        version = manifest.version if base is None else f"{base.version}+{manifest.version}"
        moments = [m for m in (manifest.activate_at, base.activate_at if base else None) if m]
        return _Wanted(version, files, sources, max(moments) if moments else None)

    def _manifest(self, url: str) -> Manifest:
        """The verified manifest at ``url`` (the copy on disk when the server says it has not
        changed since)."""
        cached = self.store.manifests / (hashlib.sha256(url.encode()).hexdigest() + ".json")
        headers = {"Cache-Control": "no-cache"}
        etag = self.state.etags.get(url)
        if etag and cached.is_file():
            headers["If-None-Match"] = etag
        status, body, response_headers = self._get(url, headers, max_bytes=16 * 1024 * 1024)
        if status == 304 and cached.is_file():
            return verify(cached.read_bytes(), self._key)
        if status != 200:
            raise SyncFailed(f"{_shown(url)} answered {status}", _retry_after(response_headers))
        try:
            manifest = verify(body, self._key)
        except ManifestError as exc:
            raise SyncFailed(f"{_shown(url)}: {exc}") from None
        self.store.manifests.mkdir(parents=True, exist_ok=True)
        temp = cached.with_suffix(".tmp")
        temp.write_bytes(body)
        os.replace(temp, cached)
        if response_headers.get("ETag"):
            self.state.etags[url] = response_headers["ETag"]
        return manifest

    def _download(self, wanted: _Wanted) -> tuple[int, int]:
        """Fetch the files the store lacks, each checked against its size and hash."""
        missing = {entry.sha256: (entry, wanted.sources[path])
                   for path, entry in wanted.files.items() if not self.store.has_file(entry.sha256)}
        fetched = size = 0
        for sha, (entry, folder) in sorted(missing.items()):
            self._fetch_file(urljoin(folder, sha), entry)
            fetched += 1
            size += entry.size
            self._fetched = [fetched, size]  # what a round cut short still fetched
        return fetched, size

    def _fetch_file(self, url: str, entry: FileEntry) -> None:
        descriptor, temp = self.store.temp_file()
        try:
            digest = hashlib.sha256()
            written = 0
            with os.fdopen(descriptor, "wb") as handle:
                for chunk in self._stream(url, entry.size):
                    written += len(chunk)
                    digest.update(chunk)
                    handle.write(chunk)
                handle.flush()
                os.fsync(handle.fileno())
            if written != entry.size or digest.hexdigest() != entry.sha256:
                raise SyncFailed(f"{_shown(url)} does not match the manifest (size {written}, "
                                 f"expected {entry.size}); asked again next round")
            self.store.add_file(entry.sha256, temp)
        finally:
            if temp.exists():
                temp.unlink()

    def _build(self, wanted: _Wanted) -> None:
        """Build the version's folder and validate it; a version that does not validate is
        refused for good (a new publication gets a new version)."""
        try:
            folder = self.store.stage(wanted.version, wanted.files, self._local_store)
        except ValueError as exc:  # its store.yaml, or the table's own, does not read
            self.state.bad[wanted.version] = str(exc)
            raise SyncFailed(f"version {wanted.version} cannot be built ({exc})") from None
        errors = self._validate(folder / "config", folder / "media")
        if errors:
            self.state.bad[wanted.version] = "; ".join(errors[:5])
            log.error("sync: version %s does not validate, refused: %s", wanted.version,
                      "; ".join(errors[:5]))
            return
        self.state.ready = wanted.version
        self.state.activate_at = wanted.activate_at.isoformat() if wanted.activate_at else None
        log.info("sync: version %s is ready", wanted.version)

    # -- switching -------------------------------------------------------------------------

    def due(self) -> bool:
        """A ready version whose ``activate_at`` (server time) has come."""
        state = self.state
        if state.ready is None or state.ready == state.active:
            return False
        if state.activate_at is None:
            return True
        return self.server_now() >= dt.datetime.fromisoformat(state.activate_at).timestamp()

    def switch(self) -> bool:
        """Make the ready version active (the caller knows the table is idle); False when
        none is due."""
        if not self.due():
            return False
        state = self.state
        version = state.ready
        assert version is not None
        self.store.activate(version)
        state.previous, state.active, state.ready = state.active, version, None
        state.good = [version, *[v for v in state.good if v != version]][:self._settings.keep]
        state.switched_at = self._clock()
        state.probation_until = self._clock() + self._settings.probation_s
        state.boots_on_probation = 0
        self.store.save_state(state)
        self.store.prune(state.good)
        log.info("sync: switched to version %s", version)
        return True

    def rollback(self, reason: str) -> bool:
        """Go back to the last good version before the active one (see ``roll_back``)."""
        return roll_back(self.store, self.state, reason)

    def on_probation(self) -> bool:
        until = self.state.probation_until
        return until is not None and self._clock() < until

    # -- HTTP ------------------------------------------------------------------------------

    def _get(self, url: str, headers: dict[str, str], max_bytes: int
             ) -> tuple[int, bytes, dict[str, str]]:
        if urlsplit(url).scheme == "file":
            return _read_file(url, max_bytes)
        sent = self._clock()
        try:
            with self._session.get(url, headers=headers, timeout=self._settings.timeout_s,
                                   stream=True, allow_redirects=False) as response:
                self._note_clock(response.headers.get("Date"), sent)
                if response.status_code != 200:
                    _drain(response)
                    return response.status_code, b"", dict(response.headers)
                body = bytearray()
                for chunk in response.iter_content(CHUNK):
                    body += chunk
                    if len(body) > max_bytes:
                        raise SyncFailed(f"{_shown(url)} sends more than {max_bytes:,} bytes")
                return 200, bytes(body), dict(response.headers)
        except requests.RequestException as exc:
            raise SyncFailed(f"{_shown(url)} unreachable ({type(exc).__name__})") from None

    def _stream(self, url: str, size: int) -> list[bytes] | requests.Response:
        """The file's bytes, at most ``size`` + 1 of them (more is refused by the caller)."""
        if urlsplit(url).scheme == "file":
            status, body, _ = _read_file(url, size + 1)
            if status != 200:
                raise SyncFailed(f"{_shown(url)} is missing")
            return [body]
        chunks: list[bytes] = []
        try:
            with self._session.get(url, timeout=self._settings.timeout_s, stream=True,
                                   allow_redirects=False) as response:
                if response.status_code != 200:
                    _drain(response)
                    raise SyncFailed(f"{_shown(url)} answered {response.status_code}",
                                     _retry_after(dict(response.headers)))
                received = 0
                for chunk in response.iter_content(CHUNK):
                    received += len(chunk)
                    chunks.append(chunk)
                    if received > size:
                        break
        except requests.RequestException as exc:
            raise SyncFailed(f"{_shown(url)} cut off ({type(exc).__name__})") from None
        return chunks

    def _note_clock(self, date: str | None, sent: float) -> None:
        if not date:
            return
        try:
            server = parsedate_to_datetime(date).timestamp()
        except (TypeError, ValueError):
            return
        self.state.clock_offset = round(server - (sent + self._clock()) / 2, 1)


def _drain(response: requests.Response, most: int = 64 * 1024) -> None:
    """Read a short answer's body (a 304 has none), so its connection goes back to the pool
    instead of being closed: the next round reuses it (no new TLS handshake)."""
    received = 0
    for chunk in response.iter_content(CHUNK):
        received += len(chunk)
        if received > most:
            return


def _read_file(url: str, max_bytes: int) -> tuple[int, bytes, dict[str, str]]:
    path = Path(url2pathname(urlsplit(url).path))
    try:
        with open(path, "rb") as handle:
            return 200, handle.read(max_bytes + 1), {}
    except FileNotFoundError:
        return 404, b"", {}
    except OSError as exc:
        raise SyncFailed(f"{path} cannot be read ({exc.strerror})") from None


def _retry_after(headers: dict[str, str]) -> float | None:
    value = headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError):
            return None


def _shown(url: str) -> str:
    """A URL as logs show it: without a query (it may carry a token)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def in_process_validator(data_dir: Path | None) -> Validator:
    """Validation in this process (``kiosk sync``, tests): ``load_config`` as ``validate``."""
    from kiosk.config import ConfigInvalid, load_config

    def validate(config_dir: Path, media_dir: Path) -> list[str]:
        try:
            load_config(config_dir, media_dir, data_dir)
        except ConfigInvalid as invalid:
            return [str(error) for error in invalid.errors]
        return []

    return validate
