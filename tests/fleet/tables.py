"""A synced table for the tests: its own config folder (a store.yaml with what belongs to
it and ``fleet.sync``) and its data folder, and its sync client."""

from __future__ import annotations

from pathlib import Path

import yaml
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.config.fleet import SyncSettings
from kiosk.fleet.manifest import public_key_text
from kiosk.fleet.sync import SyncClient, in_process_validator
from tests.fleet.conftest import Chain
from tests.paths import DEMO_CONFIG


def table(tmp_path: Path, chain: Chain, name: str = "table", path: str = "manifest.json",
          key: Ed25519PrivateKey | None = None) -> tuple[Path, Path]:
    """A table's own config folder (its store.yaml with fleet.sync) and its data folder."""
    own = tmp_path / name / "config"
    own.mkdir(parents=True)
    demo = yaml.safe_load((DEMO_CONFIG / "store.yaml").read_text(encoding="utf-8"))
    mine = {key_: demo[key_] for key_ in ("store", "sources", "table", "staff")}
    mine["sources"]["nfc"].pop("tags", None)
    mine["fleet"] = {"sync": {"url": chain.server.url(path), "interval_s": 5,
                              "public_key": public_key_text(key or chain.key),
                              "timeout_s": 5, "probation_s": 300}}
    (own / "store.yaml").write_text(yaml.safe_dump(mine), encoding="utf-8")
    return own, tmp_path / name / "data"


def client_for(own: Path, data: Path) -> SyncClient:
    settings = SyncSettings.model_validate(
        yaml.safe_load((own / "store.yaml").read_text())["fleet"]["sync"])
    return SyncClient(settings, "paris-rivoli", data, own / "store.yaml",
                      in_process_validator(data))


def synced(own: Path, data: Path) -> SyncClient:
    client = client_for(own, data)
    result = client.round()
    assert result.error is None, result.error
    assert client.switch()
    return client
