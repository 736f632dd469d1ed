"""What an NFC tag means: the GTIN a catalog lookup needs, from NDEF records or the tag's id.

Tag content is untrusted (anyone can write a tag and lay it on the table), so reading records
never raises. Tags without NDEF (or with foreign content) are recognised by their identifier
through a staff-editable YAML map, whose mistakes are reported with file and line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

import ndef
import yaml

from hardware.gs1 import gtin_from_content
from hardware.gtin import gtin_problem

MAX_JSON = 4096
MAX_TEXT = 512
TAG_ID_BYTES = range(4, 11)
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


def load_tag_map(path: Path) -> dict[str, str]:
    """Tag identifier (normalised hex) to GTIN-14, from ``tags:`` in a YAML file.

    Every bad entry is reported at once, each with its file and line, so staff fix them in one go.
    """
    text = Path(path).read_text(encoding="utf-8")
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        raise ValueError(f"{where}: not valid YAML: {getattr(exc, 'problem', exc)}") from exc
    if root is None:
        return {}
    if not isinstance(root, yaml.MappingNode):
        raise ValueError(f"{_where(path, root)}: expected a mapping with a 'tags' section")
    tags_node: yaml.Node | None = None
    problems: list[str] = []
    for key, value in root.value:
        if isinstance(key, yaml.ScalarNode) and key.value == "tags":
            tags_node = value
        else:
            problems.append(f"{_where(path, key)}: unknown section {_text(key)!r}; "
                            "did you mean 'tags'?")
    mapping = _read_tags(path, tags_node, problems) if tags_node is not None else {}
    if problems:
        raise ValueError("\n".join(problems))
    return mapping


def _read_tags(path: Path, node: yaml.Node, problems: list[str]) -> dict[str, str]:
    """The ``tags`` mapping; the raw scalar text keeps a GTIN's leading zeros."""
    if isinstance(node, yaml.ScalarNode) and node.value in ("", "~", "null"):
        return {}
    if not isinstance(node, yaml.MappingNode):
        problems.append(f"{_where(path, node)}: 'tags' must map tag ids to GTINs")
        return {}
    mapping: dict[str, str] = {}
    lines: dict[str, int] = {}
    for key, value in node.value:
        where = _where(path, key)
        try:
            tag_id = normalise_tag_id(_text(key))
        except ValueError as exc:
            problems.append(f"{where}: {exc}")
            continue
        if len(tag_id) // 2 not in TAG_ID_BYTES:
            problems.append(f"{where}: tag id {_text(key)!r} has {len(tag_id) // 2} bytes; "
                            "NFC tag ids have 4 to 10")
            continue
        gtin = _text(value).strip()
        problem = gtin_problem(gtin)
        if problem is not None:
            problems.append(f"{_where(path, value)}: tag {tag_id}: {problem}")
            continue
        if tag_id in mapping:
            problems.append(f"{where}: tag {tag_id} is listed twice (first on line "
                            f"{lines[tag_id]})")
            continue
        mapping[tag_id] = gtin.zfill(14)
        lines[tag_id] = key.start_mark.line + 1
    return mapping


def _where(path: Path, node: yaml.Node) -> str:
    return f"{path}:{node.start_mark.line + 1}"


def _text(node: yaml.Node) -> str:
    return node.value if isinstance(node, yaml.ScalarNode) else "<not a single value>"


def _gtin_from_record(record: object) -> str | None:
    """One record's GTIN; records of other types or with foreign content give None."""
    if isinstance(record, ndef.UriRecord):
        return _gtin_from_uri(record.iri)
    if isinstance(record, ndef.TextRecord):
        return _gtin_from_text(record.text)
    if isinstance(record, ndef.Record) and record.type == "application/json":
        return _gtin_from_json(record.data)
    return None


def _gtin_from_uri(uri: object) -> str | None:
    """Only a Digital Link counts: element strings have no place in a URI record."""
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
