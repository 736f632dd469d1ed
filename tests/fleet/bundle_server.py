"""A web server on 127.0.0.1 serving a published bundle folder as a CDN would: ETags and
``If-None-Match``, a ``Date`` header (that may be set off, like a server whose clock is
right while the table's drifted), and the faults the sync must survive: 429 with
``Retry-After``, a file served with other bytes, a download cut halfway."""

from __future__ import annotations

import hashlib
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from tests.local_http import LocalHttpServer


class BundleServer(LocalHttpServer):
    """Serves ``root``; ``faults`` maps a path suffix to "429", "corrupt", "cut" or
    "slow"."""

    thread_name = "test-bundle-server"

    def __init__(self, root: Path, date_offset_s: float = 0.0) -> None:
        super().__init__()
        self.root = root
        self.date_offset_s = date_offset_s
        self.faults: dict[str, str] = {}
        self.requests: list[tuple[str, int]] = []
        self.bytes_sent = 0
        self._count_lock = threading.Lock()

    def url(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}"

    def _note(self, path: str, status: int, sent: int) -> None:
        with self._count_lock:
            self.requests.append((path, status))
            self.bytes_sent += sent

    def _fault(self, path: str) -> str | None:
        return next((fault for suffix, fault in self.faults.items() if path.endswith(suffix)),
                    None)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms stall

            def log_message(self, format: str, *args: object) -> None:
                pass

            def date_time_string(self, timestamp: float | None = None) -> str:
                """The ``Date`` header, on the server's own (maybe set off) clock."""
                return formatdate(time.time() + owner.date_offset_s, usegmt=True)

            def do_GET(self) -> None:
                path = self.path.split("?")[0]
                target = (owner.root / path.lstrip("/")).resolve()
                fault = owner._fault(path)
                if fault == "429":
                    self._send(429, b"", {"Retry-After": "2"})
                    owner._note(path, 429, 0)
                    return
                if not target.is_file() or not target.is_relative_to(owner.root.resolve()):
                    self._send(404, b"not found")
                    owner._note(path, 404, 0)
                    return
                body = target.read_bytes()
                etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
                if self.headers.get("If-None-Match") == etag:
                    self._send(304, b"", {"ETag": etag}, length=False)
                    owner._note(path, 304, 0)
                    return
                if fault == "corrupt":
                    body = bytes(reversed(body))
                if fault == "slow":  # a thin line: 64 KiB a tenth of a second
                    self._send(200, b"", {"ETag": etag}, length=len(body))
                    for start in range(0, len(body), 65536):
                        if owner._released.wait(0.1):
                            return
                        self.wfile.write(body[start:start + 65536])
                    owner._note(path, 200, len(body))
                    return
                if fault == "cut":
                    self._send(200, body[:len(body) // 2], {"ETag": etag}, length=len(body))
                    self.close_connection = True
                    owner._note(path, 200, len(body) // 2)
                    return
                self._send(200, body, {"ETag": etag})
                owner._note(path, 200, len(body))

            def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None,
                      length: int | bool = True) -> None:
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                if length is not False:
                    self.send_header("Content-Length",
                                     str(len(body) if length is True else length))
                self.end_headers()
                if body:
                    self.wfile.write(body)

        return Handler
