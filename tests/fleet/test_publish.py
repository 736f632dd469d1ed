"""Publishing the chain's bundle: to a folder and to a real S3 server (moto's, on 127.0.0.1),
only what the destination lacks, a store's overrides beside the base, and plain refusals of a
broken config, a bad key or a missing bucket."""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.fleet.destinations import FolderDestination, PublishError, destination_for
from kiosk.fleet.manifest import Manifest, verify
from kiosk.fleet.publish import PublishResult, list_files, load_signing_key, publish
from tests.fleet.conftest import SIGNING_KEY_VAR, S3Env
from tests.paths import DEMO_CONFIG, DEMO_MEDIA, REPO

NOW = dt.datetime(2026, 3, 1, 6, 30, tzinfo=dt.timezone.utc)
VERSION = re.compile(r"20260301T063000Z-[0-9a-f]{8}")
PRICE = "price: 449.00"
IMAGE = "products/aurel-sb500-1.png"


def demo_files() -> dict[str, Path]:
    """The demo store's files by bundle path, as the manifest should name them."""
    return {f"{prefix}/{path.relative_to(root).as_posix()}": path
            for prefix, root in (("config", DEMO_CONFIG), ("media", DEMO_MEDIA))
            for path in root.rglob("*") if path.is_file()
            and not any(part.startswith(".") or part == "__pycache__"
                        for part in path.relative_to(root).parts)}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_manifest(root: Path, key: Ed25519PrivateKey, where: str = "manifest.json") -> Manifest:
    return verify((root / where).read_bytes(), key.public_key())


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory, signing_key: Ed25519PrivateKey
          ) -> tuple[Path, PublishResult]:
    """The demo store published once to a folder, for the tests that only read it."""
    root = tmp_path_factory.mktemp("chain")
    return root, publish(DEMO_CONFIG, DEMO_MEDIA, FolderDestination(root), signing_key, now=NOW)


def test_the_demo_store_lands_in_a_folder_signed_and_whole(
        chain: tuple[Path, PublishResult], signing_key: Ed25519PrivateKey) -> None:
    root, result = chain
    manifest = read_manifest(root, signing_key)
    expected = demo_files()
    assert VERSION.fullmatch(result.version) and manifest.version == result.version
    assert result.manifest_key == "manifest.json"
    assert (manifest.base, manifest.files_url, manifest.store) == (None, "files/", None)
    assert manifest.created_at == NOW and manifest.activate_at is None
    assert set(manifest.files) == set(expected) and result.files_total == len(expected)
    for name, path in expected.items():
        data = path.read_bytes()
        entry = manifest.files[name]
        assert (entry.sha256, entry.size) == (sha(data), len(data)), name
        assert (root / "files" / entry.sha256).read_bytes() == data, name
    contents = {entry.sha256: entry.size for entry in manifest.files.values()}
    assert result.files_uploaded == len(contents) == len(list((root / "files").iterdir()))
    assert result.bytes_uploaded == sum(contents.values())
    assert not [path for path in root.rglob("*") if path.name.startswith(".")]


def test_publishing_again_unchanged_uploads_nothing(chain: tuple[Path, PublishResult],
                                                    signing_key: Ed25519PrivateKey) -> None:
    root, first = chain
    again = publish(DEMO_CONFIG, DEMO_MEDIA, FolderDestination(root), signing_key,
                    now=NOW + dt.timedelta(hours=1))
    assert (again.files_uploaded, again.bytes_uploaded) == (0, 0)
    assert again.files_total == first.files_total
    assert again.version.split("-")[1] == first.version.split("-")[1] != ""
    assert read_manifest(root, signing_key).version == again.version


def test_one_new_image_and_one_new_price_upload_exactly_two_files(
        store_copy: Path, tmp_path: Path, signing_key: Ed25519PrivateKey) -> None:
    import cv2

    media, out = store_copy.parent / "media", tmp_path / "out"
    publish(store_copy, media, FolderDestination(out), signing_key, now=NOW)
    before = read_manifest(out, signing_key)
    catalog = store_copy / "catalog" / "kitchen.yaml"
    assert PRICE in catalog.read_text(encoding="utf-8")
    catalog.write_text(catalog.read_text(encoding="utf-8").replace(PRICE, "price: 439.00", 1),
                       encoding="utf-8")
    pixels = cv2.imread(str(media / IMAGE), cv2.IMREAD_UNCHANGED)
    pixels[0, 0] = 255 - pixels[0, 0]
    assert cv2.imwrite(str(media / IMAGE), pixels)

    result = publish(store_copy, media, FolderDestination(out), signing_key,
                     now=NOW + dt.timedelta(minutes=5))
    after = read_manifest(out, signing_key)
    changed = {name for name in after.files if after.files[name] != before.files.get(name)}
    assert changed == {"config/catalog/kitchen.yaml", f"media/{IMAGE}"}
    assert result.files_uploaded == 2
    assert result.bytes_uploaded == sum(after.files[name].size for name in changed)
    assert after.version != before.version


def test_a_store_bundle_holds_only_its_overrides(
        chain: tuple[Path, PublishResult], tmp_path: Path,
        signing_key: Ed25519PrivateKey) -> None:
    import cv2

    root, _ = chain
    (tmp_path / "config" / "catalog").mkdir(parents=True)
    (tmp_path / "media" / "attract").mkdir(parents=True)
    (tmp_path / "media" / "brand").mkdir()
    text = (DEMO_CONFIG / "catalog" / "kitchen.yaml").read_text(encoding="utf-8")
    (tmp_path / "config" / "catalog" / "kitchen.yaml").write_text(
        text.replace(PRICE, "price: 459.00", 1), encoding="utf-8")
    pixels = cv2.imread(str(DEMO_MEDIA / "attract" / "trail.png"))
    assert cv2.imwrite(str(tmp_path / "media" / "attract" / "trail.png"), 255 - pixels)
    shutil.copy(DEMO_MEDIA / "brand" / "logo.png", tmp_path / "media" / "brand" / "logo.png")
    activate = dt.datetime(2026, 3, 2, 6, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))

    result = publish(tmp_path / "config", tmp_path / "media", FolderDestination(root),
                     signing_key, store="paris-rivoli", activate_at=activate, now=NOW)
    assert result.manifest_key == "stores/paris-rivoli/manifest.json"
    manifest = read_manifest(root, signing_key, result.manifest_key)
    assert manifest.store == "paris-rivoli" and manifest.activate_at == activate
    assert (manifest.base, manifest.files_url) == ("../../manifest.json", "../../files/")
    assert set(manifest.files) == {"config/catalog/kitchen.yaml", "media/attract/trail.png",
                                   "media/brand/logo.png"}
    for name, entry in manifest.files.items():
        stored = (root / "stores" / "paris-rivoli" / manifest.files_url / entry.sha256)
        assert sha(stored.read_bytes()) == entry.sha256, name
    assert (result.files_total, result.files_uploaded) == (3, 2)  # the logo was there already
    assert read_manifest(root, signing_key).store is None  # the base is left as it was


def test_a_store_bundle_needs_a_base_and_readable_yaml(
        tmp_path: Path, signing_key: Ed25519PrivateKey) -> None:
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "offers.yaml").write_text("offers: []\n", encoding="utf-8")
    empty = FolderDestination(tmp_path / "out")
    with pytest.raises(PublishError, match="no base bundle"):
        publish(tmp_path / "config", None, empty, signing_key, store="lyon")
    assert not (tmp_path / "out").exists()

    (tmp_path / "config" / "offers.yaml").write_text("offers: [\n  - id: x\n", encoding="utf-8")
    with pytest.raises(PublishError, match=r"offers\.yaml line \d+: not valid YAML"):
        publish(tmp_path / "config", None, empty, signing_key, store="lyon")
    with pytest.raises(PublishError, match="store 'Lyon!'"):
        publish(tmp_path / "config", None, empty, signing_key, store="Lyon!")


def test_an_invalid_config_is_refused_with_its_errors_and_nothing_written(
        tmp_path: Path, signing_key: Ed25519PrivateKey) -> None:
    shutil.copytree(DEMO_CONFIG, tmp_path / "config")
    catalog = tmp_path / "config" / "catalog" / "kitchen.yaml"
    catalog.write_text(catalog.read_text(encoding="utf-8").replace(PRICE, "price: cheap", 1),
                       encoding="utf-8")
    with pytest.raises(PublishError) as refused:
        publish(tmp_path / "config", DEMO_MEDIA, FolderDestination(tmp_path / "out"),
                signing_key)
    message = str(refused.value)
    assert "not a valid config; nothing was published" in message
    assert re.search(r"kitchen\.yaml.*\d", message) and "price" in message
    assert "the config was not loaded" in message and len(message.splitlines()) <= 22
    assert not (tmp_path / "out").exists()


def _pem(key: object, password: bytes | None = None) -> str:
    encryption = (serialization.BestAvailableEncryption(password) if password
                  else serialization.NoEncryption())
    return key.private_bytes(serialization.Encoding.PEM,  # type: ignore[attr-defined]
                             serialization.PrivateFormat.PKCS8, encryption).decode()


def test_a_bad_key_variable_is_refused_without_showing_it(signing_env: dict[str, str]) -> None:
    ed25519 = Ed25519PrivateKey.generate()
    other = ec.generate_private_key(ec.SECP256R1())
    cases = {
        "": "is not set", "not a key at all": "does not hold a PEM private key",
        "-----BEGIN PRIVATE KEY-----\nbm9wZQ==\n-----END PRIVATE KEY-----\n": "readable",
        _pem(other): "not an Ed25519 one", _pem(ed25519, b"secret"): "encrypted",
    }
    for value, reason in cases.items():
        with pytest.raises(PublishError, match=reason) as refused:
            load_signing_key({"CHAIN_KEY": value} if value else {}, "CHAIN_KEY")
        assert "CHAIN_KEY" in str(refused.value)
        body = [line for line in value.splitlines() if line and "-----" not in line]
        assert not any(line in str(refused.value) for line in body)
    one_line = signing_env[SIGNING_KEY_VAR].replace("\n", "\\n")
    loaded = load_signing_key({"CHAIN_KEY": one_line}, "CHAIN_KEY")
    assert isinstance(loaded, Ed25519PrivateKey)


def test_hidden_files_and_links_out_of_the_folder_are_left_out(tmp_path: Path) -> None:
    config = tmp_path / "config"
    (config / "sub").mkdir(parents=True)
    (config / "__pycache__").mkdir()
    (config / ".git").mkdir()
    for name in ("a.yaml", "sub/b.yaml", ".DS_Store", "__pycache__/x.pyc", ".git/HEAD"):
        (config / name).write_text("x: 1\n", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("no\n", encoding="utf-8")
    (config / "inside.yaml").symlink_to(config / "sub" / "b.yaml")
    (config / "outside.txt").symlink_to(tmp_path / "secret.txt")
    (config / "sub" / "loop").symlink_to(config)

    files, skipped = list_files({"config": config})
    assert set(files) == {"config/a.yaml", "config/sub/b.yaml", "config/inside.yaml"}
    assert set(skipped) == {"config/outside.txt", "config/sub/loop"}


def test_destinations_are_chosen_by_url(tmp_path: Path) -> None:
    assert isinstance(destination_for(tmp_path.as_uri()), FolderDestination)
    for url in ("ftp://host/x", "https://cdn.example.com/chain", "file://relative/path", "s3:///x"):
        with pytest.raises(PublishError, match=r"file://|s3://"):
            destination_for(url)


def test_a_missing_bucket_or_endpoint_is_a_plain_error(
        s3_env: S3Env, tmp_path: Path, signing_key: Ed25519PrivateKey,
        monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "config").mkdir()
    missing = destination_for(f"s3://{s3_env.bucket}-missing/chain")
    with pytest.raises(PublishError, match=rf"bucket '{s3_env.bucket}-missing' does not exist"):
        publish(tmp_path / "config", None, missing, signing_key, store="lyon")

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{closed}")
    with pytest.raises(PublishError, match="cannot reach the S3 endpoint"):
        destination_for(s3_env.url).exists("files/0")


def test_the_command_publishes_the_demo_store_to_s3(
        s3_env: S3Env, signing_env: dict[str, str], signing_key: Ed25519PrivateKey) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "publish", "--config", str(DEMO_CONFIG), "--to",
         f"{s3_env.url}/chain", "--key-env", SIGNING_KEY_VAR, "--json"],
        cwd=REPO, env={**os.environ, **s3_env.environ, **signing_env}, capture_output=True,
        text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    assert re.fullmatch(r"\d{8}T\d{6}Z-[0-9a-f]{8}", printed["version"])
    assert printed["manifest"] == f"{s3_env.url}/chain/manifest.json"
    client, bucket = s3_env.client, s3_env.bucket
    answer = client.get_object(Bucket=bucket, Key="chain/manifest.json")
    assert (answer["CacheControl"], answer["ContentType"]) == ("no-cache", "application/json")
    manifest = verify(answer["Body"].read(), signing_key.public_key())
    assert manifest.version == printed["version"] and set(manifest.files) == set(demo_files())
    assert printed["files_total"] == len(demo_files())
    listed = client.list_objects_v2(Bucket=bucket, Prefix="chain/files/", MaxKeys=1000)
    stored = {item["Key"].rsplit("/", 1)[1]: (item["Size"], item["ETag"].strip('"'))
              for item in listed["Contents"]}
    expected = {manifest.files[name].sha256: (len(data), hashlib.md5(data).hexdigest())
                for name, data in ((name, path.read_bytes())
                                   for name, path in demo_files().items())}
    assert stored == expected  # a single-part upload's ETag is the MD5 of its content
    assert printed["files_uploaded"] == len(expected)
    image = client.head_object(Bucket=bucket,
                               Key=f"chain/files/{manifest.files[f'media/{IMAGE}'].sha256}")
    assert image["ContentType"] == "image/png"
    assert image["CacheControl"] == "public, max-age=31536000, immutable"

    destination = destination_for(f"{s3_env.url}/chain")  # what the next publish asks
    assert destination.exists(f"files/{manifest.files[f'media/{IMAGE}'].sha256}")
    assert not destination.exists(f"files/{'0' * 64}")


def run_command(*argv: str) -> int:
    """``kiosk publish ARGV`` in this process, through the command's own parser."""
    from kiosk.commands import publish as command

    parser = argparse.ArgumentParser(prog="kiosk")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", type=Path, default=Path("config"))
    command.register(parser.add_subparsers(dest="command"), common)
    args = parser.parse_args(["publish", *argv])
    assert args.needs_config is False  # --store folders hold no store.yaml of their own
    return args.handler(args, None)


def test_the_command_says_what_it_did_or_why_not(
        chain: tuple[Path, PublishResult], tmp_path: Path, signing_key: Ed25519PrivateKey,
        signing_env: dict[str, str], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    root, _ = chain
    (tmp_path / "lyon" / "config").mkdir(parents=True)
    (tmp_path / "lyon" / "config" / "offers.yaml").write_text("offers: []\n", encoding="utf-8")
    monkeypatch.setenv(SIGNING_KEY_VAR, signing_env[SIGNING_KEY_VAR])
    monkeypatch.setenv("KIOSK_BAD_KEY", "oops-not-a-key")
    to = ("--to", root.as_uri())
    overrides = ("--config", str(tmp_path / "lyon" / "config"), "--store", "lyon")

    assert run_command(*overrides, *to, "--key-env", SIGNING_KEY_VAR) == 0
    out = capsys.readouterr().out
    version = read_manifest(root, signing_key, "stores/lyon/manifest.json").version
    assert out.startswith(f"published {version} to {root}/stores/lyon/manifest.json")
    assert "1 file, 1 uploaded (11 bytes), 0 already there" in out

    assert run_command(*overrides, *to, "--key-env", "KIOSK_BAD_KEY") == 1
    err = capsys.readouterr().err
    assert "KIOSK_BAD_KEY" in err and "oops-not-a-key" not in err
    assert run_command(*overrides, "--to", "ftp://host/x", "--key-env", SIGNING_KEY_VAR) == 2
    assert "file://, s3://" in capsys.readouterr().err
    for bad in (("--store", "Lyon!"), ("--activate-at", "2026-03-01T06:00")):
        with pytest.raises(SystemExit) as stopped:
            run_command(*overrides, *bad, *to, "--key-env", SIGNING_KEY_VAR)
        assert stopped.value.code == 2
