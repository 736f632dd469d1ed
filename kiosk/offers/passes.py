"""An offer given to one shopper (a ``Grant``: its code, its pass serial, its links) and the
messages that carry it: the SMS, the e-mail with its Apple Wallet pass, the QR code's link.

Everything here may read files, sign, or call Google's API: it runs in the offer service's
worker thread, never in the frame loop.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from urllib.parse import quote
from uuid import uuid4

from kiosk import i18n
from kiosk.config import KioskConfig
from kiosk.config.offers import Offer
from kiosk.offers.apple_pass import PassContent, build_pkpass
from kiosk.offers.channels import WalletChannels
from kiosk.offers.google_wallet import GoogleOffer, save_link
from kiosk.offers.pool import CodePool
from kiosk.offers.wallet_errors import WalletTemporaryFailure, WalletUnavailable

log = logging.getLogger(__name__)

PASS_NAME = "offer.pkpass"
GOOGLE_LINK_CHARS = 1000
"""Longest Google Wallet link given: it goes into a QR code shown on the table, and past
1,000 characters the code needs more than 117 modules a side, too fine for a phone held over
a 1080p table. A pass that does not fit is inserted through Google's API and the link names
it; offline, the offer page's link is given instead."""


class OfferGone(Exception):
    """The offer cannot be given: its pool is empty, or it ended."""


@dataclass(frozen=True)
class Grant:
    """One shopper's copy of an offer."""

    offer_id: str
    serial: str
    code: str
    locale: str
    page_url: str
    google_url: str | None = None
    expires: dt.datetime | None = None

    @property
    def link(self) -> str:
        """What the QR code and NFC give: the Google Wallet save link when there is one (an
        iPhone opens it as a page offering the pass too), else the web shop's offer page."""
        return self.google_url or self.page_url


def expiry(offer: Offer) -> dt.datetime | None:
    """The end of the offer's last day, in the store's time zone (the machine's)."""
    day = offer.last_day
    if day is None:
        return None
    return dt.datetime.combine(day, dt.time(23, 59, 59)).astimezone()


class PassMaker:
    """Grants and their messages for one config and one set of wallet channels."""

    def __init__(self, config: KioskConfig, channels: WalletChannels,
                 pool: CodePool | None) -> None:
        self._config = config
        self._channels = channels
        self._pool = pool

    @property
    def channels(self) -> WalletChannels:
        return self._channels

    def grant(self, offer: Offer, locale: str) -> Grant:
        """Give the offer: its shared code, or the pool's next code (committed before this
        returns); then its links. OfferGone when the pool is empty or missing."""
        serial = uuid4().hex
        code = offer.code
        if code is None:
            if self._pool is None:
                raise OfferGone(f"offer {offer.id}: no data folder for its codes")
            code = self._pool.claim(offer.id, serial)
            if code is None:
                raise OfferGone(f"offer {offer.id}: no code left")
        store = self._config.store
        template = store.handoff.offer_url
        page = template.format(offer_id=offer.id, code=_quoted(code), store_id=store.store.id,
                               locale=locale) if template else ""
        grant = Grant(offer.id, serial, code, locale, page, None, expiry(offer))
        return Grant(offer.id, serial, code, locale, page, self._google_link(offer, grant),
                     grant.expires)

    def _google_link(self, offer: Offer, grant: Grant) -> str | None:
        account, settings = self._channels.google, self._config.store.wallet.google
        if account is None or settings is None:
            return None
        store = self._config.store
        google_offer = GoogleOffer(
            offer_id=offer.id, store_id=store.store.id, serial=grant.serial,
            title=_local(offer.title, grant.locale), provider=store.store.name,
            terms=_local(offer.terms, grant.locale), code=grant.code,
            valid_until=grant.expires, url=grant.page_url or None,
            background=store.theme.colors.surface[:7])
        try:
            return save_link(account, google_offer, settings.origins,
                             max_chars=GOOGLE_LINK_CHARS, api_url=settings.api_url,
                             timeout_s=settings.timeout_s)
        except (WalletUnavailable, WalletTemporaryFailure) as exc:
            log.warning("offer %s: no Google Wallet link (%s); the offer page is given instead",
                        offer.id, exc)
            return None

    def apple_pass(self, offer: Offer, grant: Grant) -> bytes | None:
        """The signed ``.pkpass`` of a grant; None when Apple Wallet is off or signing
        failed (the e-mail then carries the links only)."""
        signer = self._channels.apple
        if signer is None:
            return None
        relevant = self._config.store.wallet.relevant_text or {}
        try:
            return build_pkpass(self._content(offer, grant, relevant), signer)
        except (ValueError, OSError, TypeError, WalletUnavailable) as exc:
            log.error("offer %s: the Apple Wallet pass could not be signed (%s); the e-mail "
                      "carries the links only", offer.id, exc)
            return None

    def _content(self, offer: Offer, grant: Grant, relevant: dict[str, str]) -> PassContent:
        store, theme = self._config.store, self._config.store.theme
        location = store.store.location
        return PassContent(
            serial=grant.serial, organization=store.store.name,
            description=_local(offer.title, grant.locale), title=_local(offer.title,
                                                                         grant.locale),
            terms=_local(offer.terms, grant.locale), code=grant.code,
            store_name=store.store.name, locale=grant.locale, expires=grant.expires,
            locations=((location.latitude, location.longitude),) if location else (),
            relevant_text=relevant.get(grant.locale, store.store.name),
            url=grant.page_url or None, foreground=theme.colors.text[:7],
            background=theme.colors.surface[:7], label=theme.colors.muted[:7],
            logo=self._config.media_dir / theme.logo if theme.logo else None)

    def email(self, offer: Offer, grant: Grant) -> tuple[str, str, tuple[str, bytes] | None]:
        """Subject, text and attached pass of the e-mail carrying a grant."""
        locale, store = grant.locale, self._config.store.store.name
        title = _local(offer.title, locale)
        subject = i18n.text("offer.subject", locale, store=store, title=title)
        pkpass = self.apple_pass(offer, grant)
        lines = [title, "", i18n.text("offer.code", locale, code=grant.code)]
        if grant.expires is not None:
            lines.append(i18n.text("offer.valid_until", locale,
                                   date=_long_date(grant.expires.date(), locale)))
        lines += ["", _local(offer.terms, locale), ""]
        if pkpass is not None:
            lines.append(i18n.text("offer.apple", locale))
        if grant.google_url:
            lines.append(i18n.text("offer.google", locale, url=grant.google_url))
        if grant.page_url:
            lines.append(i18n.text("offer.page", locale, url=grant.page_url))
        return subject, "\n".join(lines) + "\n", (PASS_NAME, pkpass) if pkpass else None

    def sms(self, offer: Offer, grant: Grant) -> str:
        """The SMS carrying a grant: the code itself, and the page (or the wallet link)."""
        return i18n.text("offer.sms", grant.locale, store=self._config.store.store.name,
                         title=_local(offer.title, grant.locale), code=grant.code,
                         url=grant.page_url or grant.link)


def _local(text: dict[str, str], locale: str) -> str:
    return text.get(locale) or next(iter(text.values()), "")


def _quoted(code: str) -> str:
    return quote(code, safe="")


def _long_date(day: dt.date, locale: str) -> str:
    return day.strftime("%d/%m/%Y") if locale == "fr" else day.isoformat()
