"""Compressed GS1 Digital Link URIs: element strings packed into one base64url path segment.

The GS1 Digital Link standard (1.2, "compression") lets a label carry
``https://id.gs1.org/AQnYUc1gmg`` instead of ``https://id.gs1.org/01/05412345000013``: each AI
is written as hex digits (or one code for a common AI sequence), each value in binary (digits as
one number, text in the smallest of five character encodings), and the bits in the URI-safe
base64 alphabet. This follows GS1's reference toolkit (github.com/gs1/
GS1DigitalLinkCompressionPrototype: ``compressGS1AIarrayToBinary``,
``decompressBinaryToGS1AIarray``) bit for bit; AI formats come from biip's AI table.

Barcode content is untrusted: ``decompress`` gives the pairs or raises ``CompressionError`` for
any ``str``, and its work is bounded by ``MAX_SEGMENT``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from biip.gs1_application_identifiers import GS1ApplicationIdentifier

SAFE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
HEX = "0123456789ABCDEF"
MIN_SEGMENT = 4        # the shortest primary key (a one-digit GINC) packs into 4 characters
MAX_SEGMENT = 1024     # far above any label's link; bounds the work on hostile input
MAX_URI = 4096
DEFAULT_DOMAIN = "https://id.gs1.org"
NUMERIC, HEX_LOWER, HEX_UPPER, BASE64URL, ISO646 = range(5)   # the 3-bit encoding indicator
OTHER_FLAG = 0xF       # h1 = F: a non-GS1 key=value pair follows
OTHER_MAX = 127        # 7-bit lengths for non-GS1 keys and values

# The standard's optimisation codes: one hex pair for a common sequence of AIs (tableOpt).
OPTIMISATIONS: dict[str, tuple[str, ...]] = {
    "0A": ("01", "22"), "0B": ("01", "10"), "0C": ("01", "21"), "0D": ("01", "17"),
    "0E": ("01", "7003"), "0F": ("01", "30"), "1A": ("01", "10", "21", "17"),
    "1B": ("01", "15"), "1C": ("01", "11"), "1D": ("01", "16"), "1E": ("01", "91"),
    "1F": ("01", "10", "15"),
    **{f"2{HEX[10 + d]}": ("01", f"310{d}") for d in range(6)},
    **{f"3{HEX[10 + d]}": ("01", f"320{d}") for d in range(6)},
    "9A": ("8010", "8011"), "9B": ("8017", "8019"), "9C": ("8018", "8019"), "9D": ("414", "254"),
    **{f"A{d}": ("01", f"392{d}") for d in range(10)},
    **{f"C{d}": ("255", f"390{d}") for d in range(10)},
    **{f"C{HEX[10 + d]}": ("255", f"394{d}") for d in range(4)},
}
# Deprecated alphabetic short names (GS1 Digital Link 1.1): a path of one of these is not packed.
SHORT_NAMES = frozenset({
    "gtin", "lot", "ser", "cpv", "gdti", "glnx", "gcn", "ginc", "gsin", "gln", "payto", "grai",
    "giai", "itip", "cpid", "cpsn", "gsrnp", "gsrn", "srin", "sscc", "exp", "expdt",
})

_SAFE64_INDEX = {char: index for index, char in enumerate(SAFE64)}
_SEGMENT = re.compile(r"[A-Za-z0-9_-]+", re.ASCII)
_DIGITS = re.compile(r"[0-9]*", re.ASCII)
_HEX_LOWER = re.compile(r"[0-9a-f]+", re.ASCII)
_HEX_UPPER = re.compile(r"[0-9A-F]+", re.ASCII)
_URI = re.compile(r"(?i:https?)://[^/?#\s]+/([^/?#]*)/?(?:[?#].*)?", re.ASCII | re.DOTALL)
_DOMAIN = re.compile(r"(?i:https?)://[^/?#\s]+/?", re.ASCII)
_FORMAT_TOKEN = re.compile(r"\[|\]|-|([NXYZ])(\.\.)?(\d+)(?:\.\.[NXYZ]?(\d+))?", re.ASCII)


class CompressionError(ValueError):
    """The content is not a valid compressed GS1 Digital Link (or cannot be compressed)."""


@dataclass(frozen=True)
class Decompressed:
    """What a compressed link holds: GS1 (AI, value) pairs and non-GS1 (key, value) pairs."""

    ais: tuple[tuple[str, str], ...]
    other: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class _Part:
    """One component of an AI's value: numeric ('N') or alphanumeric ('X'), fixed or up to."""

    kind: str
    length: int
    fixed: bool


def is_compressed_path(path: str) -> bool:
    """True when a URI path is one segment that may hold a compressed link (syntax only)."""
    if not isinstance(path, str) or len(path) > MAX_SEGMENT + 2:
        return False
    segment = path.removeprefix("/")
    segment = segment[:-1] if segment.endswith("/") else segment
    return (MIN_SEGMENT <= len(segment) <= MAX_SEGMENT and _SEGMENT.fullmatch(segment) is not None
            and not segment.isdigit() and segment.lower() not in SHORT_NAMES)


def decompress(uri: str) -> list[tuple[str, str]]:
    """The (AI, value) pairs of a compressed link, in encoded order; non-GS1 pairs left out."""
    return list(decompress_link(uri).ais)


def decompress_link(uri: str) -> Decompressed:
    """Everything a compressed ``http(s)://domain/<segment>`` link holds.

    The query string and fragment are not part of the compressed data and are ignored. Raises
    ``CompressionError`` for anything that is not a valid compressed link; nothing else.
    """
    if not isinstance(uri, str) or len(uri) > MAX_URI:
        raise CompressionError("not a compressed GS1 Digital Link URI: not a string or too long")
    match = _URI.fullmatch(uri)
    if match is None or not is_compressed_path(segment := match.group(1)):
        raise CompressionError("not a compressed GS1 Digital Link URI: the path is not one segment "
                               f"of {MIN_SEGMENT}-{MAX_SEGMENT} URI-safe base64 characters")
    return _decode("".join(format(_SAFE64_INDEX[char], "06b") for char in segment))


def compress(pairs: Iterable[tuple[str, str]], domain: str = DEFAULT_DOMAIN,
             optimise: bool = True) -> str:
    """The compressed link for (AI, value) pairs; non-numeric keys become non-GS1 pairs.

    As the reference toolkit does: optimisation codes first (longest AI sequence first), then
    the other AIs in sorted order, then non-GS1 pairs in the order given.
    """
    if not isinstance(domain, str) or not _DOMAIN.fullmatch(domain):
        raise CompressionError("the domain must be an http(s) scheme and host without a path")
    ais: dict[str, str] = {}
    other: list[tuple[str, str]] = []
    for key, value in pairs:
        if not isinstance(key, str):
            raise CompressionError(f"keys must be strings, not {type(key).__name__}")
        if _DIGITS.fullmatch(key) and key:
            if key in ais:
                raise CompressionError(f"AI ({key}) appears more than once")
            ais[key] = value
        else:
            _check_other(key, value)
            other.append((key, value))
    if not ais:
        raise CompressionError("a compressed link needs at least one GS1 Application Identifier")
    bits: list[str] = []
    remaining = sorted(ais)
    for code in _choose_optimisations(remaining) if optimise else []:
        bits.extend(_binary(int(hex_digit, 16), 4) for hex_digit in code)
        for ai in OPTIMISATIONS[code]:
            _put_value(bits, ai, ais[ai])
            remaining.remove(ai)
    for ai in remaining:
        bits.extend(_binary(int(digit), 4) for digit in ai)
        _put_value(bits, ai, ais[ai])
    for key, value in other:
        bits.append(_binary(OTHER_FLAG, 4) + _binary(len(key), 7))
        bits.extend(_binary(_SAFE64_INDEX[char], 6) for char in key)
        _put_text(bits, value, OTHER_MAX.bit_length())
    return f"{domain.rstrip('/')}/{_to_base64(''.join(bits))}"


# -- the AI table (biip) -----------------------------------------------------------------------

@lru_cache(maxsize=4096)
def _ai(code: str) -> GS1ApplicationIdentifier | None:
    """biip's entry for exactly this AI, or None (biip is loaded with the first link)."""
    from biip import ParseError
    from biip.gs1_application_identifiers import GS1ApplicationIdentifier
    try:
        entry = GS1ApplicationIdentifier.extract(code)
    except ParseError:
        return None
    return entry if entry.ai == code else None


@lru_cache(maxsize=1024)
def _parts(code: str) -> tuple[_Part, ...] | None:
    """The value's components as the compression sees them, from biip's format ('N2+N14').

    Optional components ([+N6]) become variable length; adjacent fixed numeric components
    (N14+N2+N2) and adjacent alphanumeric ones (X2+X..28) merge, as in the toolkit's tableF.
    """
    entry = _ai(code)
    if entry is None:
        return None
    _, plus, rest = entry.format.partition("+")
    if not plus or _FORMAT_TOKEN.sub("", rest).replace("+", ""):
        return None
    parts: list[_Part] = []
    optional = False
    for token in _FORMAT_TOKEN.finditer(rest):
        if token.group(0) in "[]":
            optional = token.group(0) == "["
            continue
        if token.group(0) == "-":
            part = _Part("X", 1, not optional)
        else:
            kind, dots, size, upper = token.groups()
            fixed = not (optional or dots or upper)
            part = _Part("N" if kind == "N" else "X", int(upper or size), fixed)
        last = parts[-1] if parts else None
        if last and last.fixed and part.kind == last.kind and (part.fixed or part.kind == "X"):
            parts[-1] = _Part(part.kind, last.length + part.length, part.fixed)
        else:
            parts.append(part)
    if not parts or any(not part.fixed for part in parts[:-1]):
        return None
    return tuple(parts)


@lru_cache(maxsize=1024)
def _pattern(code: str) -> re.Pattern[str] | None:
    entry = _ai(code)
    return re.compile(entry.pattern, re.ASCII) if entry else None


def _valid(code: str, value: str) -> bool:
    """Whether the value has the AI's syntax (biip's pattern: characters, lengths, dates)."""
    pattern = _pattern(code)
    return isinstance(value, str) and pattern is not None and bool(pattern.fullmatch(code + value))


def _check_other(key: str, value: str) -> None:
    """Non-GS1 keys: URI-safe base64 characters, not all digits; values: printable ASCII."""
    if not (isinstance(key, str) and _SEGMENT.fullmatch(key) and len(key) <= OTHER_MAX
            and not key.isdigit()):
        raise CompressionError(f"invalid non-GS1 key {key!r}")
    if not (isinstance(value, str) and len(value) <= OTHER_MAX
            and all(" " <= char < "\x7f" for char in value)):
        raise CompressionError(f"invalid value for non-GS1 key {key!r}")


def _choose_optimisations(keys: list[str]) -> list[str]:
    """Greedy, as the toolkit: the sequence covering the most AI digits first, ties in order."""
    left: set[str] = set(keys)
    chosen: list[str] = []
    while codes := [code for code, sequence in OPTIMISATIONS.items() if left.issuperset(sequence)]:
        chosen.append(max(codes, key=lambda code: len("".join(OPTIMISATIONS[code]))))
        left -= set(OPTIMISATIONS[chosen[-1]])
    return chosen


# -- bits ----------------------------------------------------------------------------------------

@lru_cache(maxsize=256)
def _digit_bits(count: int) -> int:
    """Bits for a number of ``count`` decimal digits (the toolkit's formula, 1 bit for none)."""
    return math.ceil(count * math.log(10) / math.log(2) + 0.01)


def _binary(value: int, width: int) -> str:
    if not 0 <= value < 1 << width:
        raise CompressionError(f"value {value} does not fit in {width} bits")
    return format(value, f"0{width}b") if width else ""


def _put_value(bits: list[str], code: str, value: str) -> None:
    parts = _parts(code)
    if parts is None:
        raise CompressionError(f"unsupported GS1 Application Identifier ({code})")
    if not _valid(code, value):
        raise CompressionError(f"invalid value for AI ({code}): {value!r}")
    cursor = 0
    for part in parts:
        chunk = value[cursor:cursor + part.length] if part.fixed else value[cursor:]
        if (part.fixed and len(chunk) != part.length) or len(chunk) > part.length:
            raise CompressionError(f"invalid value for AI ({code})")
        cursor += len(chunk)
        length_bits = 0 if part.fixed else part.length.bit_length()
        if part.kind == "X":
            _put_text(bits, chunk, length_bits)
            continue
        if not _DIGITS.fullmatch(chunk):
            raise CompressionError(f"invalid value for AI ({code})")
        if not part.fixed:
            bits.append(_binary(len(chunk), length_bits))
        bits.append(_binary(int(chunk or "0"), _digit_bits(len(chunk))))
    if cursor != len(value):
        raise CompressionError(f"invalid value for AI ({code})")


def _encoding(text: str) -> int:
    """The smallest encoding that holds the text (the toolkit's determineEncoding)."""
    if text and _DIGITS.fullmatch(text):
        return NUMERIC
    if _HEX_UPPER.fullmatch(text):
        return HEX_UPPER
    if _HEX_LOWER.fullmatch(text):
        return HEX_LOWER
    return BASE64URL if _SEGMENT.fullmatch(text) else ISO646


def _put_text(bits: list[str], text: str, length_bits: int) -> None:
    """Encoding indicator, length (for variable-length values) and the characters."""
    encoding = _encoding(text)
    bits.append(_binary(encoding, 3) + (_binary(len(text), length_bits) if length_bits else ""))
    if encoding == NUMERIC:
        bits.append(_binary(int(text), _digit_bits(len(text))))
    elif encoding in (HEX_LOWER, HEX_UPPER):
        bits.extend(_binary(HEX.index(char), 4) for char in text.upper())
    elif encoding == BASE64URL:
        bits.extend(_binary(_SAFE64_INDEX[char], 6) for char in text)
    else:
        bits.extend(_binary(ord(char), 7) for char in text)


def _to_base64(bits: str) -> str:
    bits += "0" * (-len(bits) % 6)
    return "".join(SAFE64[int(bits[i:i + 6], 2)] for i in range(0, len(bits), 6))


class _Reader:
    """Reads fixed-width numbers off a bit string; running out is a CompressionError."""

    def __init__(self, bits: str) -> None:
        self.bits, self.cursor = bits, 0

    def remaining(self) -> int:
        return len(self.bits) - self.cursor

    def take(self, width: int) -> int:
        if width > self.remaining():
            raise CompressionError("truncated: the compressed data ends inside an element")
        chunk = self.bits[self.cursor:self.cursor + width]
        self.cursor += width
        return int(chunk, 2) if width else 0


def _decode(bits: str) -> Decompressed:
    reader = _Reader(bits)
    ais: list[tuple[str, str]] = []
    other: list[tuple[str, str]] = []
    seen: set[str] = set()
    while reader.remaining() >= 6:       # fewer bits are the padding to a base64 character
        h1 = reader.take(4)
        if h1 == OTHER_FLAG:
            other.append(_read_other(reader))
            continue
        h2 = reader.take(4)
        if h1 <= 9 and h2 <= 9:
            sequence: tuple[str, ...] = (_read_ai(reader, f"{h1}{h2}"),)
        elif HEX[h1] + HEX[h2] in OPTIMISATIONS:
            sequence = OPTIMISATIONS[HEX[h1] + HEX[h2]]
        else:
            raise CompressionError(f"no optimisation defined for hex code {HEX[h1]}{HEX[h2]}")
        for code in sequence:
            if code in seen:
                raise CompressionError(f"AI ({code}) appears more than once")
            seen.add(code)
            ais.append((code, _read_value(reader, code)))
    if reader.take(reader.remaining()) != 0:
        raise CompressionError("the padding bits after the last element must be zero")
    if not ais:
        raise CompressionError("no GS1 Application Identifier in the compressed data")
    return Decompressed(tuple(ais), tuple(other))


def _read_ai(reader: _Reader, code: str) -> str:
    """The AI starting with two digits: up to four 4-bit digits, as the AI table says."""
    while _parts(code) is None:
        if len(code) == 4 or _ai(code) is not None:
            raise CompressionError(f"unsupported GS1 Application Identifier ({code})")
        digit = reader.take(4)
        if digit > 9:
            raise CompressionError("GS1 Application Identifier keys should be all-numeric; "
                                   f"{code}{HEX[digit]} is not")
        code += str(digit)
    return code


def _read_value(reader: _Reader, code: str) -> str:
    chunks: list[str] = []
    for part in _parts(code) or ():
        length_bits = 0 if part.fixed else part.length.bit_length()
        if part.kind == "X":
            chunks.append(_read_text(reader, length_bits, part.length, part.fixed))
            continue
        length = part.length if part.fixed else reader.take(length_bits)
        if length > part.length:
            raise CompressionError(f"the value of AI ({code}) is longer than its format allows")
        chunks.append(_read_digits(reader, length))
    value = "".join(chunks)
    if not _valid(code, value):
        raise CompressionError(f"invalid value for AI ({code}): {value!r}")
    return value


def _read_text(reader: _Reader, length_bits: int, maximum: int, fixed: bool = False) -> str:
    """An encoding indicator, the length (unless fixed at ``maximum``), then the characters."""
    encoding = reader.take(3)
    length = maximum if fixed else reader.take(length_bits)
    if length > maximum:
        raise CompressionError(f"a value of {length} characters is longer than {maximum}")
    if encoding == NUMERIC:
        return _read_digits(reader, length)
    if encoding in (HEX_LOWER, HEX_UPPER):
        text = "".join(HEX[reader.take(4)] for _ in range(length))
        return text.lower() if encoding == HEX_LOWER else text
    if encoding == BASE64URL:
        return "".join(SAFE64[reader.take(6)] for _ in range(length))
    if encoding == ISO646:
        return "".join(chr(reader.take(7)) for _ in range(length))
    raise CompressionError(f"unknown encoding indicator {encoding:03b}")


def _read_digits(reader: _Reader, count: int) -> str:
    number = reader.take(_digit_bits(count))
    if number >= 10 ** count:
        raise CompressionError(f"a number of {number} has more than {count} digits")
    return str(number).zfill(count) if count else ""


def _read_other(reader: _Reader) -> tuple[str, str]:
    """A non-GS1 key=value pair: 7-bit key length, base64 key, then a 7-bit-length value."""
    size = reader.take(7)
    key = "".join(SAFE64[reader.take(6)] for _ in range(size))
    value = _read_text(reader, OTHER_MAX.bit_length(), OTHER_MAX)
    if not key or key.isdigit() or any(not " " <= char < "\x7f" for char in value):
        raise CompressionError(f"invalid non-GS1 key=value pair {key!r}")
    return key, value
