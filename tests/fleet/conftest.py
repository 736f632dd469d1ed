"""Fixtures for a chain of stores: a real S3 server (moto's) on 127.0.0.1, the AWS variables
that point boto3 at it with a fresh bucket, and a signing key made for the test."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bench.fleet_content import light_copy
from kiosk.fleet.destinations import FolderDestination
from kiosk.fleet.publish import publish
from tests.fleet.bundle_server import BundleServer

SIGNING_KEY_VAR = "KIOSK_TEST_SIGNING_KEY"
"""The variable ``signing_env`` holds the key in (``kiosk publish --key-env``)."""
UNSET_AWS = ("AWS_ENDPOINT_URL_S3", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN",
             "AWS_SECURITY_TOKEN", "AWS_REGION", "HTTP_PROXY", "HTTPS_PROXY", "http_proxy",
             "https_proxy")
"""What a developer's shell may hold that would send boto3 elsewhere."""


@dataclass(frozen=True)
class S3Env:
    """Where the test's bucket is, and the variables that reach it (for a subprocess too)."""

    endpoint: str
    bucket: str
    client: Any
    """A boto3 S3 client of the test's own, to look at what was written."""
    environ: dict[str, str]

    @property
    def url(self) -> str:
        return f"s3://{self.bucket}"


@pytest.fixture(scope="session")
def s3_server() -> Iterator[str]:
    """moto's S3 server, for real, on a free port of 127.0.0.1; yields its endpoint URL."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_env(s3_server: str, monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
           ) -> S3Env:
    """The AWS variables pointing boto3 at ``s3_server`` (no profile or proxy of the machine
    in the way), and a new bucket there."""
    import boto3
    from botocore.config import Config

    nowhere = tmp_path_factory.mktemp("aws") / "none"
    environ = {"AWS_ENDPOINT_URL": s3_server, "AWS_ACCESS_KEY_ID": "testing",
               "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1",
               "AWS_CONFIG_FILE": str(nowhere), "AWS_SHARED_CREDENTIALS_FILE": str(nowhere),
               "AWS_EC2_METADATA_DISABLED": "true", "NO_PROXY": "127.0.0.1",
               "no_proxy": "127.0.0.1"}
    for name in UNSET_AWS:
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1",
                          config=Config(connect_timeout=5, read_timeout=20,
                                        retries={"max_attempts": 1},
                                        s3={"addressing_style": "path"}))
    bucket = f"kiosk-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=bucket)
    return S3Env(s3_server, bucket, client, environ)


@pytest.fixture(scope="session")
def signing_key() -> Ed25519PrivateKey:
    """A chain key made for the tests (never one kept in the repository)."""
    return Ed25519PrivateKey.generate()


@pytest.fixture
def signing_env(signing_key: Ed25519PrivateKey) -> dict[str, str]:
    """``{SIGNING_KEY_VAR: the key as PEM}``, as ``kiosk publish --key-env`` reads it."""
    pem = signing_key.private_bytes(serialization.Encoding.PEM,
                                    serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()).decode()
    return {SIGNING_KEY_VAR: pem}


@dataclass
class Chain:
    """The chain's own copy of its content, where it publishes, and the server of that."""

    config: Path
    media: Path
    dest: Path
    key: Ed25519PrivateKey
    server: BundleServer
    index: Path
    """The publisher's compiled catalog, kept between publications (as ``--data``)."""

    def publish(self, store: str | None = None, source: Path | None = None,
                **options: object) -> str:
        result = publish(source or self.config, None if store else self.media,
                         FolderDestination(self.dest), self.key, store=store,
                         index_dir=self.index, **options)  # type: ignore[arg-type]
        return result.version


@pytest.fixture(scope="session")
def light_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo store made light (small images, no video: what is tested is the sync, not
    the disk), once per session: ``config/`` and ``media/`` under the returned folder."""
    root = tmp_path_factory.mktemp("light-demo")
    light_copy(root)
    return root


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory, signing_key: Ed25519PrivateKey,
              light_demo: Path) -> Path:
    """The light demo published once for the module: each test copies it."""
    root = tmp_path_factory.mktemp("published")
    shutil.copytree(light_demo, root / "chain")
    publish(root / "chain" / "config", root / "chain" / "media", FolderDestination(root / "cdn"),
            signing_key, index_dir=root / "index")
    return root


@pytest.fixture
def chain(tmp_path: Path, signing_key: Ed25519PrivateKey, published: Path) -> Iterator[Chain]:
    for name in ("chain", "cdn", "index"):
        shutil.copytree(published / name, tmp_path / name)
    server = BundleServer(tmp_path / "cdn")
    server.start()
    yield Chain(tmp_path / "chain" / "config", tmp_path / "chain" / "media", tmp_path / "cdn",
                signing_key, server, tmp_path / "index")
    server.stop()
