"""Staff mode: a long press in the corner, a PIN kept only as a hash, a lock-out, and the
controls staff need without a keyboard."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from kiosk.config import KioskConfig
from kiosk.config.pin_hash import hash_pin, pin_hash_problem, pin_matches
from kiosk.staff.gate import MAX_TRIES, StaffGate
from tests.kiosk.scenarios import find, run, tree

PIN = "2468"  # the demo store's


def press_corner(at: float, seconds: float = 3.2) -> dict[str, Any]:
    """A finger held still in the top-left corner."""
    return {"at": at, "drag": {"x": 0.02, "y": 0.03, "seconds": seconds}}


def keys(pin: str, at: float) -> list[dict[str, Any]]:
    return [{"at": round(at + index * 0.05, 2), "tap": {"label": digit}}
            for index, digit in enumerate(pin)]


def test_the_pin_is_stored_as_a_salted_scrypt_hash() -> None:
    first, second = hash_pin(PIN), hash_pin(PIN)
    assert first != second and PIN not in first
    assert pin_hash_problem(first) is None
    assert pin_matches(PIN, first) and not pin_matches("2469", first)
    assert pin_hash_problem("2468") is not None
    assert pin_hash_problem("scrypt$3$8$1$00$00") is not None


def test_five_wrong_pins_lock_the_pad_for_a_while() -> None:
    now = [0.0]
    gate = StaffGate(hash_pin(PIN), lockout_s=300, clock=lambda: now[0])
    assert [gate.check("0000") for _ in range(MAX_TRIES - 1)] == ["wrong"] * (MAX_TRIES - 1)
    assert gate.check("1111") == "locked"
    assert gate.check(PIN) == "locked"  # even the right PIN, while locked
    now[0] = 299.0
    assert gate.check(PIN) == "locked"
    now[0] = 301.0
    assert gate.check(PIN) == "ok"


def test_a_long_press_and_the_pin_open_the_staff_screen(demo_config: KioskConfig,
                                                        tmp_path: Path) -> None:
    result = run(demo_config, tmp_path, [
        {"at": 0.1, "place": {"gtin": "3760000000017", "x": 0.5, "y": 0.6}},
        {"at": 0.2, "drag": {"x": 0.02, "y": 0.03, "seconds": 1.0}},
        {"at": 1.4, "screenshot": "short-press"},
        press_corner(1.5),
        {"at": 4.9, "screenshot": "pin"},
        *keys(PIN, 5.0),
        {"at": 5.3, "tap": {"label": "Valider"}},
        {"at": 5.5, "screenshot": "staff"},
        {"at": 5.6, "tap": {"label": "Langue par défaut : Français"}},
        {"at": 5.8, "screenshot": "english-default"},
        {"at": 5.9, "tap": {"label": "Quitter le kiosque"}},
    ])
    assert result.ok, result.stats.errors
    assert not find(tree(tmp_path, "short-press"), role="staff")
    (pad,) = find(tree(tmp_path, "pin"), role="staff")
    assert pad["text"] == "pin"
    staff = tree(tmp_path, "staff")
    assert find(staff, role="staff")[0]["text"] == "open"
    statuses = {node["label"]: node["text"] for node in find(staff, role="status")}
    assert statuses["camera"].startswith("ok") and statuses["nfc"].startswith("ok")
    assert any(node["text"] == "Envois en attente : 0" for node in find(staff, role="text"))
    assert find(tree(tmp_path, "english-default"), role="button",
                label="Langue par défaut : English")


def test_wrong_pins_say_so_and_lock_the_pad(demo_config: KioskConfig, tmp_path: Path) -> None:
    staff = demo_config.store.staff.model_copy(update={"hold_s": 1.0})
    config = dataclasses.replace(demo_config, store=demo_config.store.model_copy(
        update={"staff": staff}))
    steps: list[dict[str, Any]] = [press_corner(0.1, 1.2)]
    for attempt in range(MAX_TRIES):
        at = 1.5 + attempt * 0.4
        steps += [*keys("1357", at), {"at": round(at + 0.25, 2), "tap": {"label": "Valider"}}]
    steps.append({"at": 3.6, "screenshot": "locked"})
    result = run(config, tmp_path, steps)
    assert result.ok, result.stats.errors
    (notice,) = find(tree(tmp_path, "locked"), role="notice")
    assert notice["text"] == "Trop d'essais : réessayez dans 5 min."
    assert find(tree(tmp_path, "locked"), role="staff")[0]["text"] == "pin"


@pytest.mark.parametrize("corner", ["bottom-right"])
def test_the_corner_comes_from_the_config(demo_config: KioskConfig, tmp_path: Path,
                                          corner: str) -> None:
    staff = demo_config.store.staff.model_copy(update={"corner": corner, "hold_s": 1.0})
    config = dataclasses.replace(demo_config, store=demo_config.store.model_copy(
        update={"staff": staff}))
    result = run(config, tmp_path, [
        {"at": 0.1, "drag": {"x": 0.02, "y": 0.03, "seconds": 1.2}},
        {"at": 1.5, "screenshot": "wrong-corner"},
        {"at": 1.6, "drag": {"x": 0.98, "y": 0.97, "seconds": 1.2}},
        {"at": 3.0, "screenshot": "right-corner"},
    ])
    assert result.ok, result.stats.errors
    assert not find(tree(tmp_path, "wrong-corner"), role="staff")
    assert find(tree(tmp_path, "right-corner"), role="staff")


def test_the_staff_screen_shows_todays_figures_from_the_event_log(demo_config: KioskConfig,
                                                                  tmp_path: Path) -> None:
    result = run(demo_config, tmp_path, [
        {"at": 0.1, "place": {"gtin": "3760000000017", "x": 0.3, "y": 0.6}},
        {"at": 0.2, "place": {"gtin": "3760000000024", "x": 0.7, "y": 0.6}},
        {"at": 0.6, "remove": {"gtin": "3760000000017"}},
        {"at": 0.7, "remove": {"gtin": "3760000000024"}},
        {"at": 0.8, "place": {"gtin": "3760000000017", "x": 0.3, "y": 0.6}},
        press_corner(1.0),
        *keys(PIN, 4.5),
        {"at": 4.8, "tap": {"label": "Valider"}},
        {"at": 5.0, "screenshot": "staff"},
    ])
    assert result.ok, result.stats.errors
    texts = [node["text"] for node in find(tree(tmp_path, "staff"), role="text")]
    assert "Aujourd'hui : 1 visite(s), 3 produit(s) posé(s), 0 envoi(s)" in texts
    assert "Envois en attente : 0" in texts
