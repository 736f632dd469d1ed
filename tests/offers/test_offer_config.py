"""``offers.yaml`` and its codes files, checked with the rest of the config, and what
``kiosk offers`` and ``kiosk validate`` say about them."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.config import ConfigInvalid, load_config
from kiosk.config.offers import read_codes
from kiosk.offers.channels import wallet_channels
from kiosk.offers.status import offer_states
from tests.paths import DEMO_CONFIG, DEMO_MEDIA, REPO

ESPRESSO = "3760000000178"
RUN_SHOE = "3760000000093"


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    shutil.copytree(DEMO_CONFIG, tmp_path / "config")
    return tmp_path / "config"


def write_offers(config_dir: Path, body: str) -> None:
    (config_dir / "offers.yaml").write_text(body, encoding="utf-8")


def errors_of(config_dir: Path) -> list[str]:
    with pytest.raises(ConfigInvalid) as failed:
        load_config(config_dir, DEMO_MEDIA)
    return [str(error) for error in failed.value.errors]


OFFER = """offers:
  - id: {id}
    title: {{fr: "Offre", en: "Offer"}}
    terms: {{fr: "Conditions", en: "Terms"}}
{extra}"""


def test_the_demo_has_a_shared_code_and_a_pool(demo_config) -> None:  # noqa: ANN001
    offers = {offer.id: offer for offer in demo_config.offers.offers}
    assert any(offer.code for offer in offers.values())
    pools = demo_config.offers.pools or {}
    assert pools and all(pool.count >= 3 for pool in pools.values())


def test_an_offer_needs_exactly_one_kind_of_code(config_dir: Path) -> None:
    write_offers(config_dir, OFFER.format(id="both", extra="    code: A\n"
                                          "    codes_file: offers/espresso-welcome.csv\n"))
    assert any("offers.yaml:2: offers[0]: give either code" in error
               for error in errors_of(config_dir))
    write_offers(config_dir, OFFER.format(id="neither", extra=""))
    assert any("not both and not neither" in error for error in errors_of(config_dir))


def test_what_an_offer_names_must_be_in_the_catalog(config_dir: Path) -> None:
    write_offers(config_dir, OFFER.format(id="x", extra=(
        '    code: A\n    products: ["3760000000178", "4006381333931"]\n'
        "    departments: [running, garden]\n")))
    errors = errors_of(config_dir)
    assert any("offers.yaml:6: offers[0].products[1]: GTIN 4006381333931 is not in the "
               "catalog" in error for error in errors)
    assert any("offers[0].departments[1]: no department 'garden'" in error for error in errors)
    assert len(errors) == 2


def test_two_offers_with_one_id_and_a_bad_schedule(config_dir: Path) -> None:
    body = OFFER.format(id="twice", extra="    code: A\n")
    body += "\n".join(OFFER.format(id="twice", extra="    code: B\n    starts: 2030-02-01\n"
                                   "    until: 2030-01-01\n").splitlines()[1:]) + "\n"
    write_offers(config_dir, body)
    errors = errors_of(config_dir)
    assert any("offers[1]: starts (2030-02-01) is after until" in error for error in errors)
    body = OFFER.format(id="twice", extra="    code: A\n") + "\n".join(
        OFFER.format(id="twice", extra="    code: B\n").splitlines()[1:]) + "\n"
    write_offers(config_dir, body)
    assert any("offers[1].id: offer twice is already defined at line 2" in error
               for error in errors_of(config_dir))


def test_codes_files_are_checked_line_by_line(config_dir: Path) -> None:
    (config_dir / "codes.csv").write_text("id;code;value\n1;AAA;5\n2;BBB;5\n3;AAA;5\n4;;5\n",
                                          encoding="utf-8")
    write_offers(config_dir, OFFER.format(id="pool", extra="    codes_file: codes.csv\n"))
    errors = errors_of(config_dir)
    assert [error for error in errors if "codes.csv" in error] == [
        f"{config_dir / 'codes.csv'}:4: code AAA is already listed at line 2"]
    (config_dir / "codes.csv").write_text("", encoding="utf-8")
    assert any("holds no code" in error for error in errors_of(config_dir))
    (config_dir / "codes.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    assert any("name the column of codes" in error for error in errors_of(config_dir))
    write_offers(config_dir, OFFER.format(id="pool", extra="    codes_file: ../store.yaml\n"))
    assert any("leaves the config folder" in error for error in errors_of(config_dir))
    write_offers(config_dir, OFFER.format(id="pool", extra="    codes_file: nowhere.csv\n"))
    assert any("codes file 'nowhere.csv' not found" in error for error in errors_of(config_dir))


def test_a_staff_export_is_read_whatever_its_shape(tmp_path: Path) -> None:
    one_column = tmp_path / "one.csv"
    one_column.write_bytes("\ufeffK1\r\nK2\r\n\r\nK3\r\n".encode())
    assert read_codes(one_column) == (["K1", "K2", "K3"], [])
    spreadsheet = tmp_path / "export.csv"
    spreadsheet.write_bytes("Valeur;Coupon\n5;É-1\n5;É-2\n".encode("cp1252"))
    assert read_codes(spreadsheet) == (["É-1", "É-2"], [])
    garbage = tmp_path / "garbage.csv"
    garbage.write_bytes(bytes(range(256)) * 8)
    codes, problems = read_codes(garbage)
    assert codes == [] and problems and problems[0][0] == 1


def test_offers_need_the_web_shops_offer_page(config_dir: Path) -> None:
    store = config_dir / "store.yaml"
    text = store.read_text(encoding="utf-8")
    store.write_text("\n".join(line for line in text.splitlines()
                               if not line.startswith("  offer_url:")) + "\n", encoding="utf-8")
    assert any("offers need handoff.offer_url" in error for error in errors_of(config_dir))
    store.write_text(text.replace("?code={code}", ""), encoding="utf-8")
    assert any("offer_url: the link must contain {code}" in error
               for error in errors_of(config_dir))


def test_states_codes_left_and_products(config_dir: Path, tmp_path: Path) -> None:
    today = dt.date.today()
    write_offers(config_dir, f"""offers:
  - id: now
    title: {{fr: "a", en: "a"}}
    terms: {{fr: "t", en: "t"}}
    products: ["{ESPRESSO}"]
    code: NOW
  - id: later
    title: {{fr: "b", en: "b"}}
    terms: {{fr: "t", en: "t"}}
    code: LATER
    starts: {today + dt.timedelta(days=3)}
  - id: gone
    title: {{fr: "c", en: "c"}}
    terms: {{fr: "t", en: "t"}}
    code: GONE
    until: {today - dt.timedelta(days=1)}
  - id: running
    title: {{fr: "d", en: "d"}}
    terms: {{fr: "t", en: "t"}}
    departments: [running]
    codes_file: offers/espresso-welcome.csv
""")
    config = load_config(config_dir, DEMO_MEDIA)
    states = {record["id"]: record for record in offer_states(
        config, tmp_path / "data", wallet_channels(config.store.wallet, {}),
        dt.datetime.now())}
    assert {key: record["state"] for key, record in states.items()} == {
        "now": "active", "later": "scheduled", "gone": "expired", "running": "active"}
    assert states["now"]["gtins"] == [ESPRESSO] and states["now"]["codes_left"] is None
    assert states["running"]["codes_left"] == 3
    assert RUN_SHOE in states["running"]["gtins"] and ESPRESSO not in states["running"]["gtins"]
    assert states["later"]["gtins"] == states["gone"]["gtins"] == []
    assert all(record["channels"] == [] for record in states.values())


def test_kiosk_offers_json_and_validate_say_which_channels_are_off(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "SDL_VIDEODRIVER": "dummy"}
    offers = subprocess.run(
        [sys.executable, "-m", "kiosk", "offers", "--json", "--data", str(tmp_path / "data")],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert offers.returncode == 0, offers.stderr
    records = [json.loads(line) for line in offers.stdout.splitlines()]
    assert [record["id"] for record in records] == ["run-club-15", "espresso-welcome"]
    assert all(set(record) >= {"id", "state", "codes_left", "channels", "gtins"}
               for record in records)
    assert records[1]["codes_left"] == 3 and records[1]["gtins"] == [ESPRESSO]
    validate = subprocess.run([sys.executable, "-m", "kiosk", "validate"], cwd=REPO, env=env,
                              capture_output=True, text=True, timeout=60)
    assert validate.returncode == 0, validate.stderr
    assert "Apple Wallet: off — KIOSK_PASS_CERT is not set" in validate.stdout
    assert "Google Wallet: off — KIOSK_GOOGLE_WALLET_KEY is not set" in validate.stdout
