"""Reserving a product for a shopper ("Reserve it"): what the UI is told, and the SMS that
answers the request, in the shopper's language.

The request is a message of the durable outbox (channel ``reserve``); the store's stock system
answers it with a code and a pick-up deadline, or a refusal, and an SMS tells the shopper
either way. The SMS is written by the delivery worker, long after the shopper typed the
number, so everything it needs (product, store, language) travels in the message's payload,
never the number itself.

Why the sentences have defaults here: ``kiosk/i18n/locales`` holds the table's sentences; when
it has a ``reserve.*`` key, it wins (so translators add a language there), and until then these
French and English defaults are used.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Mapping
from concurrent.futures import Future
from dataclasses import dataclass, replace
from typing import Literal

from hardware.gtin import normalise_code
from kiosk import i18n

State = Literal["waiting", "confirmed", "refused", "failed"]
CODE_CHARS = 40
UNTIL_CHARS = 40
REASON_CHARS = 120
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")

DEFAULTS: dict[str, dict[str, str]] = {
    "reserve.sms_confirmed": {
        "fr": "{store} : {what} vous attend à {where}.",
        "en": "{store}: {what} is waiting for you at {where}.",
    },
    "reserve.sms_code": {"fr": " Code de réservation : {code}.",
                         "en": " Reservation code: {code}."},
    "reserve.sms_until": {"fr": " À retirer avant le {until}.", "en": " Collect it by {until}."},
    "reserve.sms_refused": {
        "fr": "{store} : désolé, {what} n'a pas pu être réservé à {where}.",
        "en": "{store}: sorry, {what} could not be reserved at {where}.",
    },
    "reserve.sms_reason": {"fr": " Motif : {reason}.", "en": " Reason: {reason}."},
    "reserve.quantity": {"fr": "{what} (×{n})", "en": "{what} (×{n})"},
}
"""French and English wording of the answer SMS (``kiosk/i18n/locales`` wins when it has the
key)."""


def words(key: str, locale: str, **values: object) -> str:
    """The sentence ``key``: from the locale files if they have it, else the defaults above."""
    if key in i18n.STRINGS:
        return i18n.text(key, locale, **values)
    variants = DEFAULTS[key]
    return (variants.get(locale) or variants[i18n.FALLBACK]).format(**values)


def clean(value: object, limit: int) -> str | None:
    """A short one-line text from a provider (a code, a date, a reason), or None when it is
    not text or nothing is left: control and direction characters cannot reach an SMS or the
    screen, and a hostile provider cannot fill either."""
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        return None
    text = " ".join(CONTROL.sub(" ", str(value)).split())
    return text[:limit] or None


@dataclass(frozen=True)
class Place:
    """Where a product can be reserved: this store or another one, by store id."""

    store_id: str
    name: str
    stock: int | None
    here: bool


@dataclass(frozen=True)
class Reservation:
    """The state of a reservation for the UI, polled each frame.

    ``waiting``: being stored, or stored and not answered yet (offline: it goes when the
    service is back); ``confirmed``: ``code`` and ``until`` when the provider gave them;
    ``refused``: the provider said no, ``reason`` is its words (or None); ``failed``: it could
    not be stored (``reason`` "not_stored": point the shopper to staff) or was given up (e.g. a
    missing token). The shopper gets an SMS in the last three cases, except "not_stored"."""

    state: State
    store_id: str
    quantity: int
    code: str | None = None
    until: str | None = None
    reason: str | None = None

    @property
    def deadline(self) -> dt.datetime | dt.date | None:
        """``until`` read as an ISO 8601 date or date-time (local time), or None."""
        return parse_until(self.until)

    def until_text(self, locale: str, today: dt.date | None = None) -> str | None:
        """``until`` as shoppers read it (``5 déc. 19:00``), or as given when not ISO."""
        return until_text(self.until, locale, today)


def parse_until(until: str | None) -> dt.datetime | dt.date | None:
    """An ISO 8601 date (``2026-12-05``) or date-time (``2026-12-05T19:00:00+01:00``, ``Z``
    too) as a date, or a local naive date-time; None when it is neither."""
    if not until:
        return None
    text = until.strip()
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        moment = dt.datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    except ValueError:
        return None
    return moment.astimezone().replace(tzinfo=None) if moment.tzinfo else moment


def until_text(until: str | None, locale: str, today: dt.date | None = None) -> str | None:
    """A deadline written for the shopper: ``5 déc.``, ``5 déc. 19:00`` (with the year when
    it is not this year's), or the provider's own words when they are not ISO 8601."""
    moment = parse_until(until)
    if moment is None:
        return until or None
    today = today or dt.date.today()
    if isinstance(moment, dt.datetime):
        return f"{i18n.short_date(moment.date(), locale, today)} {moment:%H:%M}"
    return i18n.short_date(moment, locale, today)


def confirmed_text(data: Mapping[str, object], code: str | None, until: str | None) -> str:
    """The SMS telling the shopper the reservation is made."""
    locale = str(data.get("locale", i18n.FALLBACK))
    text = words("reserve.sms_confirmed", locale, **_names(data, locale))
    if code:
        text += words("reserve.sms_code", locale, code=code)
    if until:
        text += words("reserve.sms_until", locale, until=until_text(until, locale))
    return text


def refused_text(data: Mapping[str, object], reason: str | None) -> str:
    """The SMS telling the shopper the reservation could not be made (and why, if known)."""
    locale = str(data.get("locale", i18n.FALLBACK))
    text = words("reserve.sms_refused", locale, **_names(data, locale))
    if reason:
        text += words("reserve.sms_reason", locale, reason=reason.rstrip("."))
    return text


def _names(data: Mapping[str, object], locale: str) -> dict[str, str]:
    what = str(data.get("what", ""))
    quantity = data.get("quantity", 1)
    if isinstance(quantity, int) and quantity > 1:
        what = words("reserve.quantity", locale, what=what, n=quantity)
    return {"store": str(data.get("store", "")), "what": what,
            "where": str(data.get("where", ""))}


@dataclass
class _Request:
    message_id: str
    store_id: str
    quantity: int
    written: Future[str] | None = None


class Reservations:
    """This session's reservations, one per product (the latest), and the answers the outbox
    worker hands over from its thread: the frame loop reads them without waiting."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: dict[str, _Request] = {}
        self._answers: dict[str, tuple[str, dict[str, str]]] = {}

    def track(self, code: str, message_id: str, store_id: str, quantity: int) -> None:
        """A reservation of ``code`` is about to be stored as ``message_id`` (tracked first,
        so an answer however quick finds it)."""
        with self._lock:
            self._requests[normalise_code(code)] = _Request(message_id, store_id, quantity)

    def writing(self, code: str, message_id: str, written: Future[str]) -> None:
        """The commit of ``message_id``: its failure makes the reservation "failed"."""
        with self._lock:
            request = self._requests.get(normalise_code(code))
            if request is not None and request.message_id == message_id:
                request.written = written

    def answered(self, message_id: str, state: str, reply: Mapping[str, str]) -> None:
        """The worker's outcome (``sent``, ``refused``, ``failed``); kept only for a request
        of this session (the answer may come before the commit's future resolves)."""
        with self._lock:
            if any(request.message_id == message_id for request in self._requests.values()):
                self._answers[message_id] = (state, dict(reply))

    def get(self, code: str) -> Reservation | None:
        """The latest reservation of ``code`` in this session, or None."""
        with self._lock:
            request = self._requests.get(normalise_code(code))
            if request is None:
                return None
            answer = self._answers.get(request.message_id)
        made = Reservation("waiting", request.store_id, request.quantity)
        written = request.written
        if written is not None and written.done() and written.exception() is not None:
            return replace(made, state="failed", reason="not_stored")
        if answer is None:
            return made
        state, reply = answer
        if state == "sent":
            return replace(made, state="confirmed", code=reply.get("code"),
                           until=reply.get("until"))
        return replace(made, state="refused" if state == "refused" else "failed",
                       reason=reply.get("reason"))

    def clear(self) -> None:
        """The session ended: the next shopper sees none of these."""
        with self._lock:
            self._requests.clear()
            self._answers.clear()
