"""The web shop's product API, and the careful HTTP GET every remote source (and the
download of product photos) shares.

A remote source has three outcomes, whatever the network or the server does:

- a ``ProductPatch`` (perhaps with only some fields: a field of the wrong type is dropped,
  not the answer);
- None: the source does not know the product (404), or its answer cannot be used (HTML, not
  JSON, too big, nothing where the paths point); the latter logs ONE short warning naming the
  reason, never the body, the URL's query or a secret;
- ``SourceUnavailable``: try later and use the cache meanwhile (network down, timeout, 5xx,
  429, refused credentials, a secret missing from the environment).

Every answer is bounded: connect and read timeouts per attempt (two retries on connect and
read errors, GET only), then the body is read in small pieces against a deadline of
``timeout_s`` and a cap of ``max_bytes``, so neither a slow drip nor a huge body can hold the
fetcher for long.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import time
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from hardware.gtin import display_gtin
from kiosk.catalog.sources.patch import ProductPatch
from kiosk.config.content import RestSourceConfig, parse_json_path

if TYPE_CHECKING:
    import requests

log = logging.getLogger(__name__)

USER_AGENT = "smart-table-kiosk/0.1 (store kiosk)"
CONNECT_TIMEOUT_S = 3.05
CHUNK = 16384
LOG_CHARS = 200
MAX_PRICE = Decimal("1e7")
CENT = Decimal("0.01")
MAX_TEXT = 120
MISSING = object()


class SourceUnavailable(Exception):
    """The source cannot answer now (network, timeout, 5xx, credentials): use the cache."""


class Unusable(Exception):
    """The source answered, but nothing can be made of the answer."""


def make_session(user_agent: str = USER_AGENT) -> requests.Session:
    """A session that retries connecting and reading twice (GET only), with short backoff.
    requests is imported here, by the first source made: a table with local content only
    never loads it."""
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.util.retry import Retry

    retry = Retry(total=2, connect=2, read=2, status=0, other=0, backoff_factor=0.3,
                  allowed_methods=frozenset({"GET"}), raise_on_status=False,
                  respect_retry_after_header=False)
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers.update({"User-Agent": user_agent, "Accept": "application/json"})
    session.max_redirects = 3
    return session


def get_json(session: requests.Session, url: str, *, headers: Mapping[str, str],
             timeout_s: float, max_bytes: int, follow_redirects: bool) -> Any:
    """The JSON document at ``url``, or None for 404/410. Raises SourceUnavailable or
    Unusable; exception texts are written here (a library's may quote the URL)."""
    answer = _get(session, url, headers, timeout_s, max_bytes, follow_redirects, "JSON")
    if answer is None:
        return None
    body, kind = answer
    try:
        return json.loads(body.decode("utf-8-sig"), parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise Unusable(f"not JSON ({kind or 'no content type'}, {len(body)} bytes)") from None


def get_bytes(session: requests.Session, url: str, *, headers: Mapping[str, str],
              timeout_s: float, max_bytes: int, follow_redirects: bool) -> bytes | None:
    """The body at ``url`` (a photo, say), or None for 404/410; bounded and refused like
    ``get_json``'s (an HTML or XML page is Unusable). The caller checks what the bytes are."""
    answer = _get(session, url, headers, timeout_s, max_bytes, follow_redirects, "an image",
                  "the cap")
    return None if answer is None else answer[0]


def _get(session: requests.Session, url: str, headers: Mapping[str, str], timeout_s: float,
         max_bytes: int, follow_redirects: bool, wanted: str,
         cap: str = "max_bytes") -> tuple[bytes, str] | None:
    """One bounded GET: the body and its content type, None for 404/410; raises
    SourceUnavailable or Unusable (``wanted`` names what an HTML page is not, ``cap`` the
    setting a too big answer is over)."""
    import requests
    import urllib3

    try:
        response = session.get(url, headers=dict(headers), stream=True,
                               timeout=(min(CONNECT_TIMEOUT_S, timeout_s), timeout_s),
                               allow_redirects=follow_redirects)
    except requests.TooManyRedirects:
        raise Unusable("too many redirects") from None
    except (requests.ConnectionError, requests.Timeout) as exc:
        if _timed_out(exc):
            raise SourceUnavailable("timed out") from None
        raise SourceUnavailable(f"unreachable ({type(exc).__name__})") from None
    except (requests.RequestException, OSError, ValueError) as exc:
        raise SourceUnavailable(f"request failed ({type(exc).__name__})") from None
    try:
        return _body_of(response, timeout_s, max_bytes, wanted, cap)
    finally:
        try:
            response.close()
        except (requests.RequestException, urllib3.exceptions.HTTPError, OSError):
            pass  # closing a connection the server already broke


def _timed_out(exc: requests.RequestException) -> bool:
    """A timeout, even once retries are spent (requests then calls it a ConnectionError)."""
    import requests
    import urllib3

    if isinstance(exc, requests.Timeout):
        return True
    reason = getattr(exc.args[0] if exc.args else None, "reason", None)
    if isinstance(reason, urllib3.exceptions.NewConnectionError):
        return False  # refused or no route (urllib3 files it under connect timeouts)
    return isinstance(reason, urllib3.exceptions.TimeoutError)


def _body_of(response: requests.Response, timeout_s: float, max_bytes: int,
             wanted: str, cap: str) -> tuple[bytes, str] | None:
    status = response.status_code
    if status in (404, 410):
        return None
    if status in (408, 429) or status >= 500:
        raise SourceUnavailable(f"answered {status}")
    if status in (401, 403):
        raise SourceUnavailable(f"refused access ({status}); check auth and its secret")
    if not 200 <= status < 300:
        hint = " (redirects are not followed: check the url)" if 300 <= status < 400 else ""
        raise Unusable(f"answered {status}{hint}")
    kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if "html" in kind or "xml" in kind:
        raise Unusable(f"sent {kind[:40]}, not {wanted}")
    length = response.headers.get("Content-Length", "")
    if length.isdigit() and int(length) > max_bytes:
        raise Unusable(f"answer of {int(length)} bytes is over {cap} ({max_bytes})")
    return _read_bounded(response, timeout_s, max_bytes, cap), kind


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _read_bounded(response: requests.Response, timeout_s: float, max_bytes: int,
                  cap: str = "max_bytes") -> bytes:
    """The (decoded) body, read as it arrives, given up past ``timeout_s`` or ``max_bytes``."""
    import http.client

    import requests
    import urllib3

    raw = response.raw
    read1: Callable[..., bytes] | None = getattr(raw, "read1", None)  # urllib3 >= 2.3
    deadline = time.monotonic() + timeout_s
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise SourceUnavailable(f"answer still arriving after {timeout_s:g} s")
        try:
            chunk = (read1(CHUNK, decode_content=True) if read1 is not None
                     else raw.read(1024, decode_content=True))
        except (urllib3.exceptions.HTTPError, http.client.HTTPException, OSError,
                requests.RequestException) as exc:
            raise SourceUnavailable(f"answer broken off ({type(exc).__name__})") from None
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > max_bytes:
            raise Unusable(f"answer is over {cap} ({max_bytes})")
        chunks.append(chunk)


def warn_unusable(source: str, gtin: str, reason: str) -> None:
    """The one warning line for an answer that cannot be used."""
    log.warning("%s", f"{source} source: unusable answer for GTIN {gtin}: {reason}"[:LOG_CHARS])


# -- values, as a JSON answer may hold them ---------------------------------------------


def dig(data: Any, path: tuple[str | int, ...]) -> Any:
    """The value at ``path`` (see ``parse_json_path``), or MISSING."""
    for step in path:
        if isinstance(step, int) and isinstance(data, list) and step < len(data):
            data = data[step]
        elif isinstance(step, str) and isinstance(data, dict) and step in data:
            data = data[step]
        else:
            return MISSING
    return data


def as_price(value: Any) -> Decimal | None:
    """A positive amount below 10 million, to the cent: a number, or a numeric text
    (``"19.99"``, ``"19,99"``, as JSON-LD offers often write it)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = value.strip().replace(",", ".")
        if not re.fullmatch(r"\d{1,9}(\.\d+)?", value):
            return None
    if not isinstance(value, int | float | str):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount <= 0 or amount > MAX_PRICE:
        return None
    amount = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    return amount if amount > 0 else None


def as_count(value: Any) -> int | None:
    """A whole number >= 0 (``12`` or ``12.0``); a negative stock, as some tills report an
    oversold product, counts as 0."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not value.is_integer():
        return None
    return max(0, int(value))


def as_days(value: Any) -> int | None:
    """A whole number of days, 0 to 365."""
    count = as_count(value)
    if count is None or value < 0 or count > 365:  # as_count took out bools and non-numbers
        return None
    return count


def as_date(value: Any) -> dt.date | None:
    """An ISO date (``2026-12-31``) or date-time (``2026-12-31T23:59:59Z``): its date."""
    if not isinstance(value, str) or not 10 <= len(value.strip()) <= 40:
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        return None


def as_text(value: Any, limit: int = MAX_TEXT) -> str | None:
    """A short one-line text (a whole number, such as an aisle 12, is written out)."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    return text[:limit] if text else None


def as_bool(value: Any) -> bool | None:
    """JSON true or false only."""
    return value if isinstance(value, bool) else None


PARSERS: dict[str, Callable[[Any], Any]] = {
    "price": as_price, "promo_price": as_price, "promo_until": as_date, "stock": as_count,
    "aisle": as_text, "online": as_bool, "delivery_days": as_days}


class LenientFetch:
    """``fetch`` for a source with ``fetch_strict``: an unusable answer is logged once and
    read as "nothing" (the fetcher itself calls ``fetch_strict``, to keep its cache)."""

    name = ""

    def fetch_strict(self, gtin14: str) -> ProductPatch | None:
        raise NotImplementedError

    def fetch(self, gtin14: str) -> ProductPatch | None:
        """What the source knows of this product; None if nothing or an unusable answer.
        Raises SourceUnavailable when it cannot be asked now."""
        try:
            return self.fetch_strict(gtin14)
        except Unusable as exc:
            warn_unusable(self.name, display_gtin(gtin14), str(exc))
            return None


class RestSource(LenientFetch):
    """The web shop's product API: one GET per product, fields read through JSON paths."""

    name = "rest"

    def __init__(self, config: RestSourceConfig, store_id: str,
                 environ: Mapping[str, str] = os.environ) -> None:
        self.config = config
        self.ttl_s = config.ttl_s
        self._store_id = store_id
        self._environ = environ
        self._paths = {field: parse_json_path(path) for field, path in config.fields.items()}
        self._session = make_session()

    def fetch_strict(self, gtin14: str) -> ProductPatch | None:
        """As ``fetch``, but an unusable answer raises Unusable (the fetcher then keeps the
        cached answer rather than overwriting it with "not found")."""
        gtin = display_gtin(gtin14)
        url = self.config.url.format(gtin=quote(gtin, safe=""),
                                     store_id=quote(self._store_id, safe=""))
        fetched_at = time.time()
        data = get_json(self._session, url, headers=self._auth_headers(),
                        timeout_s=self.config.timeout_s, max_bytes=self.config.max_bytes,
                        follow_redirects=False)
        if data is None:
            return None
        values: dict[str, Any] = {}
        rejected: list[str] = []
        for field, path in self._paths.items():
            raw = dig(data, path)
            if raw is not MISSING and raw is not None:
                value = PARSERS[field](raw)
                if value is None:
                    rejected.append(field)
                else:
                    values[field] = value
        wrong = f" ({', '.join(rejected)} of the wrong type)" if rejected else ""
        if not values:
            raise Unusable(f"no configured field has a usable value{wrong}")
        if rejected:
            log.warning("%s", f"{self.name} source: ignored {', '.join(rejected)} for GTIN "
                              f"{gtin} (wrong type or out of range)"[:LOG_CHARS])
        return ProductPatch(source=self.name, fetched_at=fetched_at, **values)

    def _auth_headers(self) -> dict[str, str]:
        """Read at each call, so a fixed variable takes effect without a restart."""
        auth = self.config.auth
        if auth is None:
            return {}
        variable = auth.bearer_env or auth.env or ""
        secret = self._environ.get(variable, "").strip()
        if not secret:
            raise SourceUnavailable(f"{variable} is not set in the environment")
        if auth.bearer_env:
            return {"Authorization": f"Bearer {secret}"}
        return {auth.header or "": secret}

    def close(self) -> None:
        """Close the connections kept alive."""
        self._session.close()
