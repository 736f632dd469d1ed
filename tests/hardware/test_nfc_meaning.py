"""What a tag means: GTINs from NDEF records, and the staff-edited tag-id map."""

from __future__ import annotations

import json
from pathlib import Path

import ndef
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hardware.gtin import check_digit
from hardware.nfc_meaning import gtin_from_records, normalise_tag_id

GTIN = "03760000000017"


def json_record(payload: bytes) -> ndef.Record:
    return ndef.Record("application/json", "", payload)


@pytest.mark.parametrize("record", [
    ndef.UriRecord("https://id.gs1.org/01/03760000000017"),
    ndef.UriRecord("https://shop.example.com/p/01/3760000000017/21/abc?x=1"),
    ndef.TextRecord("3760000000017"),
    ndef.TextRecord(" 03760000000017 ", "fr"),
    json_record(b'{"gtin": "3760000000017", "name": "Tea"}'),
    json_record(b'{"gtin": 3760000000017}'),
])
def test_each_kind_of_record_gives_the_gtin14(record: ndef.Record) -> None:
    assert gtin_from_records([record]) == GTIN


@pytest.mark.parametrize("record", [
    ndef.UriRecord("https://id.gs1.org/01/03760000000018"),       # wrong check digit
    ndef.UriRecord("https://example.com/product/3760000000017"),  # not a Digital Link
    ndef.UriRecord("(01)03760000000017"),                         # element string, not a URI
    ndef.TextRecord("3760000000018"),
    ndef.TextRecord("Fresh tea 3760000000017"),
    json_record(b'{"gtin": true}'),
    json_record(b'{"gtin": -3760000000017}'),
    json_record(b'["3760000000017"]'),
    json_record(b"{not json"),
    json_record(b"\xff\xfe"),
    json_record(b"[" * 3000 + b"]" * 3000),
    json_record(b'{"gtin": "3760000000017", "pad": "' + b"x" * 5000 + b'"}'),
    ndef.Record("text/plain", "", b"3760000000017"),
])
def test_records_without_a_valid_gtin_give_none(record: ndef.Record) -> None:
    assert gtin_from_records([record]) is None


def test_first_match_wins_and_other_records_are_skipped() -> None:
    records = [ndef.TextRecord("hello"), ndef.UriRecord("https://id.gs1.org/01/96385074"),
               ndef.TextRecord("3760000000017")]
    assert gtin_from_records(records) == "00000096385074"
    assert gtin_from_records([]) is None


gtin_bodies = st.sampled_from([7, 11, 12, 13]).flatmap(
    lambda n: st.text("0123456789", min_size=n, max_size=n))


@given(gtin_bodies)
def test_any_valid_gtin_round_trips_through_every_record_kind(body: str) -> None:
    code = body + str(check_digit(body))
    expected = code.zfill(14)
    assert gtin_from_records([ndef.TextRecord(code)]) == expected
    assert gtin_from_records([ndef.UriRecord(f"https://id.gs1.org/01/{code}")]) == expected
    assert gtin_from_records([json_record(json.dumps({"gtin": code}).encode())]) == expected


@given(st.binary(max_size=300))
def test_arbitrary_json_payloads_never_raise(payload: bytes) -> None:
    result = gtin_from_records([json_record(payload)])
    assert result is None or len(result) == 14


@given(st.text(max_size=300))
def test_arbitrary_text_and_uris_never_raise(text: str) -> None:
    for record in (ndef.TextRecord(text), ndef.UriRecord(text)):
        result = gtin_from_records([record])
        assert result is None or (len(result) == 14 and result.isdigit())


@given(st.binary(max_size=200))
def test_records_decoded_from_arbitrary_bytes_never_raise(octets: bytes) -> None:
    try:
        records = list(ndef.message_decoder(octets, errors="relax"))
    except (ndef.DecodeError, ValueError):  # refused, as the reader refuses it
        return
    gtin_from_records(records)


def test_normalise_tag_id_accepts_bytes_and_labels() -> None:
    assert normalise_tag_id(bytes.fromhex("04a22b1a5c80")) == "04A22B1A5C80"
    assert normalise_tag_id("04:a2:2b:1a:5c:80") == "04A22B1A5C80"
    assert normalise_tag_id("04-A2 2B1A5C80") == "04A22B1A5C80"
    for bad in ("", "04:A2:2", "zz11", "04:A2:2B:1A:5C:8G"):
        with pytest.raises(ValueError, match="not a tag identifier"):
            normalise_tag_id(bad)


@given(st.binary(min_size=1, max_size=10))
def test_normalised_ids_of_bytes_and_their_labels_agree(raw: bytes) -> None:
    label = ":".join(f"{byte:02x}" for byte in raw)
    assert normalise_tag_id(label) == normalise_tag_id(raw)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "tags.yaml"
    path.write_text(text, encoding="utf-8")
    return path
