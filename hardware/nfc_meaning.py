"""What an NFC tag means: the GTIN a catalog lookup needs, from NDEF records or the tag's id.

Tag content is untrusted (anyone can write a tag and lay it on the table), so reading records
never raises. Tags without NDEF (or with foreign content) are recognised by their identifier
through a staff-editable map (read and checked by the kiosk's config, like every staff file).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from hardware.gtin import gtin_problem

if TYPE_CHECKING:
    import ndef

MAX_JSON = 4096
MAX_TEXT = 512
UNKNOWN_PREFIX = "nfc:"
HEX = re.compile(r"[0-9A-F]+", re.ASCII)
SEPARATORS = re.compile(r"[:\-\s]")


def gtin_from_records(records: Sequence[ndef.Record]) -> str | None:
    """GTIN-14 from the first record that carries one: Digital Link URI, Text, or JSON.

    A URI record must be a GS1 Digital Link (``https://<any domain>/01/<gtin>``); a Text record
    must hold just a GTIN-8/12/13/14 with a valid check digit; an ``application/json`` record
    must be an object with ``"gtin"`` as a string or integer. Anything else is skipped.
    """
    try:
        candidates = list(records)
    except TypeError:
        return None
    for record in candidates:
        gtin = _gtin_from_record(record)
        if gtin is not None:
            return gtin
    return None


def tag_code(records: Sequence[ndef.Record], tag_id: str, tag_map: dict[str, str]) -> str:
    """The code a tag read completely stands for: its records' GTIN, else the tag map's,
    else ``nfc:<id>``, an unknown product staff can add to the map.

    Only for a read that completed: a read that failed says nothing about the tag (it was
    lifted, or is too slow or too large to read) and must not become an unknown product.
    """
    return gtin_from_records(records) or tag_map.get(tag_id) or f"{UNKNOWN_PREFIX}{tag_id}"


def normalise_tag_id(identifier: bytes | str) -> str:
    """Upper-case hex without separators, so "04:a2:2b" on a label matches the reader's bytes.

    Raises ValueError for a string that is not an even number of hex digits.
    """
    if isinstance(identifier, bytes | bytearray):
        return bytes(identifier).hex().upper()
    text = SEPARATORS.sub("", identifier).upper()
    if not text or not HEX.fullmatch(text) or len(text) % 2:
        raise ValueError(f"{identifier!r} is not a tag identifier: expected hex bytes "
                         "like 04:A2:2B:1A:5C:80")
    return text


def _gtin_from_record(record: object) -> str | None:
    """One record's GTIN; records of other types or with foreign content give None. ndef is
    imported here: the config reads tag identifiers without it."""
    import ndef

    if isinstance(record, ndef.UriRecord):
        return _gtin_from_uri(record.iri)
    if isinstance(record, ndef.TextRecord):
        return _gtin_from_text(record.text)
    if isinstance(record, ndef.Record) and record.type == "application/json":
        return _gtin_from_json(record.data)
    return None


def _gtin_from_uri(uri: object) -> str | None:
    """Only a Digital Link counts: element strings have no place in a URI record (read with
    ``hardware.gs1``, imported here: biip's tables take 20 MB and 0.1 s to load)."""
    from hardware.gs1 import gtin_from_content

    if not isinstance(uri, str) or not uri.lower().startswith(("http://", "https://")):
        return None
    return gtin_from_content(uri, "qr")


def _gtin_from_text(text: object) -> str | None:
    if not isinstance(text, str) or len(text) > MAX_TEXT:
        return None
    return _gtin14(text.strip())


def _gtin_from_json(data: object) -> str | None:
    """``{"gtin": ...}``; oversized, undecodable or deeply nested JSON is ignored."""
    if not isinstance(data, bytes | bytearray) or len(data) > MAX_JSON:
        return None
    try:
        document = json.loads(bytes(data).decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(document, dict):
        return None
    value = document.get("gtin")
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return _gtin14(str(value)) if value >= 0 else None
    if isinstance(value, str):
        return _gtin14(value.strip())
    return None


def _gtin14(code: str) -> str | None:
    if code.isascii() and gtin_problem(code) is None:
        return code.zfill(14)
    return None
