"""Google's token endpoint and Wallet API, as a real HTTP server on 127.0.0.1 for the tests,
and the check of a save link's signature."""

from __future__ import annotations

import base64
import json
import urllib.parse
from collections import deque
from http.server import BaseHTTPRequestHandler
from typing import Any

from google.auth import crypt, jwt

from kiosk.offers.google_wallet import SAVE_URL
from tests.handoff.servers import Post
from tests.local_http import LocalHttpServer

ACCESS_TOKEN = "t"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
TOKEN_PATH = "/token"


class GoogleServer(LocalHttpServer):
    """Google's token endpoint and Wallet API in one. The token endpoint checks the JWT-bearer
    grant against the service account's public key; the API wants the bearer token. Answers
    per path are queued (an HTTP status or "hang"); when none is queued, 200."""

    thread_name = "test-google-wallet"

    def __init__(self, public_pem: str) -> None:
        super().__init__()
        self.verifier = crypt.RSAVerifier.from_string(public_pem)
        self.requests: list[Post] = []
        self.answers: dict[str, deque[int | str]] = {}

    def url(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def answer(self, path: str, *answers: int | str) -> None:
        with self._lock:
            self.answers.setdefault(path, deque()).extend(answers)

    def received(self, path: str | None = None) -> list[Post]:
        with self._lock:
            return [r for r in self.requests if path is None or r.path == path]

    def _next(self, path: str) -> int | str:
        with self._lock:
            queue = self.answers.get(path)
            return queue.popleft() if queue else 200

    def _record(self, received: Post) -> None:
        with self._lock:
            self.requests.append(received)

    def _grant_is_valid(self, body: bytes) -> bool:
        form = urllib.parse.parse_qs(body.decode())
        if form.get("grant_type") != [JWT_BEARER]:
            return False
        signing_input, _, signature = form["assertion"][0].encode().rpartition(b".")
        return self.verifier.verify(signing_input, _unb64(signature))

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                owner._record(Post(self.path, {k.lower(): v for k, v in self.headers.items()},
                                       body))
                answer = owner._next(self.path)
                if answer == "hang":
                    owner._released.wait(30)
                    return
                status = int(answer)
                if self.path == TOKEN_PATH:
                    if status == 200 and owner._grant_is_valid(body):
                        self._send(200, {"access_token": ACCESS_TOKEN, "expires_in": 3600,
                                         "token_type": "Bearer"})
                    else:
                        self._send(400 if status == 200 else status,
                                   {"error": "invalid_grant", "error_description": "no"})
                elif self.headers.get("Authorization") != f"Bearer {ACCESS_TOKEN}":
                    self._send(401, {"error": {"code": 401, "message": "no credentials"}})
                elif status == 200:
                    self._send(200, json.loads(body))
                else:
                    self._send(status, {"error": {"code": status, "message": "refused here"}})

            def _send(self, status: int, payload: Any) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler


def _unb64(segment: bytes | str) -> bytes:
    text = segment.encode() if isinstance(segment, str) else segment
    return base64.urlsafe_b64decode(text + b"=" * (-len(text) % 4))


def verified(link: str, public_pem: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The JWT's header and claims, once its RS256 signature checks with the public key."""
    assert link.startswith(SAVE_URL)
    token = link[len(SAVE_URL):]
    header_b64, claims_b64, signature = token.split(".")
    assert crypt.RSAVerifier.from_string(public_pem).verify(
        f"{header_b64}.{claims_b64}".encode(), _unb64(signature))
    return jwt.decode_header(token), json.loads(_unb64(claims_b64))
