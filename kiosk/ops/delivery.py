"""Handing something to a remote service over HTTP, and what its failures mean: a JSON POST
that never follows redirects nor reads more of the answer than asked for, and the difference
between trying again later and giving up. The outbox's senders and the analytics forwarder
share them. requests is imported by the functions that send: a table that sends nothing
never loads it (nor its TLS stack).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import requests

CONNECT_TIMEOUT_S = 3.05
REPLY_BYTES = 16 * 1024
CHUNK_BYTES = 4096


class TemporaryFailure(Exception):
    """Try again later: network down, timeout, 5xx, 429, 408, SMTP 4xx, connection refused."""


class PermanentFailure(Exception):
    """Will never work: the provider refused this message, or a secret is missing."""


def post_json(url: str, payload: object, headers: dict[str, str], timeout_s: float,
              what: str) -> int:
    """POST ``payload`` as JSON and return the status code, without following redirects (a
    token must not travel elsewhere) or reading the body (a huge or slow one cannot hurt).
    Network trouble raises TemporaryFailure naming ``what`` but never the URL."""
    return post_json_reply(url, payload, headers, timeout_s, what, 0)[0]


def post_json_reply(url: str, payload: object, headers: dict[str, str], timeout_s: float,
                    what: str, max_bytes: int = REPLY_BYTES) -> tuple[int, bytes | None]:
    """Like ``post_json``, and the answer's body too when it is at most ``max_bytes`` and
    arrives within ``timeout_s`` in all (None otherwise: a huge or dripping body is not read
    to its end). A body that fails half-way is None as well: the status alone still counts."""
    response = post(url, headers, timeout_s, what, json=payload)
    status = response.status_code
    body = _body(response, max_bytes, timeout_s) if max_bytes > 0 else None
    close(response)
    return status, body


def post(url: str, headers: dict[str, str], timeout_s: float, what: str,
         **body: object) -> requests.Response:
    """The POST itself (``json=`` or ``data=``), streamed, redirects not followed; network
    trouble raises TemporaryFailure naming ``what`` but never the URL. ``close`` it."""
    import requests

    try:
        return requests.post(url, headers=headers, timeout=(CONNECT_TIMEOUT_S, timeout_s),
                             allow_redirects=False, stream=True, **body)  # type: ignore[arg-type]
    except requests.Timeout as exc:
        raise TemporaryFailure(f"{what} timed out ({type(exc).__name__})") from None
    except requests.ConnectionError as exc:
        raise TemporaryFailure(f"{what} unreachable ({type(exc).__name__})") from None
    except (requests.RequestException, OSError, ValueError) as exc:
        raise TemporaryFailure(f"{what} request failed ({type(exc).__name__})") from None


def close(response: requests.Response) -> None:
    """Close an answer, quietly when the server already broke the connection."""
    import requests

    try:
        response.close()
    except (requests.RequestException, OSError, ValueError):
        pass


def _body(response: requests.Response, max_bytes: int, timeout_s: float) -> bytes | None:
    """At most ``max_bytes`` of the body, read within ``timeout_s``; None past either."""
    import requests

    deadline = time.monotonic() + timeout_s
    announced = response.headers.get("Content-Length", "")
    if announced.isdigit() and int(announced) > max_bytes:
        return None
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_content(CHUNK_BYTES):
            size += len(chunk)
            if size > max_bytes or time.monotonic() > deadline:
                return None
            chunks.append(chunk)
    except (requests.RequestException, OSError, ValueError):
        return None
    return b"".join(chunks)
