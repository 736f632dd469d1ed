"""The architecture page and the README name the code as it is: every module or folder they
point at exists, and the page describes every package the layering test knows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.test_layering import BELOW

REPO = Path(__file__).resolve().parent.parent
DOCS = ("docs/architecture.md", "README.md")
PATH = re.compile(r"`((?:[\w.-]+/)+[\w.-]*)`")
"""A backticked path with at least one slash: ``kiosk/app/loop.py``, ``hardware/decoding/``."""
OUTSIDE_THE_REPO = ("DATA/", "DEST/", "../", "/dev/", "/etc/", "data/", "frames/",
                    "docs/screenshots/0", "application/")


def named_paths(text: str) -> set[str]:
    return {match for match in PATH.findall(text) if not match.startswith(OUTSIDE_THE_REPO)
            and "NAME" not in match and "*" not in match}


@pytest.mark.parametrize("doc", DOCS)
def test_every_path_named_exists(doc: str) -> None:
    text = (REPO / doc).read_text(encoding="utf-8")
    missing = sorted(path for path in named_paths(text) if not (REPO / path).exists())
    assert not missing, f"{doc} names paths that are not in the repository: {missing}"


def test_the_page_names_every_package() -> None:
    text = (REPO / "docs/architecture.md").read_text(encoding="utf-8")
    absent = sorted(name for name in BELOW if f"`{name}`" not in text)
    assert not absent, f"docs/architecture.md says nothing of {absent}"


def test_the_check_sees_paths() -> None:
    assert named_paths("see `kiosk/app/loop.py`, `DATA/x.sqlite3`, `kiosk`, `a/NAME.py`") == {
        "kiosk/app/loop.py"}
