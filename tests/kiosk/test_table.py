from __future__ import annotations

from hardware.events import Placed, Removed, SourceState, SourceStatus
from kiosk.scenes.table import Table


def test_place_move_remove() -> None:
    table = Table()
    assert table.apply(Placed("a", "sim", (0.2, 0.3), 0, t=1.0))
    assert table.apply(Placed("b", "nfc", (0.6, 0.3), 0, t=1.5))
    assert table.apply(Placed("a", "sim", (0.4, 0.3), 90, t=2.0))
    moved = table.get("a")
    assert moved is not None and moved.position == (0.4, 0.3) and moved.since == 1.0
    assert [item.code for item in table.items] == ["a", "b"]
    assert table.apply(Removed("a", "sim", t=3.0))
    assert [item.code for item in table.items] == ["b"]


def test_repeated_detections_change_nothing() -> None:
    table = Table()
    table.apply(Placed("a", "sim", (0.2, 0.3), 0, t=1.0))
    version = table.version
    assert not table.apply(Placed("a", "sim", (0.2, 0.3), 0, t=1.1))
    assert table.version == version


def test_a_source_only_removes_what_it_placed() -> None:
    table = Table()
    table.apply(Placed("a", "camera", (0.2, 0.3), 0, t=1.0))
    assert not table.apply(Removed("a", "nfc", t=2.0))
    assert not table.apply(Removed("zzz", "camera", t=2.0))
    assert len(table) == 1


def test_device_states_are_kept_per_source() -> None:
    table = Table()
    assert not table.apply(SourceStatus("nfc", SourceState.UNAVAILABLE, "unplugged"))
    table.apply(SourceStatus("nfc", SourceState.OK))
    assert table.statuses["nfc"].state == SourceState.OK
