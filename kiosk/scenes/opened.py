"""What shoppers open from a product panel, over it: a suggested product, a comparison, the
send sheet, "Order" (the send sheet with the cart link of the product shown) and "Reserve".

The table scene mixes this in: each opened layer is keyed by its kind and the panel it came
from, drawn over that panel, facing the same shopper, and held like a touch when it opens.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kiosk.analytics.usage import Usage
from kiosk.catalog.catalog import Catalog
from kiosk.handoff.service import SendService
from kiosk.offers.service import OfferService
from kiosk.scenes.compare import ComparePanel
from kiosk.scenes.offer_sheet import OfferSheet
from kiosk.scenes.product_panel import ProductPanel
from kiosk.scenes.reserve_sheet import ReserveSheet
from kiosk.scenes.send_sheet import SendSheet
from kiosk.scenes.stack import Stack
from kiosk.ui.look import Look

SUGGESTION = "suggestion:"
COMPARE = "compare:"
SEND = "send:"
ORDER = "order:"
RESERVE = "reserve:"
OFFER = "offer:"
OPENED = (SUGGESTION, COMPARE, SEND, ORDER, RESERVE, OFFER)
PINNED = (SUGGESTION, SEND, ORDER, RESERVE, OFFER)
Sheet = SendSheet | ReserveSheet
Card = ProductPanel | ComparePanel | Sheet


class OpenedLayers:
    """Opening layers over product panels (the table scene holds the state named here)."""

    _shown: dict[str, Card]
    _origin: dict[str, str]
    _stack: Stack
    _look: Look
    _catalog: Catalog
    _send: SendService
    _offer_service: OfferService | None
    _usage: Usage
    _locale: str
    _now: float
    _dirty: bool
    _on_variant: Callable[[str], None] | None

    if TYPE_CHECKING:
        def _close(self, key: str) -> None: ...
        def raise_layer(self, key: str) -> None: ...
        def touched(self, key: str, now: float) -> None: ...
        def _chose_locale(self, key: str, locale: str) -> None: ...

    def _open_suggestion(self, origin: str, code: str) -> None:
        """A suggestion card was tapped: that product's panel opens over the one it came
        from, facing the same shopper, marked as not on the table."""
        key = SUGGESTION + code
        self._usage.cross_sell(code)
        origin = origin if origin in self._shown else SUGGESTION + origin
        if key not in self._shown and code not in self._shown:
            origin_panel = self._shown[origin]
            locale = origin_panel.locale if isinstance(origin_panel, ProductPanel) else ""
            self._shown[key] = ProductPanel(
                code, self._catalog.get(code), locale or self._locale, self._look,
                self._catalog, on_locale=lambda chosen: self._chose_locale(key, chosen),
                on_open=self._open_suggestion, on_close=lambda _code: self._close(key),
                on_send=self._open_send, on_table=False, **self._offers())
            self._opening(key, origin)
        self.raise_layer(key if key in self._shown else code)
        self._dirty = True

    def _open_compare(self, origin: str, other: str) -> None:
        key = f"{COMPARE}{origin}:{other}"
        self._usage.compare(origin, other)
        for existing in [k for k in self._shown if k.startswith(COMPARE)]:
            if set(self._shown[existing].codes) == {origin, other}:  # type: ignore[union-attr]
                self._close(existing)
        panel = self._shown[origin]
        locale = panel.locale if isinstance(panel, ProductPanel) else self._locale
        self._shown[key] = ComparePanel((origin, other), locale, self._look, self._catalog,
                                        on_close=lambda: self._close(key))
        self._opening(key, origin)

    def _offers(self) -> dict[str, Any]:
        """What a product panel needs to offer "Order" and "Reserve", and to tell of a
        variant chosen."""
        return {"send": self._send, "on_order": self._open_order,
                "on_reserve": self._open_reserve, "on_variant": self._variant_chosen,
                "offers": self._offer_service,
                "on_offer": self._open_offer if self._offer_service is not None else None}

    def _variant_chosen(self, code: str) -> None:
        self._usage.variant_chosen(code)
        if self._on_variant is not None:
            self._on_variant(code)

    def _open_send(self, origin: str) -> None:
        """The shopper's send sheet (the product their panel shows), over that panel."""
        panel = self._shown.get(origin) or self._shown.get(SUGGESTION + origin)
        code = panel.shown_code if isinstance(panel, ProductPanel) else origin
        self._open_sheet(SEND, origin, code, lambda locale, close: SendSheet(
            code, locale, self._look, self._catalog, self._send, on_close=close))

    def _open_order(self, origin: str, code: str) -> None:
        """"Order": the send sheet with the cart link of the product shown."""
        self._open_sheet(ORDER, origin, code, lambda locale, close: SendSheet(
            code, locale, self._look, self._catalog, self._send, on_close=close, kind="cart"))

    def _open_reserve(self, origin: str, code: str) -> None:
        """"Reserve": where, the shopper's number, then the answer."""
        self._open_sheet(RESERVE, origin, code, lambda locale, close: ReserveSheet(
            code, locale, self._look, self._catalog, self._send, close, lambda: self._now))

    def _open_offer(self, origin: str, offer_id: str) -> None:
        """"Get the offer": the shopper's copy of the offer, by any channel."""
        offers = self._offer_service
        if offers is None:
            return
        panel = self._shown.get(origin) or self._shown.get(SUGGESTION + origin)
        code = panel.shown_code if isinstance(panel, ProductPanel) else origin
        shown = self._shown.get(OFFER + origin)
        if isinstance(shown, OfferSheet) and shown.offer_id != offer_id:
            self._close(OFFER + origin)
        self._open_sheet(OFFER, origin, code, lambda locale, close: OfferSheet(
            code, offer_id, origin, locale, self._look, self._catalog, self._send, offers,
            close))

    def _open_sheet(self, prefix: str, origin: str, code: str,
                    make: Callable[[str, Callable[[], None]], Sheet]) -> None:
        """A sheet over the panel it was asked from (one of each kind per panel: asked for
        another product, it starts again for that one)."""
        key = prefix + origin
        shown = self._shown.get(key)
        if isinstance(shown, (SendSheet, ReserveSheet)) and shown.code != code:
            self._close(key)
        if key not in self._shown:
            panel = self._shown.get(origin) or self._shown.get(SUGGESTION + origin)
            locale = panel.locale if isinstance(panel, ProductPanel) else self._locale
            self._shown[key] = make(locale, lambda: self._close(key))
            if prefix in (SEND, OFFER):
                self._usage.section(code, prefix.rstrip(":"))
            self._opening(key, origin if origin in self._shown else SUGGESTION + origin)
        self.raise_layer(key)
        self._dirty = True

    def _opening(self, key: str, origin: str) -> None:
        """A layer its shopper just opened: over its origin, on top, held like a touch."""
        self._origin[key] = origin
        self._stack.add(key)
        self.touched(key, self._now)
        self._dirty = True
