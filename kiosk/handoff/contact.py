"""Phone numbers and e-mail addresses typed by shoppers: checked before anything is queued.

Numbers become E.164 (``+33612345678``) for the store's country, so the SMS provider gets one
form whatever the shopper typed (``06 12 34 56 78``, ``+33 6 12...``, ``0033 6...``).
Errors carry an i18n key and values, so the keypad says what is wrong in the shopper's language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_E164_DIGITS = 15
MAX_EMAIL = 254
MAX_LOCAL_PART = 64


@dataclass(frozen=True)
class Numbering:
    """A country's numbering plan, as far as sending an SMS needs it."""

    calling_code: str
    trunk: str
    lengths: tuple[int, ...]
    mobile_prefixes: tuple[str, ...]
    example: str


NUMBERING: dict[str, Numbering] = {
    "FR": Numbering("33", "0", (9,), ("6", "7"), "06 12 34 56 78"),
    "BE": Numbering("32", "0", (9,), ("4",), "0470 12 34 56"),
    "CH": Numbering("41", "0", (9,), ("7",), "078 123 45 67"),
    "LU": Numbering("352", "", (9,), ("6",), "621 123 456"),
    "DE": Numbering("49", "0", (10, 11), ("15", "16", "17"), "0151 23456789"),
    "ES": Numbering("34", "", (9,), ("6", "7"), "612 34 56 78"),
    "IT": Numbering("39", "", (9, 10), ("3",), "312 345 6789"),
    "NL": Numbering("31", "0", (9,), ("6",), "06 12345678"),
    "PT": Numbering("351", "", (9,), ("9",), "912 345 678"),
    "GB": Numbering("44", "0", (10,), ("7",), "07700 900123"),
    "IE": Numbering("353", "0", (9,), ("8",), "085 123 4567"),
    "US": Numbering("1", "1", (10,), (), "(201) 555-0123"),
    "CA": Numbering("1", "1", (10,), (), "(506) 234-5678"),
}
SEPARATORS = re.compile(r"[\s.\-()/]")
EMAIL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
                   r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}")


class ContactError(ValueError):
    """What is wrong with what the shopper typed: an i18n ``key`` and its ``values``."""

    def __init__(self, key: str, **values: str) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


def phone_number(typed: str, country: str) -> str:
    """The E.164 form of a mobile number typed for ``country``; ContactError when it is not.

    International numbers (``+44...``, ``0044...``) are accepted whatever the store's country;
    for the countries in ``NUMBERING`` their length and mobile prefix are checked too.
    """
    plan = NUMBERING.get(country)
    example = plan.example if plan else "+33 6 12 34 56 78"
    text = SEPARATORS.sub("", typed.strip())
    if not text:
        raise ContactError("phone.empty")
    if text.startswith("00"):
        text = "+" + text[2:]
    if not re.fullmatch(r"\+?[0-9]+", text):
        raise ContactError("phone.invalid", example=example)
    if text.startswith("+"):
        digits = text[1:]
        own = _plan_for(digits)
        if own is None:
            return _international(digits, example)
        national = digits[len(own.calling_code):]
        if own.trunk and national.startswith(own.trunk) and len(national) - 1 in own.lengths:
            national = national[1:]  # "+33 06 ...": the trunk 0 written after the country code
        return _checked(own, national, own.example)
    if plan is None:
        raise ContactError("phone.international", example=example)
    national = text[len(plan.trunk):] if plan.trunk and text.startswith(plan.trunk) else text
    return _checked(plan, national, example)


def _plan_for(digits: str) -> Numbering | None:
    """The plan whose calling code starts ``digits`` (longest code first)."""
    matches = [plan for plan in NUMBERING.values() if digits.startswith(plan.calling_code)]
    return max(matches, key=lambda plan: len(plan.calling_code), default=None)


def _checked(plan: Numbering, national: str, example: str) -> str:
    if len(national) not in plan.lengths:
        raise ContactError("phone.invalid", example=example)
    if plan.mobile_prefixes and not national.startswith(plan.mobile_prefixes):
        raise ContactError("phone.not_mobile", example=example)
    return "+" + plan.calling_code + national


def _international(digits: str, example: str) -> str:
    if digits.startswith("0") or not 8 <= len(digits) <= MAX_E164_DIGITS:
        raise ContactError("phone.invalid", example=example)
    return "+" + digits


def email_address(typed: str) -> str:
    """The address, trimmed, with a lower-case domain; ContactError when it is not one."""
    text = typed.strip()
    if not text:
        raise ContactError("email.empty")
    local, _, domain = text.rpartition("@")
    if (len(text) > MAX_EMAIL or len(local) > MAX_LOCAL_PART or not EMAIL.fullmatch(text)):
        raise ContactError("email.invalid")
    return f"{local}@{domain.lower()}"
