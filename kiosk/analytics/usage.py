"""What shoppers do with the table, as anonymous events for the store's reports.

A session runs from the first product placed (or the first tap on a product left on the
table) to the idle reset. Events carry GTINs, short
labels (a tab, a channel, a language) and numbers (dwell time): nothing a shopper typed, and
nothing that identifies anyone.
"""

from __future__ import annotations

import uuid

from kiosk.analytics.log import EventLog, device_label
from kiosk.ops.metrics import TableMetrics

SHOPPER_ACTIONS = frozenset({"section", "cross_sell", "compare", "send", "language", "variant",
                             "ordered", "reserved", "offer_sent"})
"""Events that mean someone is at the table: one opens a session if none is running."""
EVENTS_FILE = "events.sqlite3"
"""The event log's SQLite file, in the kiosk's data folder (``--data``)."""


class Usage:
    """Records events to the event log (or nowhere, when the kiosk runs without data folder)."""

    def __init__(self, log: EventLog | None, metrics: TableMetrics | None = None) -> None:
        """``metrics``: the table's Prometheus counters, told of placements and sends too."""
        self._log = log
        self._metrics = metrics
        self.session: str | None = None

    def placed(self, code: str) -> None:
        """A product was laid on the table; the first one opens a session."""
        if self.session is None:
            self._open_session()
        self._record("placed", gtin=_gtin(code), value=None if _gtin(code) else "unknown")
        if self._metrics is not None:
            self._metrics.placed()

    def removed(self, code: str, dwell_s: float) -> None:
        """A product was lifted after ``dwell_s`` seconds on the table."""
        self._record("removed", gtin=_gtin(code), number=round(max(0.0, dwell_s), 1))

    def section(self, code: str, tab: str) -> None:
        """A shopper opened a tab of a product panel."""
        self._record("section", gtin=_gtin(code), value=tab)

    def cross_sell(self, code: str) -> None:
        """A suggested product was tapped."""
        self._record("cross_sell", gtin=_gtin(code))

    def compare(self, first: str, second: str) -> None:
        """Two products were compared."""
        self._record("compare", gtin=_gtin(first), value=_gtin(second))

    def send(self, channel: str, codes: tuple[str, ...]) -> None:
        """A product (or selection) went to a phone by ``channel``: never the address."""
        if self._metrics is not None:
            self._metrics.sent(channel)
        self._record("send", gtin=_gtin(codes[0]) if len(codes) == 1 else None, value=channel,
                     number=float(len(codes)))

    def variant_chosen(self, code: str) -> None:
        """A shopper tapped a variant's chip (a size, a colour): ``code`` is the one chosen."""
        self._record("variant", gtin=_gtin(code))

    def ordered(self, code: str, channel: str) -> None:
        """The web shop's cart holding ``code`` went to a phone by ``channel`` ("Order it"):
        never the address."""
        if self._metrics is not None:
            self._metrics.sent(channel)
        self._record("ordered", gtin=_gtin(code), value=channel)

    def reserved(self, code: str, channel: str) -> None:
        """A reservation of ``code`` was queued, answered by ``channel`` (``sms``): never the
        number, nor the reservation code."""
        self._record("reserved", gtin=_gtin(code), value=channel)

    def offer_sent(self, offer_id: str, channel: str, code: str | None = None) -> None:
        """The offer ``offer_id`` went to a phone by ``channel``, from the panel of ``code``:
        never the address, nor the shopper's coupon code. The label is ``OFFER:CHANNEL``
        (offer ids have no colon)."""
        if self._metrics is not None:
            self._metrics.sent(channel)
        self._record("offer_sent", gtin=_gtin(code) if code else None,
                     value=f"{offer_id}:{channel}")

    def language(self, locale: str) -> None:
        """A shopper switched language."""
        self._record("language", value=locale)

    def device(self, name: str, state: str) -> None:
        """A device failed or came back."""
        self._record("device", value=device_label(name, state))

    def _open_session(self) -> None:
        self.session = uuid.uuid4().hex
        self._record("session_start")

    def end_session(self) -> None:
        """The idle reset: the next shopper starts a new session."""
        if self.session is not None:
            self._record("session_end")
            self.session = None

    def _record(self, kind: str, *, gtin: str | None = None, value: str | None = None,
                number: float | None = None) -> None:
        if self.session is None and kind in SHOPPER_ACTIONS:
            self._open_session()  # a new shopper at a product the last one left behind
        if self._log is not None:
            self._log.record(kind, session=self.session, gtin=gtin, value=value, number=number)


def _gtin(code: str) -> str | None:
    """Only barcode numbers enter the log (a tag id or anything else stays out)."""
    return code if code.isascii() and code.isdigit() else None
