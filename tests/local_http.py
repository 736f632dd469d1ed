"""A real HTTP server on 127.0.0.1 for tests, in a thread of its own; it can be stopped and
started again on the same port, like a remote service going down and coming back. Subclasses
say how requests are answered (``_handler_class``)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class LocalHttpServer:
    """Listens on 127.0.0.1 (a free port the first time); ``_released`` is set on stop, so a
    handler holding a request (a hang, a slow drip) lets go."""

    thread_name = "test-http"

    def __init__(self) -> None:
        self.port = 0
        self._lock = threading.Lock()
        self._released = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Listen (on the same port as before, after a stop)."""
        self._released.clear()
        server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler_class())
        server.daemon_threads = True
        self.port = server.server_address[1]
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, name=self.thread_name,
                                        daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop listening; requests left hanging or dripping are released."""
        self._released.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        raise NotImplementedError
