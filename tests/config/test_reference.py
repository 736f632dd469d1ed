"""The staff reference and the JSON Schemas come from the models that validate the files."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from kiosk.cli import main
from kiosk.config.reference import markdown
from tests.paths import DEMO_CONFIG, REPO


def test_docs_configuration_md_is_up_to_date() -> None:
    committed = (REPO / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert committed == markdown(DEMO_CONFIG), "run: kiosk schema --docs docs/configuration.md"


def test_every_key_of_the_store_model_is_documented_with_an_example() -> None:
    text = markdown(DEMO_CONFIG)
    for key in ("`store.currency`", "`handoff.sms.token_env`", "`sources.nfc.position`",
                "`staff.pin_hash`", "`accessibility.reduced_motion`", "`products[].price`",
                "`tags[].gtin`"):
        assert key in text, key
    assert "| `store.currency` | text | required | `EUR` |" in text


def test_schemas_are_written_and_describe_the_demo_files(tmp_path: Path,
                                                         capsys) -> None:  # noqa: ANN001
    assert main(["schema", "--out", str(tmp_path)]) == 0
    store = json.loads((tmp_path / "store.schema.json").read_text(encoding="utf-8"))
    demo = yaml.safe_load((DEMO_CONFIG / "store.yaml").read_text(encoding="utf-8"))
    assert set(demo) <= set(store["properties"])
    assert set(store["required"]) <= set(demo)
    assert "store.schema.json" in capsys.readouterr().out
