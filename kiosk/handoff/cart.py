"""The web shop's cart, filled with what the shopper chose: one link for the QR code, an SMS, an
e-mail or NFC ("Order it").

Why every value is URL-encoded and the templates are not: the templates come from the store's
own config (their ``:``, ``,`` or ``;`` are the shop's syntax), while a sku or a ``ref`` may
hold anything (``TP3 BLU/42``, ``&``); each value is quoted on its own, so it can never break
out of its place in the link. Pure: no network, no config reading, easy to test.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote

from hardware.gtin import display_gtin
from kiosk.config.catalog import Product
from kiosk.config.handoff import Handoff

SEPARATOR = ","


def _value(value: object) -> str:
    """One value, encoded so nothing in it is read as part of the link's syntax."""
    return quote(str(value), safe="")


def cart_items(items: Iterable[tuple[Product, int]]) -> list[tuple[Product, int]]:
    """The items in first-seen order, the quantities of a product listed twice added up.

    ValueError for a quantity under 1, or no item at all."""
    merged: dict[str, tuple[Product, int]] = {}
    for product, quantity in items:
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
            raise ValueError(f"a cart quantity is a whole number from 1, not {quantity!r}")
        key = product.gtin14
        merged[key] = (product, merged[key][1] + quantity if key in merged else quantity)
    if not merged:
        raise ValueError("a cart needs at least one item")
    return list(merged.values())


def cart_link(handoff: Handoff, store_id: str, items: list[tuple[Product, int]]) -> str:
    """The cart link of ``handoff.cart_url`` for ``items`` (product, quantity).

    Each item is ``handoff.cart_item`` with ``{sku}`` (the product's ``sku``; its GTIN when it
    has none, so a product the shop knows only by barcode still lands in the cart), ``{gtin}``
    (as printed under the barcode) and ``{quantity}``; items are joined by commas. ``{ref}`` is
    ``handoff.ref``, or ``store_id`` when the store set none. ValueError when the store has no
    ``cart_url``, or for an empty cart or a quantity under 1."""
    if handoff.cart_url is None:
        raise ValueError("the store has no cart_url")
    written = []
    for product, quantity in cart_items(items):
        gtin = display_gtin(product.gtin14)
        written.append(handoff.cart_item.format(
            gtin=_value(gtin), sku=_value(product.sku or gtin), quantity=_value(quantity)))
    return handoff.cart_url.format(items=SEPARATOR.join(written), store_id=_value(store_id),
                                   ref=_value(handoff.ref or store_id))
