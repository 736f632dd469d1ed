"""GTIN arithmetic: check digits and the GTIN-14 form every lookup uses.

A UPC-A printed on a box and the EAN-13 in the catalog are the same product once both are
written as GTIN-14 with leading zeros.
"""

from __future__ import annotations

GTIN_LENGTHS = (8, 12, 13, 14)


def check_digit(body: str) -> int:
    """Return the GS1 check digit for ``body`` (all digits but the last)."""
    total = 0
    for index, char in enumerate(reversed(body)):
        total += int(char) * (3 if index % 2 == 0 else 1)
    return (10 - total % 10) % 10


def gtin_problem(code: str) -> str | None:
    """Say what is wrong with ``code`` as a GTIN, or None when it is valid."""
    if not code.isdigit() or not code.isascii():
        return f"{code!r} is not a GTIN: only digits are allowed"
    if len(code) not in GTIN_LENGTHS:
        return f"{code!r} has {len(code)} digits; a GTIN has 8, 12, 13 or 14"
    expected = check_digit(code[:-1])
    if int(code[-1]) != expected:
        return f"{code!r} has a wrong check digit: the last digit should be {expected}"
    return None


def is_valid_gtin(code: str) -> bool:
    """True when ``code`` is a GTIN-8/12/13/14 with a correct check digit."""
    return gtin_problem(code) is None


def to_gtin14(code: str) -> str:
    """Normalise a valid GTIN to 14 digits; raise ValueError otherwise."""
    problem = gtin_problem(code)
    if problem:
        raise ValueError(problem)
    return code.zfill(14)


def normalise_code(code: str) -> str:
    """GTIN-14 for a valid GTIN, the code unchanged for anything else."""
    return to_gtin14(code) if is_valid_gtin(code) else code


def display_gtin(gtin14: str) -> str:
    """The shortest usual form (EAN-13 for a GTIN-14 with a leading zero)."""
    return gtin14[1:] if len(gtin14) == 14 and gtin14.startswith("0") else gtin14
