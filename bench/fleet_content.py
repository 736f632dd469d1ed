"""What ``bench.fleet`` builds on: the chain (the demo store made light enough for 500 tables,
the edits each scenario publishes), each table's own ``store.yaml``, shared validation and
counted rounds, and the two places the tables sync from (the bundle server over a folder,
moto's S3 server).

Why light: 500 tables each fetching the demo's 11 MB (a 2.9 MB video, 1 MB PNGs) would
measure the disk and the loopback, not the sync. Images down to 96 px and no video keep
every file of the bundle (so every request a table makes) while cutting the bytes.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import multiprocessing
import os
import re
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, Protocol

import cv2
import yaml
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.fleet.destinations import Destination, FolderDestination, destination_for
from kiosk.fleet.local import STORE_FILE
from kiosk.fleet.manifest import MANIFEST_NAME, FileEntry, public_key_text, verify
from kiosk.fleet.publish import publish
from kiosk.fleet.sync import RoundResult, SyncClient, Validator, in_process_validator
from tests.fleet.bundle_server import BundleServer
from tests.paths import DEMO_CONFIG, DEMO_MEDIA

MAX_SIDE = 96
IMAGES = (".png", ".jpg", ".jpeg", ".webp", ".bmp")
VIDEOS = (".mp4", ".webm", ".avi", ".mkv", ".mov")
PRICE = re.compile(r"price: (\d+)\.(\d\d)")
PRICED = "catalog/running.yaml"
"""The catalog file whose first price the scenarios change."""
LOCAL = ("store", "sources", "table", "staff")
"""What each table keeps from the demo's ``store.yaml`` (as ``tests/fleet/test_sync.py``)."""


# -- the chain's content -------------------------------------------------------------------

def light_copy(root: Path) -> tuple[Path, Path]:
    """The demo's config and media copied under ``root``, images scaled down to ``MAX_SIDE``
    and re-encoded, videos dropped (from ``attract.media`` too); (config, media)."""
    config, media = root / "config", root / "media"
    shutil.copytree(DEMO_CONFIG, config)
    shutil.copytree(DEMO_MEDIA, media)
    store = config / "store.yaml"
    data = yaml.safe_load(store.read_text(encoding="utf-8"))
    attract = data.get("attract") or {}
    attract["media"] = [item for item in attract.get("media", [])
                        if not str(item).lower().endswith(VIDEOS)]
    store.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    for path in sorted(media.rglob("*")):
        if path.suffix.lower() in VIDEOS:
            path.unlink()
        elif path.suffix.lower() in IMAGES:
            _shrink(path)
    return config, media


def _shrink(path: Path) -> None:
    image = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
    if image is None:
        raise ValueError(f"{path}: not an image cv2 reads")
    height, width = image.shape[:2]
    scale = min(1.0, MAX_SIDE / max(height, width))
    if scale < 1.0:
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    suffix = path.suffix.lower()
    params = ([cv2.IMWRITE_JPEG_QUALITY, 80] if suffix in (".jpg", ".jpeg")
              else [cv2.IMWRITE_PNG_COMPRESSION, 9] if suffix == ".png" else [])
    if not cv2.imwrite(str(path), image, params):
        raise ValueError(f"{path}: cv2 could not write it")


def retouch(media: Path, mark: int) -> Path:
    """Change one product image (one pixel, ``mark``-th colour): a new file, same picture."""
    path = sorted((media / "products").glob("*.png"))[mark % 7]
    image = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
    image[0, 0] = [(mark * 37 + channel * 11) % 256 for channel in range(image.shape[2])]
    cv2.imwrite(str(path), image, [cv2.IMWRITE_PNG_COMPRESSION, 9])
    return path


def reprice(config: Path) -> Path:
    """Take one euro off the first price of ``PRICED``."""
    path = config / PRICED
    text = path.read_text(encoding="utf-8")
    found = PRICE.search(text)
    assert found is not None, f"{path} has no price"
    price = f"price: {max(1, int(found[1]) - 1)}.{found[2]}"
    path.write_text(text[:found.start()] + price + text[found.end():], encoding="utf-8")
    return path


@dataclass
class Chain:
    """The chain's light copy of the demo store, its key, and where it publishes."""

    config: Path
    media: Path
    key: Ed25519PrivateKey
    origin: Origin
    edits: int = 0

    def publish(self, key: Ed25519PrivateKey | None = None
                ) -> tuple[str, Mapping[str, FileEntry] | None]:
        """Publish the content as it is now: the version, and its files when it is signed by
        the chain's key (a valid version), read back from the destination."""
        result = publish(self.config, self.media, self.origin.destination, key or self.key)
        if key is not None:
            return result.version, None
        data = self.origin.destination.get(MANIFEST_NAME) or b""
        return result.version, verify(data, self.key.public_key()).files

    def retouch(self) -> Path:
        self.edits += 1
        return retouch(self.media, self.edits)


# -- the tables ----------------------------------------------------------------------------

def table_store(demo: Mapping[str, Any], store_id: str, url: str, key: Ed25519PrivateKey,
                interval_s: float) -> dict[str, Any]:
    """A table's own ``store.yaml``: the demo's (``demo``, read once) store, sources, table
    and staff, its own ``store.id``, and ``fleet.sync`` pointing at the chain's manifest."""
    mine: dict[str, Any] = json.loads(json.dumps({key_: demo[key_] for key_ in LOCAL}))
    mine["store"]["id"] = store_id
    mine["sources"]["nfc"].pop("tags", None)
    mine["fleet"] = {"sync": {"url": url, "interval_s": interval_s,
                              "public_key": public_key_text(key), "timeout_s": 5,
                              "probation_s": 300}}
    return mine


def settings_digest(store: Mapping[str, Any]) -> str:
    """SHA-256 of a table's ``store.yaml`` without its ``store.id``."""
    data = {**store, "store": {key: value for key, value in store["store"].items()
                               if key != "id"}}
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


class ValidationCache:
    """Validation shared by tables that would validate alike. A version's folder is the
    bundle's files plus the table's own ``store.yaml`` merged over the bundle's: tables with
    the same bundle version and the same ``store.yaml`` (``store.id`` aside, which only fills
    links) get the same answer from ``load_config``, so the key is (version, SHA-256 of the
    ``store.yaml`` without its id). A real table validates once per version, in its own
    process: once per key keeps that while 500 tables share two cores (the cost is shown)."""

    def __init__(self) -> None:
        self._results: dict[tuple[str, str], list[str]] = {}
        self._lock = threading.Lock()
        self.runs: list[float] = []

    def validator(self, data_dir: Path, digest: str) -> Validator:
        real = in_process_validator(data_dir)

        def validate(config_dir: Path, media_dir: Path) -> list[str]:
            key = (config_dir.parent.name, digest)  # versions/VERSION/config
            with self._lock:  # the others wait for the one validating, as they would
                if key not in self._results:
                    started = time.monotonic()
                    self._results[key] = real(config_dir, media_dir)
                    self.runs.append(time.monotonic() - started)
                return list(self._results[key])

        return validate


def whole(current: Path, files: Mapping[str, FileEntry]) -> str | None:
    """Why the folder ``current`` does not hold the version of ``files`` whole; None if it
    does (every file there with its size; ``store.yaml`` is the table's merge: only there)."""
    if not (current / STORE_FILE).is_file():
        return f"{STORE_FILE} missing"
    folder = f"{current}/"  # os.stat of a string: a tenth of Path.stat's cost, 120 a look
    for path, entry in files.items():
        if path == STORE_FILE:
            continue
        try:
            size = os.stat(folder + path).st_size
        except OSError:
            return f"{path} missing"
        if size != entry.size:
            return f"{path} has {size} bytes, not {entry.size}"
    return None


class CountingClient(SyncClient):
    """A table's ``SyncClient`` that tells the bench what each of its rounds did, and each
    file it fetched, checked and kept: a round that fails after some files reports none of
    them in ``RoundResult.bytes``, though they stay and are not fetched again."""

    def __init__(self, *args: Any, on_round: Callable[[RoundResult], None],
                 on_file: Callable[[FileEntry], None], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._on_round, self._on_file = on_round, on_file

    def round(self) -> RoundResult:
        result = super().round()
        self._on_round(result)
        return result

    def _fetch_file(self, url: str, entry: FileEntry) -> None:
        super()._fetch_file(url, entry)
        self._on_file(entry)


# -- where the tables sync from ------------------------------------------------------------

class Origin(Protocol):
    """Where the tables fetch the bundle from, and the faults it can play."""

    manifest_url: str
    destination: Destination
    can_cut: bool

    def down(self) -> None: ...

    def up(self) -> None: ...

    def corrupt(self, sha: str, data: bytes) -> None:
        """Serve other bytes for ``files/SHA`` (called before the publish naming it)."""
        ...

    def cut(self, sha: str) -> None: ...

    def heal(self, sha: str, data: bytes) -> None: ...

    def served(self) -> tuple[int, int] | None:
        """Requests answered and bytes sent so far (None: the server cannot say)."""
        ...

    def close(self) -> None: ...


class FleetBundleServer(BundleServer):
    """The test bundle server, made to really go down: ``stop`` only closes the listening
    socket, and the threads of open keep-alive connections would go on answering."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.refusing = False

    def _handler_class(self) -> type[Any]:
        base = super()._handler_class()
        owner = self

        class Handler(base):  # type: ignore[misc, valid-type]
            disable_nagle_algorithm = True  # headers, then body: no 40 ms delayed-ACK stall

            def do_GET(self) -> None:
                if owner.refusing:  # a connection opened before the outage: dropped
                    self.close_connection = True
                    return
                super().do_GET()

        return Handler


class FolderOrigin:
    """The bundle published to a folder and served by ``FleetBundleServer`` in a process of
    its own: in this one, the server and 500 tables would share one interpreter lock, and
    the bench would measure that lock."""

    can_cut = True

    def __init__(self, root: Path) -> None:
        root.mkdir(parents=True)
        self.destination = FolderDestination(root)
        context = multiprocessing.get_context("spawn")
        self._control, theirs = context.Pipe()
        self._process = context.Process(target=_serve, args=(str(root), theirs),
                                        name="bundle-server", daemon=True)
        self._process.start()
        wait([self._control, self._process.sentinel], 60)
        if not self._control.poll():
            raise RuntimeError("the bundle server did not start within 60 s")
        self.manifest_url = f"http://127.0.0.1:{self._control.recv()}/manifest.json"

    def _ask(self, *command: str) -> tuple[int, int]:
        self._control.send(command)
        if not self._control.poll(30):
            raise RuntimeError(f"the bundle server did not answer {command[0]!r} in 30 s")
        return self._control.recv()

    def down(self) -> None:
        self._ask("down")

    def up(self) -> None:
        self._ask("up")

    def corrupt(self, sha: str, data: bytes) -> None:
        self._ask("fault", sha, "corrupt")

    def cut(self, sha: str) -> None:
        self._ask("fault", sha, "cut")

    def heal(self, sha: str, data: bytes) -> None:
        self._ask("heal", sha)

    def served(self) -> tuple[int, int] | None:
        return self._ask("served")

    def close(self) -> None:
        if self._process.is_alive():
            with contextlib.suppress(RuntimeError, OSError, EOFError):
                self._ask("close")
        self._process.join(10)
        if self._process.is_alive():
            self._process.kill()


def _serve(root: str, control: Connection) -> None:
    """The bundle server's process: serve ``root``, do what ``control`` says, answer each
    command with (requests, bytes sent) so far."""
    server = FleetBundleServer(Path(root))
    server.start()
    control.send(server.port)
    while True:
        command, *args = control.recv()
        if command == "fault":  # a new dict: handlers may be reading the old one
            server.faults = {**server.faults, args[0]: args[1]}
        elif command == "heal":
            server.faults = {key: value for key, value in server.faults.items()
                             if key != args[0]}
        elif command == "down":
            server.refusing = True
            server.stop()
        elif command == "up":
            server.start()
            server.refusing = False
        elif command == "close":
            server.stop()
        control.send((len(server.requests), server.bytes_sent))
        if command == "close":
            return


class S3Origin:
    """The bundle published to a bucket of moto's S3 server, which the tables read straight
    over HTTP, anonymously (a bucket policy lets anyone get objects, as behind a CDN; without
    it moto answers 403). moto answers ETag, If-None-Match (304) and Date; it cannot cut a
    download, and a corrupt file is other bytes put under the hash before the publish."""

    can_cut = False

    def __init__(self) -> None:
        import boto3
        from botocore.config import Config
        from moto.server import ThreadedMotoServer

        self._server_class = ThreadedMotoServer
        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.server.start()
        host, self.port = self.server.get_host_and_port()
        endpoint = f"http://{host}:{self.port}"
        os.environ.update({
            "AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "AWS_EC2_METADATA_DISABLED": "true"})
        for name in ("AWS_ENDPOINT_URL_S3", "AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_REGION"):
            os.environ.pop(name, None)
        self.bucket = f"kiosk-bench-{uuid.uuid4().hex[:8]}"
        self.client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                                   config=Config(s3={"addressing_style": "path"}))
        self.client.create_bucket(Bucket=self.bucket)
        self.client.put_bucket_policy(Bucket=self.bucket, Policy=json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{self.bucket}/*"}]}))
        self.destination = destination_for(f"s3://{self.bucket}")
        self.manifest_url = f"{endpoint}/{self.bucket}/manifest.json"

    def down(self) -> None:
        self.server.stop()

    def up(self) -> None:
        """moto's buckets live in this process: a new server on the same port has them."""
        self.server = self._server_class(ip_address="127.0.0.1", port=self.port, verbose=False)
        self.server.start()

    def corrupt(self, sha: str, data: bytes) -> None:
        """The publish then finds the key there and does not upload it again."""
        self.client.put_object(Bucket=self.bucket, Key=f"files/{sha}", Body=data[::-1])

    def cut(self, sha: str) -> None:
        raise NotImplementedError("moto cannot cut a download")

    def heal(self, sha: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=f"files/{sha}", Body=data)

    def served(self) -> tuple[int, int] | None:
        return None

    def close(self) -> None:
        self.server.stop()
