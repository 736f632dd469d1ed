"""Handing something to a remote service over HTTP, and what its failures mean: a JSON POST
that never follows redirects nor reads the answer's body, and the difference between trying
again later and giving up. The outbox's senders and the analytics forwarder share them."""

from __future__ import annotations

import requests

CONNECT_TIMEOUT_S = 3.05


class TemporaryFailure(Exception):
    """Try again later: network down, timeout, 5xx, 429, 408, SMTP 4xx, connection refused."""


class PermanentFailure(Exception):
    """Will never work: the provider refused this message, or a secret is missing."""


def post_json(url: str, payload: object, headers: dict[str, str], timeout_s: float,
              what: str) -> int:
    """POST ``payload`` as JSON and return the status code, without following redirects (a
    token must not travel elsewhere) or reading the body (a huge or slow one cannot hurt).
    Network trouble raises TemporaryFailure naming ``what`` but never the URL."""
    try:
        response = requests.post(url, json=payload, headers=headers,
                                 timeout=(CONNECT_TIMEOUT_S, timeout_s),
                                 allow_redirects=False, stream=True)
    except requests.Timeout as exc:
        raise TemporaryFailure(f"{what} timed out ({type(exc).__name__})") from None
    except requests.ConnectionError as exc:
        raise TemporaryFailure(f"{what} unreachable ({type(exc).__name__})") from None
    except (requests.RequestException, OSError, ValueError) as exc:
        raise TemporaryFailure(f"{what} request failed ({type(exc).__name__})") from None
    status = response.status_code
    try:
        response.close()
    except (requests.RequestException, OSError, ValueError):
        pass  # closing a connection the server already broke
    return status
