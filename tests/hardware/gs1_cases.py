"""The GS1 conformance set: each form a product may carry its GTIN in (GS1 General
Specifications 24, section 7.8 element strings and 7.9 bracketed HRI; GS1 Digital Link 1.2,
URI syntax, short names, data attributes and compression), cases that must be read and cases
that must be refused. ``tests/hardware/test_gs1_conformance.py`` checks every one, by text and
through generated symbols; ``python -m bench.gs1_conformance`` prints the README's table.

Each case: (form, content, format, symbology identifier, expected GTIN-14 or None, whether
syntax problems must be reported)."""

from __future__ import annotations

from typing import NamedTuple

from hardware.gs1_compression import compress

GS = "\x1d"
GTIN = "09506000134352"          # the GS1 specifications' own example GTIN
GTIN_13 = "9506000134352"
GTIN_8 = "96385074"
OTHER = "09506000134369"         # another valid GTIN (for conflicts)
SSCC = "106141412345678908"
GLN = "9521141234567"


class Case(NamedTuple):
    form: str
    content: str
    fmt: str
    symbology: str
    gtin: str | None
    problems: bool = False


def _compressed(*pairs: tuple[str, str], optimise: bool = True) -> str:
    return compress(list(pairs), optimise=optimise)


CASES: tuple[Case, ...] = (
    # -- Digital Link, AIs in the path, any domain and prefix ---------------------------------
    Case("link path", f"https://id.gs1.org/01/{GTIN}", "qr", "]Q1", GTIN),
    Case("link path", f"https://shop.example.com/p/01/{GTIN}/10/ABC123?17=261231", "qr", "]Q1",
         GTIN),
    Case("link path", f"HTTPS://ID.GS1.ORG/01/{GTIN}", "datamatrix", "]d1", GTIN),
    Case("link path", f"https://brand.example/01/{GTIN_8}", "qr", "]Q1", "000000" + GTIN_8),
    Case("link path", f"https://id.gs1.org/01/{GTIN}/21/ABC%2F12", "qr", "]Q1", GTIN),
    # -- short names --------------------------------------------------------------------------
    Case("short name", f"https://id.example.com/gtin/{GTIN}", "qr", "]Q1", GTIN),
    Case("short name", f"https://id.example.com/gtin/{GTIN}/lot/ABC/ser/1234", "qr", "]Q1",
         GTIN),
    Case("short name", f"https://id.example.com/GTIN/{GTIN}/lot/L1", "datamatrix", "]d1", GTIN),
    # -- compressed ---------------------------------------------------------------------------
    Case("compressed", _compressed(("01", GTIN)), "qr", "]Q1", GTIN),
    Case("compressed", _compressed(("01", GTIN), ("10", "ABC1"), ("21", "12345")), "qr",
         "]Q1", GTIN),
    Case("compressed", _compressed(("01", GTIN), ("17", "261231"), ("10", "xyz"),
                                   optimise=False), "qr", "]Q1", GTIN),
    # -- partly compressed: the primary key as written, the rest compressed ------------------
    Case("partly compressed", f"https://id.gs1.org/01/{GTIN}/"
         + _compressed(("10", "ABC1"), ("21", "12345")).rsplit("/", 1)[1], "qr", "]Q1", GTIN),
    Case("partly compressed", f"https://brand.example/01/{GTIN}/"
         + _compressed(("17", "261231")).rsplit("/", 1)[1], "qr", "]Q1", GTIN),
    # -- a GTIN as a data attribute of another key --------------------------------------------
    Case("query attribute", f"https://id.gs1.org/414/{GLN}?01={GTIN}", "qr", "]Q1", GTIN),
    Case("query attribute", f"https://id.gs1.org/00/{SSCC}?01={GTIN_13}", "qr", "]Q1", GTIN),
    Case("query attribute", f"https://id.gs1.org/414/{GLN}?01={GTIN_8}", "qr", "]Q1",
         "000000" + GTIN_8),
    # -- element strings with FNC1 (the symbol marked GS1) ------------------------------------
    Case("element string (FNC1)", f"01{GTIN}10ABC{GS}21XYZ", "code128", "]C1", GTIN),
    Case("element string (FNC1)", f"01{GTIN}17261231", "datamatrix", "]d2", GTIN),
    Case("element string (FNC1)", f"]Q301{GTIN}3103000125", "qr", "", GTIN),
    Case("element string (FNC1)", f"01{GTIN}21SER{GS}10LOT", "qr", "]Q3", GTIN),
    # -- bracketed (human-readable) -----------------------------------------------------------
    Case("bracketed", f"(01){GTIN}(17)261231(10)ABC", "qr", "]Q1", GTIN),
    Case("bracketed", f"(01) {GTIN} (10) L1", "code128", "]C0", GTIN),
    # -- raw with GS, no FNC1 marker (a label printed without it) -----------------------------
    Case("raw with GS", f"01{GTIN}10ABC{GS}21X1", "datamatrix", "]d1", GTIN),
    Case("raw with GS", f"01{GTIN}", "qr", "]Q1", GTIN),
    # -- other keys: no product ---------------------------------------------------------------
    Case("other keys", f"https://id.gs1.org/414/{GLN}", "qr", "]Q1", None),
    Case("other keys", f"https://id.gs1.org/00/{SSCC}", "qr", "]Q1", None),
    Case("other keys", f"00{SSCC}", "code128", "]C1", None),
    Case("other keys", f"414{GLN}", "datamatrix", "]d2", None),
    # -- invalid GTINs: no product ------------------------------------------------------------
    Case("invalid GTIN", f"https://id.gs1.org/01/{GTIN[:-1]}3", "qr", "]Q1", None, True),
    Case("invalid GTIN", f"01{GTIN[:-1]}3", "code128", "]C1", None, True),
    Case("invalid GTIN", f"01{GTIN}01{OTHER}", "datamatrix", "]d2", None, True),
    Case("invalid GTIN", "4006381333932", "ean13", "]E0", None, True),
    Case("invalid GTIN", "https://id.gs1.org/01/12345", "qr", "]Q1", None),
    Case("invalid GTIN", f"https://id.gs1.org/01/{GTIN}?01={OTHER}", "qr", "]Q1", None, True),
    # -- plain symbols that only look like element strings: no product ------------------------
    Case("plain number", f"01{GTIN}1234", "qr", "]Q1", None),
    Case("plain number", f"01{GTIN}17261399", "datamatrix", "]d1", None),
    Case("plain number", "0123456789", "qr", "]Q1", None),
    # -- syntax errors: the product still found, every problem reported -----------------------
    Case("syntax errors", f"01{GTIN}17261331", "code128", "]C1", GTIN, True),
    Case("syntax errors", f"01{GTIN}17264731", "datamatrix", "]d2", GTIN, True),
    Case("syntax errors", f"01{GTIN}23ABC", "code128", "]C1", GTIN, True),
    Case("syntax errors", f"01{GTIN}10A{GS}10B", "datamatrix", "]d2", GTIN, True),
    Case("syntax errors", f"https://id.gs1.org/01/{GTIN}?17=", "qr", "]Q1", GTIN, True),
    Case("syntax errors", f"https://id.gs1.org/01/{GTIN}?17=261331", "qr", "]Q1", GTIN, True),
    Case("syntax errors", f"(01){GTIN}(17)263131", "qr", "]Q1", GTIN, True),
)
