"""A table syncing the chain's content from a real web server on 127.0.0.1: the first version,
an update that fetches only what changed, a store's overrides over the base, and everything
that must leave the last good version active (a bad signature, a corrupt or cut file, a
version that does not validate, a 429, a shopper at the table, an unhealthy kiosk)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.config import load_config
from kiosk.fleet.content import content_folders
from kiosk.fleet.local import LocalStore, note_boot
from kiosk.fleet.worker import SyncWorker
from tests.fleet.conftest import Chain
from tests.fleet.tables import client_for, synced, table
from tests.paths import REPO

SHOE = "3760000000093"
PHOTO = "products/trevia-pulse-3-1.png"


def test_the_first_version_then_an_update_fetching_only_what_changed(
        tmp_path: Path, chain: Chain) -> None:
    own, data = table(tmp_path, chain)
    client = synced(own, data)
    first = client.state.active
    content = content_folders(own, data)
    assert content.version == first and content.config_dir == data / "fleet/current/config"
    config = load_config(content.config_dir, content.media_dir, data)
    assert config.store.store.id == "paris-rivoli" and config.store.fleet.sync is not None
    assert config.offers.offers  # the bundle's offers.yaml came along
    running = chain.config / "catalog" / "running.yaml"
    running.write_text(running.read_text(encoding="utf-8").replace("price: 109.00",
                                                                   "price: 104.00", 1),
                       encoding="utf-8")
    photo = chain.media / PHOTO
    photo.write_bytes(photo.read_bytes() + b"\0")  # another file, same picture
    second = chain.publish()
    result = client.round()
    assert (result.files, result.target) == (2, second)
    assert result.bytes == photo.stat().st_size + running.stat().st_size
    assert client.switch() and client.state.active == second
    again = client.round()
    assert again.files == 0 and ("/manifest.json", 304) in chain.server.requests
    assert "104.00" in (data / "fleet/current/config/catalog/running.yaml").read_text()
    assert sorted(p.name for p in (data / "fleet/versions").iterdir()) == sorted(
        [first or "", second])


def test_a_store_gets_its_overrides_over_the_base(tmp_path: Path, chain: Chain) -> None:
    overrides = tmp_path / "paris" / "config" / "catalog"
    overrides.mkdir(parents=True)
    running = (chain.config / "catalog" / "running.yaml").read_text(encoding="utf-8")
    (overrides / "running.yaml").write_text(running.replace("price: 109.00", "price: 99.00", 1),
                                            encoding="utf-8")
    chain.publish(store="paris-rivoli", source=overrides.parent)
    own, data = table(tmp_path, chain, path="stores/{store_id}/manifest.json")
    client = synced(own, data)
    assert "+" in (client.state.active or "")
    config_dir = content_folders(own, data).config_dir
    assert "price: 99.00" in (config_dir / "catalog" / "running.yaml").read_text()
    assert (config_dir / "catalog" / "kitchen.yaml").is_file()  # from the base


def test_a_forged_manifest_a_corrupt_file_and_a_cut_download_keep_the_last_good_version(
        tmp_path: Path, chain: Chain) -> None:
    own, data = table(tmp_path, chain)
    client = synced(own, data)
    good = client.state.active
    photo = chain.media / PHOTO
    for fault in ("corrupt", "cut"):
        photo.write_bytes(photo.read_bytes() + b"\1")
        chain.publish()
        chain.server.faults = {hashlib.sha256(photo.read_bytes()).hexdigest(): fault}
        result = client.round()
        assert result.error and ("does not match" in result.error or "cut off" in result.error)
        assert not client.switch() and client.state.active == good, fault
        assert not list((data / "fleet" / "files").glob(".part-*"))
    chain.server.faults.clear()
    assert client.round().error is None and client.switch()  # healed: asked again, taken
    good = client.state.active
    chain.key = Ed25519PrivateKey.generate()
    chain.publish()
    result = client.round()
    assert "signature" in (result.error or "")
    assert not client.switch() and client.state.active == good


def test_a_version_that_does_not_validate_is_refused_for_good(tmp_path: Path,
                                                              chain: Chain) -> None:
    """The chain drops its NFC tag map, which this table's own store.yaml still names: the
    bundle is sound, the table's version of it is not."""
    own, data = table(tmp_path, chain)
    mine = yaml.safe_load((own / "store.yaml").read_text())
    mine["sources"]["nfc"]["tags"] = "nfc-tags.yaml"
    (own / "store.yaml").write_text(yaml.safe_dump(mine), encoding="utf-8")
    client = synced(own, data)
    good = client.state.active
    store = chain.config / "store.yaml"
    store.write_text(store.read_text(encoding="utf-8").replace("    tags: nfc-tags.yaml\n", ""),
                     encoding="utf-8")
    (chain.config / "nfc-tags.yaml").unlink()
    bad = chain.publish()
    result = client.round()
    assert bad in client.state.bad and "tag map 'nfc-tags.yaml' not found" in client.state.bad[bad]
    assert result.ready is None and not client.switch() and client.state.active == good
    asked = len(chain.server.requests)
    client.round()  # refused for good: only the manifest is asked again
    assert len(chain.server.requests) == asked + 1


def test_429_is_honoured(tmp_path: Path, chain: Chain) -> None:
    own, data = table(tmp_path, chain)
    chain.server.faults["/manifest.json"] = "429"
    client = client_for(own, data)
    result = client.round()
    assert result.retry_after == 2 and "429" in (result.error or "")
    assert client.state.active is None and content_folders(own, data).version is None


def test_the_switch_waits_for_an_idle_table_and_for_activate_at(tmp_path: Path,
                                                                 chain: Chain) -> None:
    own, data = table(tmp_path, chain)
    client = client_for(own, data)
    idle = {"now": False}
    worker = SyncWorker(client, client._settings, lambda: idle["now"], lambda since: True)
    worker.step()
    assert client.state.ready is not None and client.state.active is None  # a shopper is there
    idle["now"] = True
    worker.step()
    assert client.state.active is not None
    chain.server.date_offset_s = 3600.0  # the table's clock is an hour behind the server's
    soon = dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=30)
    (chain.media / PHOTO).write_bytes((chain.media / PHOTO).read_bytes() + b"\2")
    later = chain.publish(activate_at=soon)
    worker._next_round = 0
    worker.step()
    assert client.state.active == later, client.state  # on the server clock, 30 minutes ago
    assert client.state.clock_offset == pytest.approx(3600, abs=3)


def test_an_unhealthy_kiosk_or_three_restarts_go_back_to_the_last_good_version(
        tmp_path: Path, chain: Chain) -> None:
    own, data = table(tmp_path, chain)
    client = synced(own, data)
    good = client.state.active
    (chain.media / PHOTO).write_bytes((chain.media / PHOTO).read_bytes() + b"\3")
    newer = chain.publish()
    worker = SyncWorker(client, client._settings, lambda: True, lambda since: False)
    worker.step()
    assert client.state.active == newer
    worker.step()
    assert client.state.active == good and newer in client.state.bad
    assert content_folders(own, data).version == good
    (chain.media / PHOTO).write_bytes((chain.media / PHOTO).read_bytes() + b"\4")
    crashing = chain.publish()
    client.round()
    assert client.switch() and client.state.active == crashing
    assert not note_boot(data, time.time()) and not note_boot(data, time.time())
    assert note_boot(data, time.time())
    assert LocalStore(data).active_version() == good


def kiosk_sync(own: Path, data: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "kiosk", "sync", "--once", "--json",
                             "--config", str(own), "--data", str(data)], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "NO_PROXY": "127.0.0.1"})


def assert_whole(data: Path) -> str | None:
    """The active version, if any, is complete; the state file reads."""
    store = LocalStore(data)
    active = store.active_version()
    if active is not None:
        assert (store.current / "config" / "store.yaml").is_file()
        assert (store.current / "media").is_dir()
    state = data / "fleet" / "state.json"
    if state.exists():
        assert isinstance(json.loads(state.read_text()), dict)
    return active


def test_kill_9_during_a_download_keeps_the_last_good_version(tmp_path: Path,
                                                               chain: Chain) -> None:
    own, data = table(tmp_path, chain)
    good = synced(own, data).state.active
    photo = chain.media / PHOTO
    photo.write_bytes(photo.read_bytes() + b"\5")
    newer = chain.publish()
    manifest = json.loads((chain.dest / "manifest.json").read_text())
    chain.server.faults = {entry["sha256"]: "slow" for entry in manifest["files"].values()}
    child = kiosk_sync(own, data)
    deadline = time.monotonic() + 60
    while not any("/files/" in path for path, _ in chain.server.requests[-3:]) and (
            time.monotonic() < deadline):
        time.sleep(0.05)
    time.sleep(0.3)  # inside the slow file now
    os.kill(child.pid, signal.SIGKILL)
    child.wait(10)
    assert assert_whole(data) == good
    chain.server.faults.clear()
    done = kiosk_sync(own, data)
    out, err = done.communicate(timeout=120)
    assert done.returncode == 0, err
    assert json.loads(out)["active"] == newer == assert_whole(data)
    assert not list((data / "fleet" / "files").glob(".part-*"))


def test_kill_9_during_the_build_and_switch_leaves_a_whole_version(tmp_path: Path,
                                                                    chain: Chain) -> None:
    own, data = table(tmp_path, chain)
    for delay in (0.5, 1.2):
        child = kiosk_sync(own, data)
        time.sleep(delay)
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
        assert_whole(data)
    done = kiosk_sync(own, data)
    out, err = done.communicate(timeout=120)
    assert done.returncode == 0, err
    assert json.loads(out)["active"] == assert_whole(data) is not None


def test_a_full_disk_leaves_the_table_as_it_was(tmp_path: Path, chain: Chain) -> None:
    from tests.faults.disks import small_disk

    with small_disk(tmp_path / "disk", size_kb=1024) as disk:
        own, _ = table(tmp_path, chain)
        client = client_for(own, disk / "data")
        result = client.round()
        assert result.error is not None and "cannot hold the new version" in result.error
        assert not client.switch() and content_folders(own, disk / "data").version is None
        assert not list((disk / "data" / "fleet" / "files").glob(".part-*"))


def test_a_table_that_never_synced_syncs_once_before_it_starts(tmp_path: Path,
                                                               chain: Chain) -> None:
    own, data = table(tmp_path, chain)
    assert content_folders(own, data).version is None  # a command other than run: no sync
    started = content_folders(own, data, booting=True)
    assert started.version is not None and started.config_dir == data / "fleet/current/config"
