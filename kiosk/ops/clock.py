"""How far the table's clock is from a server's, read from the HTTP ``Date`` header.

Why it matters: schedules, offers and the analytics of a whole chain are compared by time, and
a table whose clock drifted (no NTP in the store's network) lies about all of them. Why the
``Date`` header rather than NTP: the table already talks HTTP to the chain's server, and a
store's firewall often blocks NTP.

The header has one-second resolution (RFC 7231 truncates to the second), so an offset under
about a second is noise; the measure is meant to find clocks minutes or hours off.
"""

from __future__ import annotations

import logging
import time
from datetime import timezone
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from kiosk.ops.delivery import CONNECT_TIMEOUT_S

if TYPE_CHECKING:
    import requests

log = logging.getLogger(__name__)

DATE_RESOLUTION_S = 1.0
"""A ``Date`` is the server's time truncated to the second: on average half of this behind."""
REFUSED = (405, 501)
"""Answers to HEAD that mean "this server does not do HEAD": GET is asked then."""


def clock_offset(date_header: str | None, sent_at: float, received_at: float) -> float | None:
    """The server's time (its ``Date`` header) minus the local time (``time.time()``) at the
    middle of the request, in seconds; None for a missing or garbled header.

    Half a second is added to the header's time, since the server truncated it to the
    second: the offset is then right to within ±0.5 s plus half the round trip.
    """
    if not date_header or not date_header.strip():
        return None
    try:
        server = parsedate_to_datetime(date_header.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if server.tzinfo is None:
        server = server.replace(tzinfo=timezone.utc)  # "-0000": HTTP dates are always GMT
    try:
        server_time = server.timestamp()
    except (OverflowError, OSError, ValueError):
        return None
    return server_time + DATE_RESOLUTION_S / 2 - (sent_at + received_at) / 2


def measure_offset(url: str, timeout_s: float,
                   session: requests.Session | None = None) -> float | None:
    """Ask ``url`` the time with a HEAD request (GET when HEAD is refused) and return
    ``clock_offset`` of the answer; None when the server cannot be reached or gives no usable
    ``Date``. Never raises on network trouble, and never follows a redirect: the redirect's
    own ``Date`` is the server's clock, and another host is not the server asked for.
    Blocks up to about twice ``timeout_s``: call it from a service thread."""
    import requests

    http = session if session is not None else requests.Session()
    try:
        answer = _ask(http, "HEAD", url, timeout_s)
        if answer is not None and answer[0] in REFUSED:
            answer = _ask(http, "GET", url, timeout_s)
    finally:
        if session is None:
            http.close()
    if answer is None:
        return None
    _, date_header, sent_at, received_at = answer
    return clock_offset(date_header, sent_at, received_at)


def _ask(http: requests.Session, method: str, url: str,
         timeout_s: float) -> tuple[int, str | None, float, float] | None:
    """Status, ``Date`` and the local send and receive times of one request, body unread.
    The receive time is counted on the monotonic clock, so a clock step during the request
    does not count as an offset."""
    import requests

    sent_at = time.time()
    started = time.monotonic()
    try:
        response = http.request(method, url, timeout=(min(CONNECT_TIMEOUT_S, timeout_s),
                                                      timeout_s),
                                allow_redirects=False, stream=True)
    except (requests.RequestException, OSError, ValueError) as exc:
        log.debug("clock check %s failed: %s", method, type(exc).__name__)
        return None
    received_at = sent_at + (time.monotonic() - started)
    try:
        return response.status_code, response.headers.get("Date"), sent_at, received_at
    finally:
        try:
            response.close()
        except (requests.RequestException, OSError, ValueError):
            log.debug("clock check: closing the connection failed")
