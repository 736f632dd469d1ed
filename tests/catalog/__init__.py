"""A real HTTP server on 127.0.0.1 for the content tests: the web shop's API and Open Food
Facts as they behave on a bad day.

Each path answers with a ``Reply``: JSON or anything else, any status, or one of the ways a
server misbehaves — ``drip`` (headers, then one byte every ``interval`` seconds), ``hang``
(never answers), ``huge`` (streams ``size`` bytes of JSON-looking junk, announced or not). The
server records every request and how many body bytes it managed to send.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import cv2
import numpy as np

from tests.local_http import LocalHttpServer

FIXTURES = Path(__file__).resolve().parent / "fixtures"
HUGE = 64 * 1024 * 1024


@dataclass(frozen=True)
class Reply:
    """How the server answers one path."""

    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    mode: str = "normal"  # normal | drip | hang | huge
    interval: float = 0.2
    size: int = HUGE
    announce_length: bool = True
    headers: tuple[tuple[str, str], ...] = ()


def json_reply(data: Any, status: int = 200) -> Reply:
    return Reply(status=status, body=json.dumps(data).encode())


def fixture_reply(name: str, status: int = 200) -> Reply:
    return Reply(status=status, body=(FIXTURES / name).read_bytes())


def photo(suffix: str = ".jpg", size: tuple[int, int] = (400, 300)) -> bytes:
    """A small photo-like image (a gradient with a disc), encoded as ``suffix``."""
    width, height = size
    pixels = np.zeros((height, width, 3), dtype=np.uint8)
    pixels[:, :, 0] = np.linspace(0, 255, width, dtype=np.uint8)[None, :]
    pixels[:, :, 1] = np.linspace(255, 0, height, dtype=np.uint8)[:, None]
    cv2.circle(pixels, (width // 2, height // 2), min(size) // 3, (30, 60, 200), -1)
    ok, encoded = cv2.imencode(suffix, pixels)
    assert ok
    return encoded.tobytes()


def off_answer(image_url: str) -> Reply:
    """Open Food Facts' Nutella, with its front photo at ``image_url``."""
    data = json.loads((FIXTURES / "off_3017620422003_nutella.json").read_text("utf-8"))
    data["product"]["image_front_url"] = image_url
    return json_reply(data)


@dataclass
class Seen:
    """One request the server received."""

    path: str
    query: str
    headers: dict[str, str] = field(default_factory=dict)


class ContentServer(LocalHttpServer):
    """Routes by path (query ignored); a path with no route answers a JSON 404."""

    thread_name = "test-content"

    def __init__(self) -> None:
        super().__init__()
        self.routes: dict[str, Reply] = {}
        self.seen: list[Seen] = []
        self.sent_bytes = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def route(self, path: str, reply: Reply) -> None:
        with self._lock:
            self.routes[path] = reply

    def requests(self, path: str | None = None) -> list[Seen]:
        with self._lock:
            return [seen for seen in self.seen if path is None or seen.path == path]

    def _reply_for(self, path: str) -> Reply:
        with self._lock:
            return self.routes.get(path, json_reply({"error": "not found"}, 404))

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass  # keep pytest's output (and caplog) clean

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                with owner._lock:
                    owner.seen.append(Seen(parts.path, parts.query, dict(self.headers.items())))
                reply = owner._reply_for(parts.path)
                try:
                    self._answer(reply)
                except OSError:
                    pass  # the client hung up, as a careful one does
                self.close_connection = True

            def _answer(self, reply: Reply) -> None:
                if reply.mode == "hang":
                    owner._released.wait(30)
                    return
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Connection", "close")
                for name, value in reply.headers:
                    self.send_header(name, value)
                if reply.mode == "drip":
                    self._drip(reply)
                elif reply.mode == "huge":
                    self._huge(reply)
                else:
                    self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    self.wfile.write(reply.body)

            def _drip(self, reply: Reply) -> None:
                body = b'{"offers": {"price": 12.5}}' + b" " * 10_000
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                for index in range(len(body)):
                    if owner._released.wait(reply.interval):
                        return
                    self.wfile.write(body[index:index + 1])
                    self.wfile.flush()
                    self._count(1)

            def _huge(self, reply: Reply) -> None:
                if reply.announce_length:
                    self.send_header("Content-Length", str(reply.size))
                self.end_headers()
                block = b'{"junk": "' + b"x" * 65_000 + b'"}\n'
                sent = 0
                deadline = time.monotonic() + 20
                while sent < reply.size and not owner._released.is_set():
                    if time.monotonic() > deadline:
                        return
                    self.wfile.write(block)
                    sent += len(block)
                    self._count(len(block))

            def _count(self, size: int) -> None:
                with owner._lock:
                    owner.sent_bytes += size

        return Handler
