"""Google Wallet passes for the store's offers: a "save" link (``SAVE_URL`` + a signed JWT) the
table shows as a QR code, so the shopper keeps the offer in the phone after the visit.

The JWT is signed RS256 with the issuer's service-account key through google-auth (no
hand-written crypto). A short offer travels whole inside the link, so making a pass needs no
network at all; a long one would make a link phones cannot open, so its class and object are
first inserted through the Wallet REST API and the link only names them.

google-auth, cryptography and requests are imported by the functions that sign or send: a
table whose Google key is not set never loads them (18 MB).
"""

from __future__ import annotations

import datetime
import functools
import json
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.offers.wallet_errors import WalletTemporaryFailure, WalletUnavailable

if TYPE_CHECKING:
    import requests
    from google.auth import crypt

SAVE_URL = "https://pay.google.com/gp/v/save/"
MAX_LINK_CHARS = 1800
"""Some browsers, in-app browsers and messaging apps cut URLs at about 2000 characters (the JWT
then fails its signature check); 1800 keeps a margin, and a QR code holding more gets too
dense for phone cameras to read off the table's screen."""
API_URL = "https://walletobjects.googleapis.com/walletobjects/v1"
WALLET_SCOPE = "https://www.googleapis.com/auth/wallet_object.issuer"
DEFAULT_TOKEN_URI = "https://oauth2.googleapis.com/token"

_NOT_ID = re.compile(r"[^A-Za-z0-9._-]+")


def _key_errors() -> tuple[type[Exception], ...]:
    """What google-auth and cryptography raise on a key they cannot use (bad PEM, encrypted,
    not RSA)."""
    from cryptography.exceptions import UnsupportedAlgorithm
    from google.auth import exceptions as auth_exceptions

    return (ValueError, TypeError, AttributeError, UnicodeError, UnsupportedAlgorithm,
            auth_exceptions.GoogleAuthError)


@dataclass(frozen=True)
class GoogleAccount:
    """The issuer's service account and Wallet issuer id. ``info`` holds the private key, so it
    stays out of ``repr`` (and thus out of logs)."""

    info: Mapping[str, str] = field(repr=False)
    issuer_id: str

    @classmethod
    def from_environment(cls, environ: Mapping[str, str], service_account_env: str,
                         issuer_id: str) -> GoogleAccount:
        """Read the key from ``service_account_env``: the JSON itself (it starts with "{") or a
        path to the key file. Every failure says which variable to fix and never echoes its
        value (it may be the key itself)."""
        name = service_account_env
        raw = environ.get(name, "").strip()
        if not raw:
            raise WalletUnavailable(f"{name} is not set: Google Wallet needs a service-account "
                                    "key (its JSON, or the path to its file)")
        if raw.startswith("{"):
            text, origin = raw, f"the JSON in {name}"
        else:
            origin = f"the key file named by {name}"
            try:
                text = Path(raw).expanduser().read_text(encoding="utf-8")
            except FileNotFoundError:
                raise WalletUnavailable(f"{origin} does not exist") from None
            except (OSError, UnicodeError):
                raise WalletUnavailable(f"{origin} cannot be read") from None
        try:
            data = json.loads(text)
        except ValueError:
            raise WalletUnavailable(f"{origin} is not valid JSON") from None
        if not isinstance(data, dict):
            raise WalletUnavailable(f"{origin} is not a service-account key (not a JSON object)")
        missing = [key for key in ("client_email", "private_key")
                   if not isinstance(data.get(key), str) or not data[key].strip()]
        if missing:
            raise WalletUnavailable(f"{origin} is not a service-account key (no "
                                    f"{' or '.join(missing)})")
        info = {key: value for key, value in data.items() if isinstance(value, str)}
        info.setdefault("token_uri", DEFAULT_TOKEN_URI)
        issuer = issuer_id.strip()
        if not issuer.isdigit():
            raise WalletUnavailable(f"the Google Wallet issuer id {issuer!r} is not a number "
                                    "(it is shown in the Wallet console)")
        try:
            _signer(info).sign(b"probe")  # an unusable key shows now, not at the first shopper
        except _key_errors():
            raise WalletUnavailable(f"the private key in {origin} cannot be read (it must be an "
                                    "unencrypted RSA key in PEM)") from None
        return cls(info=info, issuer_id=issuer)


@dataclass(frozen=True)
class GoogleOffer:
    """One shopper's pass for one store offer."""

    offer_id: str
    store_id: str
    serial: str
    title: str
    provider: str
    terms: str
    code: str
    valid_until: datetime.datetime | None = None
    url: str | None = None
    background: str = "#FBFAF7"

    def __post_init__(self) -> None:
        """Catch a caller's slip here rather than as a pass Google rejects later."""
        if self.valid_until is not None and self.valid_until.utcoffset() is None:
            raise ValueError("valid_until must be timezone-aware (Wallet needs an offset)")


def _identifier(*parts: str) -> str:
    """Wallet ids are ``<issuer>.<identifier>`` with only [A-Za-z0-9._-] after the dot."""
    return _NOT_ID.sub("_", "-".join(part.strip() for part in parts)).strip("_") or "_"


def class_id(offer: GoogleOffer, account: GoogleAccount) -> str:
    """One class per store and offer, shared by every shopper's pass."""
    return f"{account.issuer_id}.{_identifier(offer.store_id, offer.offer_id)}"


def object_id(offer: GoogleOffer, account: GoogleAccount) -> str:
    """One object per shopper's pass."""
    return f"{account.issuer_id}.{_identifier(offer.serial)}"


def offer_class(offer: GoogleOffer, account: GoogleAccount) -> dict[str, Any]:
    """The OfferClass: what every pass of this offer shows (title, store, terms, colour)."""
    return {
        "id": class_id(offer, account),
        "issuerName": offer.provider,
        "provider": offer.provider,
        "title": offer.title,
        "finePrint": offer.terms,  # plain fields only (no localized*): the link's length
        # An offer with a web page may be used there too; otherwise only at the till.
        "redemptionChannel": "both" if offer.url else "instore",
        "reviewStatus": "UNDER_REVIEW",
        "hexBackgroundColor": offer.background,
    }


def offer_object(offer: GoogleOffer, account: GoogleAccount) -> dict[str, Any]:
    """The OfferObject: this shopper's pass, with the code the till scans."""
    body: dict[str, Any] = {
        "id": object_id(offer, account),
        "classId": class_id(offer, account),
        "state": "ACTIVE",
        "barcode": {"type": "QR_CODE", "value": offer.code},
    }
    if offer.valid_until is not None:
        body["validTimeInterval"] = {
            "end": {"date": offer.valid_until.isoformat(timespec="seconds")}}
    if offer.url:
        body["linksModuleData"] = {"uris": [{"uri": offer.url, "description": offer.provider}]}
    return body


def _signer(info: Mapping[str, str]) -> crypt.Signer:
    """The RS256 signer; its key id (``private_key_id``) becomes the JWT's ``kid``."""
    return _cached_signer(info.get("private_key", ""), info.get("private_key_id"))


@functools.lru_cache(maxsize=4)
def _cached_signer(private_key: str, key_id: str | None) -> crypt.Signer:
    """Loading (and validating) an RSA key costs tens of milliseconds; a pass should not."""
    from google.auth import crypt

    return crypt.RSASigner.from_service_account_info(
        {"private_key": private_key, "private_key_id": key_id})


def save_jwt(account: GoogleAccount, payload: dict[str, Any],
             origins: Sequence[str] = ()) -> str:
    """A signed "savetowallet" JWT carrying ``payload`` (classes and/or objects)."""
    from google.auth import jwt

    claims = {
        "iss": account.info["client_email"],
        "aud": "google",
        "typ": "savetowallet",
        "iat": int(time.time()),
        "origins": list(origins),
        "payload": payload,
    }
    try:
        token = jwt.encode(_signer(account.info), claims)
    except _key_errors():
        raise WalletUnavailable("the Google Wallet service-account key cannot sign (it must be "
                                "an unencrypted RSA key in PEM)") from None
    return token.decode("ascii")


SessionFactory = Callable[[GoogleAccount], "requests.Session"]


def authorized_session(account: GoogleAccount) -> requests.Session:
    """A session that fetches an OAuth token from ``token_uri`` and sends it as a bearer."""
    from google.auth.transport.requests import AuthorizedSession
    from google.oauth2 import service_account

    try:
        credentials = service_account.Credentials.from_service_account_info(
            account.info, scopes=[WALLET_SCOPE])
    except _key_errors():
        raise WalletUnavailable("the Google Wallet service-account key is not usable for the "
                                "Wallet API") from None
    return AuthorizedSession(credentials)


def _insert(session: requests.Session, url: str, body: dict[str, Any], what: str,
            timeout_s: float) -> None:
    """POST one resource; 409 means it was inserted before (the class by an earlier shopper,
    or this object by a retry), which is just as good."""
    import requests
    from google.auth import exceptions as auth_exceptions

    try:
        response = session.post(url, json=body, timeout=timeout_s)
    except auth_exceptions.RefreshError as error:
        if error.retryable:
            raise WalletTemporaryFailure("Google's token service did not answer") from None
        raise WalletUnavailable("Google refused the service account a token (key revoked or "
                                "account disabled?)") from None
    except (requests.RequestException, auth_exceptions.TransportError):
        raise WalletTemporaryFailure(f"the Google Wallet API did not answer ({what})") from None
    except auth_exceptions.GoogleAuthError:
        raise WalletUnavailable("the Google Wallet service-account key is not usable") from None
    status = response.status_code
    if 200 <= status < 300 or status == 409:
        return
    if status == 429 or status >= 500:
        raise WalletTemporaryFailure(f"the Google Wallet API is busy or failing ({what}: HTTP "
                                     f"{status})")
    raise WalletUnavailable(f"the Google Wallet API refused the {what} (HTTP {status}"
                            f"{_reason(response)})")


def _reason(response: requests.Response) -> str:
    """Google's own words on a refusal ("permission denied", "invalid id"), kept short."""
    try:
        message = response.json()["error"]["message"]
    except (ValueError, KeyError, TypeError):
        return ""
    return f": {str(message)[:200]}" if message else ""


def save_link(account: GoogleAccount, offer: GoogleOffer, origins: Sequence[str] = (), *,
              max_chars: int = MAX_LINK_CHARS, api_url: str = API_URL, timeout_s: float = 10.0,
              session_factory: SessionFactory | None = None) -> str:
    """The "save to Google Wallet" link for this shopper's pass: whole in the JWT when it fits
    ``max_chars`` (no network), otherwise inserted through the API and named by id."""
    pass_class = offer_class(offer, account)
    pass_object = offer_object(offer, account)
    inline = SAVE_URL + save_jwt(account, {"offerClasses": [pass_class],
                                           "offerObjects": [pass_object]}, origins)
    if len(inline) <= max_chars:
        return inline
    reference = {"id": pass_object["id"], "classId": pass_object["classId"]}
    link = SAVE_URL + save_jwt(account, {"offerObjects": [reference]}, origins)
    if len(link) > max_chars:  # checked before inserting anything that would go unused
        raise WalletUnavailable(f"a Google Wallet link would be {len(link)} characters, over "
                                f"the {max_chars} phones accept (shorten the ids or origins)")
    session = (session_factory or authorized_session)(account)
    try:
        base = api_url.rstrip("/")
        _insert(session, f"{base}/offerClass", pass_class, "offer class", timeout_s)
        _insert(session, f"{base}/offerObject", pass_object, "offer object", timeout_s)
    finally:
        session.close()
    return link
