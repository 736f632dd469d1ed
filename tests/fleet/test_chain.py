"""A chain end to end, as its staff and installers would do it: ``kiosk publish`` to a folder
served over HTTP and to an S3 bucket (moto's server), ``kiosk sync --once`` on two tables,
``kiosk catalog`` and ``kiosk status`` reading the synced content; and a running kiosk's
metrics endpoint and heartbeat."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
import yaml
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from prometheus_client.parser import text_string_to_metric_families

from kiosk.app.devices import Devices
from kiosk.app.display import open_screen
from kiosk.assembly import assemble
from kiosk.catalog.catalog import Catalog
from kiosk.config import KioskConfig, load_config
from kiosk.config.ops import MetricsSettings
from kiosk.fleet.content import content_folders
from kiosk.fleet.manifest import public_key_text
from tests.fleet.bundle_server import BundleServer
from tests.handoff.servers import free_port
from tests.paths import DEMO_CONFIG, REPO

KEY_VAR = "KIOSK_CHAIN_KEY"
ESPRESSO = "3760000000178"


def pem(key: Ed25519PrivateKey) -> str:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def kiosk(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kiosk", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=180,
                          env={**os.environ, "NO_PROXY": "127.0.0.1", **(env or {})})


def own_table(folder: Path, store_id: str, url: str, key: Ed25519PrivateKey) -> Path:
    """A table's own config folder: its store.yaml with what belongs to it."""
    demo = yaml.safe_load((DEMO_CONFIG / "store.yaml").read_text(encoding="utf-8"))
    mine = {name: demo[name] for name in ("store", "sources", "table", "staff")}
    mine["store"]["id"] = store_id
    mine["sources"]["nfc"].pop("tags", None)
    mine["fleet"] = {"sync": {"url": url, "public_key": public_key_text(key), "timeout_s": 10}}
    folder.mkdir(parents=True)
    (folder / "store.yaml").write_text(yaml.safe_dump(mine), encoding="utf-8")
    return folder


def renamed_chain(tmp_path: Path, light_demo: Path, name: str) -> Path:
    """The demo store's content (made light), the espresso machine renamed (to see it
    arrive)."""
    shutil.copytree(light_demo, tmp_path / "chain")
    config = tmp_path / "chain" / "config"
    kitchen = config / "catalog" / "kitchen.yaml"
    kitchen.write_text(kitchen.read_text(encoding="utf-8").replace(
        "Machine à expresso Tazzina Duo 15 bars", name, 1), encoding="utf-8")
    return config


def product_name(own: Path, data: Path) -> str:
    shown = kiosk("catalog", "--json", "--gtin", ESPRESSO, "--config", str(own),
                  "--data", str(data))
    assert shown.returncode == 0, shown.stderr
    return json.loads(shown.stdout)["name"]["fr"]


def test_publish_to_a_folder_then_two_tables_sync_and_refuse_a_bad_signature(
        tmp_path: Path, light_demo: Path) -> None:
    key = Ed25519PrivateKey.generate()
    config = renamed_chain(tmp_path, light_demo, "Tazzina Duo — édition chaîne")
    cdn = tmp_path / "cdn"
    published = kiosk("publish", "--to", cdn.as_uri(), "--key-env", KEY_VAR, "--config",
                      str(config), "--json", env={KEY_VAR: pem(key)})
    assert published.returncode == 0, published.stderr
    version = json.loads(published.stdout)["version"]
    server = BundleServer(cdn)
    server.start()
    try:
        tables = [(own_table(tmp_path / name / "config", f"store-{n}",
                             server.url("manifest.json"), key), tmp_path / name / "data")
                  for n, name in enumerate(("first", "second"))]
        for own, data in tables:
            synced = kiosk("sync", "--once", "--json", "--config", str(own), "--data", str(data))
            assert synced.returncode == 0, synced.stderr
            record = json.loads(synced.stdout)
            assert record["active"] == record["target"] == version and record["files"] > 50
        assert product_name(*tables[0]) == "Tazzina Duo — édition chaîne"
        content = content_folders(*tables[1])
        catalog = Catalog.from_config(load_config(content.config_dir, content.media_dir,
                                                  tables[1][1]))
        assert catalog.get(ESPRESSO).name["fr"] == "Tazzina Duo — édition chaîne"  # type: ignore[union-attr]
        forged = Ed25519PrivateKey.generate()
        again = kiosk("publish", "--to", cdn.as_uri(), "--key-env", KEY_VAR, "--config",
                      str(config), "--json", env={KEY_VAR: pem(forged)})
        assert again.returncode == 0, again.stderr
        own, data = tables[0]
        refused = kiosk("sync", "--once", "--json", "--config", str(own), "--data", str(data))
        assert refused.returncode == 1
        assert "signature" in json.loads(refused.stdout)["error"]
        assert product_name(own, data) == "Tazzina Duo — édition chaîne"
        assert json.loads(refused.stdout)["active"] == version
    finally:
        server.stop()


def test_publish_to_s3_then_a_table_syncs_from_the_bucket(tmp_path: Path, light_demo: Path,
                                                          s3_env) -> None:  # noqa: ANN001
    key = Ed25519PrivateKey.generate()
    config = renamed_chain(tmp_path, light_demo, "Tazzina Duo — depuis S3")
    published = kiosk("publish", "--to", f"{s3_env.url}/chain", "--key-env", KEY_VAR,
                      "--config", str(config), "--json", env={**s3_env.environ,
                                                              KEY_VAR: pem(key)})
    assert published.returncode == 0, published.stderr
    s3_env.client.put_bucket_policy(Bucket=s3_env.bucket, Policy=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{s3_env.bucket}/*"}]}))  # read by the tables, as a CDN
    url = f"{s3_env.endpoint}/{s3_env.bucket}/chain/manifest.json"
    own = own_table(tmp_path / "table" / "config", "s3-table", url, key)
    synced = kiosk("sync", "--once", "--json", "--config", str(own), "--data",
                   str(tmp_path / "table" / "data"))
    assert synced.returncode == 0, synced.stderr
    assert product_name(own, tmp_path / "table" / "data") == "Tazzina Duo — depuis S3"


def test_the_metrics_endpoint_and_the_heartbeat(demo_config: KioskConfig,
                                                tmp_path: Path) -> None:
    port = free_port()
    ops = demo_config.store.ops.model_copy(update={"metrics": MetricsSettings(port=port)})
    config = dataclasses.replace(demo_config, store=demo_config.store.model_copy(
        update={"ops": ops}))
    made = assemble(config, (1280, 720), Devices(sources=[]), draw_products=True,
                    data_dir=tmp_path, health=True)
    screen = open_screen((1280, 720), headless=True)
    made.start()
    try:
        for _ in range(5):
            made.app.frame(screen, time.monotonic(), dt.date.today())
        body = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
        families = {family.name: family for family in text_string_to_metric_families(body)}
        assert families["kiosk_frames"].samples[0].value == 5
        assert "kiosk_frame_seconds" in families and "kiosk_outbox_waiting" in families
        (info,) = families["kiosk_content_info"].samples
        assert info.labels["version"] == "local"
        assert made.services.heartbeat is not None
        made.services.heartbeat.beat()
    finally:
        made.stop()
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{port}/metrics", timeout=2)
    with sqlite3.connect(tmp_path / "events.sqlite3") as events:
        labels = {value for (value,) in events.execute(
            "SELECT value FROM events WHERE kind = 'health'")}
    events.close()
    assert {"clock_offset_s", "frame_p99_ms", "outbox_waiting", "content:local"} <= labels
