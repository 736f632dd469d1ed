"""The NFC tag map (``config/nfc-tags.yaml``): tags without product data, named by identifier.

Some products carry cheap tags that hold no NDEF message, or one written for another purpose.
Staff list each tag's identifier (printed on it, or shown by ``kiosk listen --nfc``) with the
product it stands for.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator, Field

from hardware.nfc_meaning import normalise_tag_id
from kiosk.config.fields import Gtin, Strict, Text


def _tag_id(value: object) -> object:
    """``04:a2:2b:1a`` as on a label becomes ``04A22B1A``, as the reader reports it."""
    return normalise_tag_id(value) if isinstance(value, str) else value


TagId = Annotated[str, BeforeValidator(_tag_id)]


class TagEntry(Strict):
    id: TagId = Field(description="the tag's identifier, hex bytes like 04:A2:2B:1A:5C:80")
    gtin: Gtin
    note: Text | None = Field(default=None, description="where the tag is, for staff")


class TagMapFile(Strict):
    """The whole of the tag map file."""

    tags: tuple[TagEntry, ...] = ()
