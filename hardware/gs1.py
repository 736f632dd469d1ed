"""Product identity from decoded barcode content: the GTIN-14 a catalog lookup needs.

A product can carry its GTIN in several ways: the digits of an EAN/UPC symbol, a GS1 element
string with Application Identifier 01 in a Code 128 / QR / Data Matrix, or a GS1 Digital Link
URI (``https://any.domain/01/<gtin>``) in any symbol. Everything else is not a product code.
Barcode content is untrusted, so every path here is total: any ``str`` gives a result, never an
exception.
"""

from __future__ import annotations

import itertools
import re

from hardware.gtin import check_digit, is_valid_gtin

MAX_CONTENT = 512
GS = "\x1d"
RETAIL = frozenset({"ean13", "ean8", "upca"})
ELEMENT_STRING_FORMATS = frozenset({"code128", "qr", "datamatrix"})
GS1_SYMBOLOGY_PREFIXES = ("]C1", "]d2", "]Q3")

DIGITS = re.compile(r"[0-9]+", re.ASCII)
DIGITAL_LINK = re.compile(
    r"https?://[A-Za-z0-9.\-_~%:@\[\]!$&'()*+,;=]+"   # authority: any domain, port, userinfo
    r"(/[^?#]*)"                                       # path: a prefix, /01/<gtin>, more AIs
    r"(?:[?#].*)?",                                    # query or fragment
    re.IGNORECASE | re.ASCII | re.DOTALL,
)
BRACKETED = re.compile(r"(?:\(([0-9]{2,4})\)([^()]*))", re.ASCII)
# GS1 General Specifications, figure 7.8.5-2: AIs whose first two digits imply a predefined total
# length (AI + data); these are never followed by a separator, all others end at GS or the end.
PREDEFINED_LENGTH = {
    "00": 20, "01": 16, "02": 16, "03": 16, "04": 18, "11": 8, "12": 8, "13": 8, "14": 8,
    "15": 8, "16": 8, "17": 8, "18": 8, "19": 8, "20": 4, "31": 10, "32": 10, "33": 10,
    "34": 10, "35": 10, "36": 10, "41": 16,
}
# GS1 AI encodable character set 82 (figure 7.11-1), plus GS as the separator.
ELEMENT_CHARS = frozenset(
    "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz" + GS
)


def gtin_from_content(text: str, fmt: str) -> str | None:
    """GTIN-14 (valid check digit) from a decoded barcode, or None when it is not a product code.

    ``fmt`` is a format name of ``hardware.symbologies.FORMATS``. EAN/UPC digits, UPC-E (expanded
    to UPC-A), GS1 Digital Link URIs in any format and GS1 element strings with AI 01 in Code 128,
    QR and Data Matrix are recognised; anything else, including over-long content and control
    characters other than the GS separator, gives None. Never raises on any ``str`` input.
    """
    if not isinstance(text, str) or not isinstance(fmt, str) or len(text) > MAX_CONTENT:
        return None
    if any(_is_control(char) for char in text):
        return None
    fmt = fmt.lower()
    content = text.strip(" ")
    link = _from_digital_link(content)
    if link is not None:
        return link
    if fmt in RETAIL:
        return _gtin14(content)
    if fmt == "upce":
        return _from_upce(content)
    if fmt in ELEMENT_STRING_FORMATS:
        return _from_element_string(content)
    return None


def expand_upce(code: str) -> str | None:
    """The 12-digit UPC-A a UPC-E code stands for, or None when ``code`` is not UPC-E.

    Accepts 8 digits (number system, 6 digits, check digit, which must match) or the bare 6
    digits (number system 0); 7 digits are ambiguous and refused. Only number systems 0 and 1
    exist in UPC-E.
    """
    if not (DIGITS.fullmatch(code) and len(code) in (6, 8)):
        return None
    if len(code) == 6:
        code = "0" + code
    system, body = code[0], code[1:7]
    last = code[7] if len(code) == 8 else None
    if system not in "01":
        return None
    d1, d2, d3, d4, d5, d6 = body
    if d6 in "012":
        middle = f"{d1}{d2}{d6}0000{d3}{d4}{d5}"
    elif d6 == "3":
        middle = f"{d1}{d2}{d3}00000{d4}{d5}"
    elif d6 == "4":
        middle = f"{d1}{d2}{d3}{d4}00000{d5}"
    else:
        middle = f"{d1}{d2}{d3}{d4}{d5}0000{d6}"
    upca_body = system + middle
    check = str(check_digit(upca_body))
    if last is not None and last != check:
        return None
    return upca_body + check


def _is_control(char: str) -> bool:
    """C0/C1 control characters and DEL, except GS, which GS1 uses as its separator."""
    point = ord(char)
    return char != GS and (point < 0x20 or 0x7F <= point <= 0x9F)


def _gtin14(digits: str) -> str | None:
    """GTIN-14 of a bare GTIN-8/12/13/14 with a valid check digit."""
    if DIGITS.fullmatch(digits) and is_valid_gtin(digits):
        return digits.zfill(14)
    return None


def _from_upce(content: str) -> str | None:
    """UPC-E as printed (6 or 8 digits) or already expanded by the decoder (12-14 digits)."""
    if len(content) in (12, 13, 14):
        return _gtin14(content)
    upca = expand_upce(content)
    return None if upca is None else upca.zfill(14)


def _from_digital_link(content: str) -> str | None:
    """GTIN of a GS1 Digital Link URI on any domain; a wrong check digit gives None."""
    match = DIGITAL_LINK.fullmatch(content)
    if match is None:
        return None
    # The first "01" followed by a GTIN: a path prefix may itself be "01" (/01/01/<gtin>).
    for key, value in itertools.pairwise(match.group(1).split("/")):
        gtin = _gtin14(value) if key == "01" else None
        if gtin is not None:
            return gtin
    return None


def _from_element_string(content: str) -> str | None:
    """GTIN of AI 01 in a GS1 element string, bracketed "(01)..." or raw with GS separators."""
    for prefix in GS1_SYMBOLOGY_PREFIXES:
        if content.startswith(prefix):
            content = content[len(prefix):]
            break
    content = content.lstrip(GS)
    if content.startswith("("):
        content = content.replace(" ", "")
    if not content or not set(content) <= ELEMENT_CHARS:
        return None
    if content.startswith("("):
        return _from_bracketed(content)
    return _from_raw_elements(content)


def _from_bracketed(content: str) -> str | None:
    """Human-readable form: every character belongs to some "(AI)value" pair."""
    pairs = BRACKETED.findall(content)
    if "".join(f"({ai}){value}" for ai, value in pairs) != content:
        return None
    for ai, value in pairs:
        if ai == "01":
            return _gtin14(value) if len(value) == 14 else None
    return None


def _from_raw_elements(content: str) -> str | None:
    """Walk the AIs: predefined-length ones by their length, the others up to the next GS."""
    position = 0
    while position < len(content):
        head = content[position:position + 2]
        if not DIGITS.fullmatch(head):
            return None
        length = PREDEFINED_LENGTH.get(head)
        if length is not None:
            element = content[position:position + length]
            if len(element) != length or GS in element:
                return None
            if head == "01":
                return _gtin14(element[2:])
            position += length
            if content.startswith(GS, position):
                position += 1
        else:
            separator = content.find(GS, position)
            position = len(content) if separator < 0 else separator + 1
    return None
