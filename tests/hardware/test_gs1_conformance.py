"""The GS1 conformance set (``gs1_cases.py``): every case by its text, then every URI form on
an NFC tag through nfcpy's udp driver, and every symbol form drawn by zxing-cpp's writer
(GS1 DataMatrix, GS1-128, GS1 QR marked by their FNC1) and read back by ``kiosk scan
--json``, with the GS1 data and problems it reports."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import cv2
import ndef
import numpy as np
import pytest
import zxingcpp

from hardware.backoff import Backoff
from hardware.events import Placed, SourceState
from hardware.gs1 import read_content
from hardware.nfc_reader import NfcReaderSource
from hardware.virtual_nfc import free_udp_port, install_loopback
from tests.hardware.gs1_cases import CASES, GS, GTIN, Case
from tests.hardware.nfc_emulator import tag_memory, tag_on_reader
from tests.hardware.test_nfc_reader import Collector, message, state
from tests.paths import REPO

SYMBOLS = {"datamatrix": zxingcpp.BarcodeFormat.DataMatrix, "qr": zxingcpp.BarcodeFormat.QRCode,
           "code128": zxingcpp.BarcodeFormat.Code128}


@pytest.mark.parametrize("case", CASES, ids=[f"{c.form}-{i}" for i, c in enumerate(CASES)])
def test_each_case_by_its_text(case: Case) -> None:
    reading = read_content(case.content, case.fmt, case.symbology)
    assert reading.gtin == case.gtin, reading
    if case.problems:
        assert reading.problems, reading
    elif case.gtin is not None:
        assert not reading.problems, reading


def test_the_data_a_label_carries_is_named() -> None:
    reading = read_content(f"01{GTIN}17261231{'10'}LOT-7{GS}3103000125", "datamatrix", "]d2")
    data = reading.as_json()
    assert (data["expiry"], data["batch"], data["net_weight_kg"]) == ("261231", "LOT-7",
                                                                      "000125")
    assert data["ais"]["01"] == GTIN and data["problems"] == []


def test_content_is_never_trusted() -> None:
    for hostile in ("\x00" * 10, "x" * 100_000, "]C1" + "9" * 500, "https://" + "/" * 400,
                    "https://id.gs1.org/" + "A" * 480, "(01)(17)(10)", "]d2" + GS * 40):
        for fmt in ("qr", "datamatrix", "code128", "ean13", "upce"):
            read_content(hostile, fmt, "]d2")  # total: a result, never an exception


URI_CASES = [case for case in CASES if case.content.lower().startswith("https://")]


@pytest.fixture
def reader(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Collector, int]]:
    install_loopback(monkeypatch.setattr)
    port = free_udp_port()
    source = NfcReaderSource(f"udp:127.0.0.1:{port}", time.monotonic, name="nfc-test",
                             backoff=Backoff(0.1, 0.5), targets=("212F",))
    source.start()
    collector = Collector(source)
    collector.wait_for(state(SourceState.OK))
    yield collector, port
    source.stop()


@pytest.mark.timeout(90)
def test_every_link_form_on_an_nfc_tag_reads_as_on_a_label(reader: tuple[Collector, int]
                                                           ) -> None:
    """The same interpretation for a tag's URI record as for a camera's QR code: a case of
    each link form (the text tests above cover every case; a tag takes a second)."""
    collector, port = reader
    one_per_form = {c.form: c for c in reversed(URI_CASES) if c.gtin is not None}
    for case in one_per_form.values():
        with tag_on_reader(port, tag_memory(message(ndef.UriRecord(case.content)))) as tag:
            placed = collector.wait_for(lambda event: isinstance(event, Placed), 10)
            tag.lift()
        assert placed.code == case.gtin, case  # type: ignore[union-attr]
    wrong = next(c for c in URI_CASES if c.form == "invalid GTIN")
    with tag_on_reader(port, tag_memory(message(ndef.UriRecord(wrong.content)))) as tag:
        placed = collector.wait_for(lambda event: isinstance(event, Placed), 10)
        tag.lift()
    assert placed.code.startswith("nfc:")  # type: ignore[union-attr]  # unknown, not a product


def _drawn(case: Case, folder: Path, index: int) -> Path | None:
    """The case as a symbol zxing-cpp's writer draws: marked GS1 (FNC1) when its symbology
    says so, from the bracketed form the writer wants."""
    gs1 = case.symbology in ("]C1", "]d2", "]Q3") or case.content.startswith("]Q3")
    content = case.content.removeprefix("]Q3")
    if gs1:
        content = _bracketed(content)
        if content is None:
            return None
    try:
        symbol = zxingcpp.create_barcode(content, SYMBOLS[case.fmt], gs1=gs1) if gs1 else (
            zxingcpp.create_barcode(content, SYMBOLS[case.fmt]))
    except (RuntimeError, ValueError):
        return None
    image = np.array(symbol.to_image(scale=6, add_quiet_zones=True))
    path = folder / f"{index:02d}.png"
    cv2.imwrite(str(path), cv2.copyMakeBorder(image, 40, 40, 40, 40, cv2.BORDER_CONSTANT,
                                              value=255))
    return path


def _bracketed(raw: str) -> str | None:
    """An element string written with brackets, AI by AI (the writer's input)."""
    reading = read_content(raw, "datamatrix", "]d2")
    if reading.problems or not reading.data:
        return None
    return "".join(f"({ai}){value}" for ai, value in reading.data)


def test_symbols_read_back_by_kiosk_scan(tmp_path: Path) -> None:
    drawn = {}
    for index, case in enumerate(CASES):
        if case.fmt in SYMBOLS and (path := _drawn(case, tmp_path, index)) is not None:
            drawn[path.name] = case
    assert len(drawn) >= 20
    scanned = subprocess.run([sys.executable, "-m", "kiosk", "scan", "--json",
                              *sorted(str(tmp_path / name) for name in drawn)], cwd=REPO,
                             capture_output=True, text=True, timeout=120)
    assert scanned.returncode == 0, scanned.stderr
    dated = 0
    for line in scanned.stdout.splitlines():
        record = json.loads(line)
        case = drawn[Path(record["file"]).name]
        (code,) = record["codes"]
        expected = case.gtin.lstrip("0").zfill(13) if case.gtin else None
        assert (code["gtin"] or None) in ({expected, case.gtin} if expected else {None}), (
            case, code)
        assert "gs1" in code and isinstance(code["gs1"]["problems"], list)
        if "(17)261231(10)ABC" in case.content or case.content.endswith("17261231"):
            assert code["gs1"]["expiry"] == "261231", code
            dated += 1
        if "10ABC" in case.content or "(10)ABC" in case.content:
            assert code["gs1"]["batch"] == "ABC", code
    assert dated >= 2

