"""Product identity and GS1 data from decoded content, on biip (a maintained GS1 library).

A product carries its GTIN in many forms: the digits of an EAN/UPC symbol; a GS1 element
string (raw with FNC1/GS separators, or bracketed) in a Code 128, QR or Data Matrix marked GS1
by its symbology identifier; a GS1 Digital Link URI on any domain, with the AI in its path
(``/01/…``) or its short name (``/gtin/…``), compressed, or as a data attribute of another key
(``/414/…?01=…``). biip knows the Application Identifiers, their formats and check digits;
what is ours is thin: which symbology may carry what, the Digital Link forms biip lacks
(short names, query attributes, compression in ``hardware.gs1_compression``), and the
leniency below.

Lenient for the shopper, exact for the staff: a sound GTIN finds its product even when the
rest breaks the syntax (an expired label still sells the product); every problem is kept, in
the standard's terms, for ``kiosk scan --json``. A GTIN with a bad check digit or length, or
two different GTINs, gives no product. A symbol not marked GS1 is read as an element string
only when the whole of it is a valid one, so a random number is never a product.

Barcode content is untrusted: every path here is total (any ``str`` gives a result).

biip is imported where it is needed, not with this module: its tables hold about 20 MB, and
the EAN/UPC digits most products carry are read without it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote, urlsplit

from hardware.gs1_compression import CompressionError, decompress, is_compressed_path
from hardware.gtin import is_valid_gtin, normalise_code

if TYPE_CHECKING:
    from biip import ParseError

MAX_CONTENT = 512
CACHED = 1024
GS = "\x1d"
RETAIL = frozenset({"ean13", "ean8", "upca"})
ELEMENT_STRING_FORMATS = frozenset({"code128", "qr", "datamatrix"})
DIGITS = re.compile(r"[0-9]+", re.ASCII)
AI_KEY = re.compile(r"[0-9]{2,4}", re.ASCII)
SHORT_NAMES = {
    "gtin": "01", "itip": "8006", "cpid": "8010", "gln": "414", "party": "417",
    "gsrn": "8018", "gsrnp": "8017", "gdti": "253", "sscc": "00", "grai": "8003",
    "giai": "8004", "gcn": "255", "gmn": "8013", "ginc": "401", "gsin": "402", "upui": "235",
    "cpv": "22", "lot": "10", "ser": "21", "glnx": "254",
}
"""GS1 Digital Link 1.2's short names of primary keys and key qualifiers (biip reads only
the numeric AIs)."""
PRIMARY_KEYS = frozenset({"01", "00", "253", "255", "401", "402", "414", "417", "8003",
                          "8004", "8006", "8010", "8013", "8017", "8018"})
NAMED = {"10": "batch", "21": "serial", "17": "expiry", "15": "best_before", "11": "produced",
         "13": "packed", "7003": "expiry_time"}
"""AIs staff look for, given a name in ``kiosk scan --json`` (weights: AI 310n and kin)."""


@dataclass(frozen=True)
class Gs1Reading:
    """What a code's content says: its product's GTIN-14 (None: not a product code), the
    form it came in, the GS1 data it carried as (AI, value), and every syntax problem."""

    gtin: str | None
    form: str
    data: tuple[tuple[str, str], ...] = ()
    problems: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        """For ``kiosk scan --json``: the data by AI, the usual ones by name too."""
        named: dict[str, str] = {}
        for ai, value in self.data:
            name = NAMED.get(ai) or ("net_weight_kg" if ai.startswith("310") else None)
            if name and name not in named:
                named[name] = value
        return {"form": self.form, "gtin": self.gtin,
                "ais": {ai: value for ai, value in self.data}, **named,
                "problems": list(self.problems)}


NOTHING = Gs1Reading(None, "other")


def gtin_from_content(text: str, fmt: str, symbology: str | None = None) -> str | None:
    """GTIN-14 (valid check digit) of a decoded code, or None when it names no product."""
    return read_content(text, fmt, symbology).gtin


def read_content(text: str, fmt: str, symbology: str | None = None) -> Gs1Reading:
    """Everything the content says. ``fmt``: a format of ``hardware.symbologies.FORMATS``;
    ``symbology``: the symbology identifier the decoder reports (``]C1``, ``]d2``, ``]Q3``,
    ``]e0``…), which decides whether the content is a GS1 element string.

    Remembered for the last ``CACHED`` contents: a product on the table is decoded frame
    after frame, and is interpreted once (about 0.1 ms the first time)."""
    if not isinstance(text, str) or not isinstance(fmt, str) or len(text) > MAX_CONTENT:
        return Gs1Reading(None, "refused", problems=("content over 512 characters",))
    return _read(text, fmt, symbology if isinstance(symbology, str) else None)


def forget() -> None:
    """Forget the contents read (for benchmarks timing a first reading)."""
    _read.cache_clear()


@lru_cache(maxsize=CACHED)
def _read(text: str, fmt: str, symbology: str | None) -> Gs1Reading:
    if len(text) > MAX_CONTENT:
        return Gs1Reading(None, "refused", problems=("content over 512 characters",))
    if any(_is_control(char) for char in text):
        return Gs1Reading(None, "refused", problems=("control characters in the content",))
    fmt, content = fmt.lower(), text.strip(" ")
    if content.startswith("]") and len(content) >= 3:
        symbology, content = content[:3], content[3:]
    if re.match(r"https?://", content, re.IGNORECASE):
        return read_link(content)
    if fmt in RETAIL:
        return _retail(content)
    if fmt == "upce":
        return _upce(content)
    gs1 = _is_gs1(symbology)
    if fmt in ELEMENT_STRING_FORMATS or gs1:
        if content.startswith("("):
            return _bracketed(content)
        return _element_string(content, marked=gs1)
    return NOTHING


def expand_upce(code: str) -> str | None:
    """The 12-digit UPC-A a UPC-E code stands for (6 digits, or 8 with number system 0/1 and
    a check digit that must match), or None. Seven digits are ambiguous and refused."""
    if not (DIGITS.fullmatch(code) and len(code) in (6, 8)) or (
            len(code) == 8 and code[0] not in "01"):
        return None
    from biip import ParseError
    from biip.upc import Upc
    try:
        upc = Upc.parse(code if len(code) == 8 else "0" + code)
        return upc.as_upc_a()
    except ParseError:
        return None


def _is_control(char: str) -> bool:
    point = ord(char)
    return char != GS and (point < 0x20 or 0x7F <= point <= 0x9F)


def _is_gs1(symbology: str | None) -> bool:
    if not symbology:
        return False
    from biip import ParseError
    from biip.symbology import SymbologyIdentifier
    try:
        return SymbologyIdentifier.extract(symbology).gs1_symbology is not None
    except (ParseError, ValueError):
        return False


def _gtin14(value: str) -> str | None:
    """GTIN-14 of a GTIN-8/12/13/14 whose check digit holds."""
    return normalise_code(value) if is_valid_gtin(value) else None


def _retail(content: str) -> Gs1Reading:
    gtin = _gtin14(content)
    return Gs1Reading(gtin, "retail", (("01", gtin),) if gtin else (),
                      () if gtin else (f"{content[:20]!r} is not a valid GTIN",))


def _upce(content: str) -> Gs1Reading:
    if len(content) in (12, 13, 14):  # already expanded by the decoder
        return _retail(content)
    upca = expand_upce(content)
    return _retail(upca) if upca else Gs1Reading(None, "retail",
                                                problems=(f"{content!r} is not UPC-E",))


def _element_string(content: str, marked: bool) -> Gs1Reading:
    """A raw element string. Marked GS1 (FNC1): lenient. Not marked: only a whole, valid
    element string counts (a label printed without FNC1), anything else is plain text."""
    content = content.lstrip(GS)
    pairs, problems = _walk(content)
    if not marked and (problems or not pairs):
        return NOTHING
    return _with_gtin(pairs, problems, "element string")


def _walk(content: str) -> tuple[list[tuple[str, str]], list[str]]:
    """The element string's (AI, value) pairs, AI by AI with biip, up to the first one that
    breaks the syntax (its problem said); a fully valid one is also checked whole."""
    from biip import ParseError
    from biip.gs1_element_strings import GS1ElementString
    from biip.gs1_messages import GS1Message
    pairs: list[tuple[str, str]] = []
    position = 0
    while position < len(content):
        try:
            element = GS1ElementString.extract(content[position:])
        except ParseError as exc:
            return pairs, [_problem(content[position:], exc)]
        pairs.append((element.ai.ai, element.value))
        position += len(element)
        if content.startswith(GS, position):
            position += 1
    try:
        GS1Message.parse(content)
    except ParseError as exc:
        return pairs, [str(exc)]
    return pairs, []


def _bracketed(content: str) -> Gs1Reading:
    """``(01)…(17)…``, the human-readable form, pair by pair."""
    content = content.replace(" ", "")
    pairs: list[tuple[str, str]] = []
    problems: list[str] = []
    for ai, value in re.findall(r"\(([0-9]{2,4})\)([^()]*)", content):
        pairs.append((ai, value))
    if "".join(f"({ai}){value}" for ai, value in pairs) != content:
        return Gs1Reading(None, "bracketed", problems=("not a bracketed element string",))
    problems += [problem for ai, value in pairs if (problem := _check(ai, value))]
    return _with_gtin(pairs, problems, "bracketed")


def read_link(uri: str) -> Gs1Reading:
    """A GS1 Digital Link URI: path (AIs or short names, after any prefix), compressed
    path, query attributes."""
    try:
        parts = urlsplit(uri)
    except ValueError:
        return Gs1Reading(None, "link", problems=("not a URI",))
    segments = [unquote(segment) for segment in parts.path.split("/") if segment]
    problems: list[str] = []
    form = "link"
    if len(segments) == 1 and is_compressed_path(segments[0]):
        try:
            pairs = decompress(uri)
        except CompressionError as exc:
            return Gs1Reading(None, "compressed link", problems=(str(exc),))
        form = "compressed link"
    else:
        pairs, form = _path_pairs(segments, problems)
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if not AI_KEY.fullmatch(key):
            continue  # other parameters (utm_source…) are allowed and ignored
        if not value:
            problems.append(f"AI ({key}): empty value in the query")
        else:
            pairs.append((key, (_gtin14(value) or value) if key == "01" else value))
            form = "link with attributes" if key == "01" else form
    if not pairs:
        return Gs1Reading(None, "link", problems=("no GS1 key in the URI",))
    problems += [problem for ai, value in pairs if (problem := _check(ai, value))]
    return _with_gtin(pairs, problems, form)


def _path_pairs(segments: list[str], problems: list[str]
                ) -> tuple[list[tuple[str, str]], str]:
    """(AI, value) from the path, from its primary key on (a prefix before it is the site's
    own); short names become their AIs; a compressed last segment is opened."""
    starts = _primary_keys(segments)
    if not starts:
        return [], "link"
    rest = segments[starts[0]:]
    tail: list[tuple[str, str]] = []
    if len(rest) % 2 and is_compressed_path(rest[-1]):  # partly compressed
        try:
            tail = decompress(f"https://id.gs1.org/{rest[-1]}")
        except CompressionError as exc:  # a segment of the site's own, maybe
            problems.append(f"the last path segment is not a compressed link: {exc}")
        rest = rest[:-1]
    pairs = [(SHORT_NAMES.get(key.lower(), key), value)
             for key, value in zip(rest[::2], rest[1::2], strict=False)]
    if pairs[0][0] == "01":
        pairs[0] = ("01", _gtin14(pairs[0][1]) or pairs[0][1])
    named = any(key.lower() in SHORT_NAMES for key in rest[::2])
    form = "partly compressed link" if tail else "short name link" if named else "link"
    return pairs + tail, form


def _primary_keys(segments: list[str]) -> list[int]:
    """Where the identifying part of a path may start: a GTIN first (``/01/…``, ``/gtin/…``
    with a sound GTIN), then any other primary key whose value is valid for it; a prefix
    before it is the site's own, even when it looks like an AI."""
    keys = [SHORT_NAMES.get(segment.lower(), segment) for segment in segments]
    gtins = [i for i in range(len(keys) - 1) if keys[i] == "01" and _gtin14(segments[i + 1])]
    others = [i for i in range(len(keys) - 1) if keys[i] in PRIMARY_KEYS and keys[i] != "01"
              and _check(keys[i], segments[i + 1]) is None]
    return (gtins or others)[:1]


def _check(ai: str, value: str) -> str | None:
    """The problem of one (AI, value), in the standard's terms, or None."""
    from biip import ParseError
    from biip.gs1_application_identifiers import GS1ApplicationIdentifier
    from biip.gs1_element_strings import GS1ElementString
    try:
        GS1ApplicationIdentifier.extract(ai)
    except ParseError:
        return f"AI ({ai}): unknown application identifier"
    try:
        element = GS1ElementString.extract(ai + value)
    except ParseError as exc:
        return _problem(ai + value, exc)
    if len(element) != len(ai) + len(value):
        return f"AI ({ai}): value {value[:30]!r} is longer than the AI allows"
    return None


def _problem(text: str, exc: ParseError) -> str:
    """biip's reason, with the AI's title and format when the AI is known."""
    from biip import ParseError
    from biip.gs1_application_identifiers import GS1ApplicationIdentifier
    for size in (2, 3, 4):
        try:
            ai = GS1ApplicationIdentifier.extract(text[:size])
        except ParseError:
            continue
        if ai.ai == text[:size]:
            return (f"AI ({ai.ai}) {ai.data_title}: {text[size:size + 30]!r} does not match "
                    f"its format {ai.format}")
    return f"{text[:6]!r}…: {exc}"


def _with_gtin(pairs: list[tuple[str, str]], problems: list[str], form: str) -> Gs1Reading:
    """The reading, with the GTIN of AI (01) when there is exactly one and it is sound."""
    seen: dict[str, str] = {}
    for ai, value in pairs:
        if ai in seen and seen[ai] != value:
            problems.append(f"AI ({ai}) appears twice with different values")
        elif ai in seen:
            problems.append(f"AI ({ai}) appears twice")
        seen.setdefault(ai, value)
    gtins = {value for ai, value in pairs if ai == "01"}
    gtin = _gtin14(next(iter(gtins))) if len(gtins) == 1 else None
    if len(gtins) == 1 and gtin is None:
        problems.append(f"AI (01): {next(iter(gtins))[:20]!r} is not a valid GTIN")
    return Gs1Reading(gtin, form, tuple(pairs), tuple(dict.fromkeys(problems)))
