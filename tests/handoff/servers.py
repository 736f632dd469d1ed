"""Real servers on 127.0.0.1 for the outbox tests: an SMS webhook and an SMTP server.

The webhook records each JSON post and answers as told (200, an error code, silence, garbage,
a huge body); it can be stopped and started again on the same port, like a provider going
down and coming back. The SMTP server is aiosmtpd's ``Controller`` recording every mail.
"""

from __future__ import annotations

import json
import socket
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.local_http import LocalHttpServer

HUGE_BYTES = 64 * 1024 * 1024


@dataclass
class Post:
    """One request the webhook received."""

    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


Answer = int | str | tuple[int, Any]


class WebhookServer(LocalHttpServer):
    """A provider's webhook. ``answers`` is consumed one per request; when empty, ``default``
    is used. An answer is an HTTP status code, or "timeout" (never answers), "garbage" (200 with
    a body that is not JSON), "huge" (200 announcing and trickling 64 MiB), "nonsense" (not
    HTTP at all), or ``(status, body)``: ``body`` sent as JSON (bytes as they are)."""

    thread_name = "test-webhook"

    def __init__(self) -> None:
        super().__init__()
        self.posts: list[Post] = []
        self.answers: deque[Answer] = deque()
        self.default: Answer = 200

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/send"

    def answer(self, *answers: Answer) -> None:
        """Queue the next answers, in order."""
        with self._lock:
            self.answers.extend(answers)

    def received(self) -> list[Post]:
        with self._lock:
            return list(self.posts)

    def _next_answer(self) -> Answer:
        with self._lock:
            return self.answers.popleft() if self.answers else self.default

    def _record(self, post: Post) -> None:
        with self._lock:
            self.posts.append(post)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass  # keep pytest's output (and caplog) clean

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                owner._record(Post(self.path, dict(self.headers.items()), body))
                answer = owner._next_answer()
                try:
                    self._answer(answer)
                except OSError:
                    pass  # the client hung up, as a careful one does on a huge body

            def _answer(self, answer: Answer) -> None:
                if isinstance(answer, tuple):
                    status, body = answer
                    self._send(status, body if isinstance(body, bytes)
                               else json.dumps(body).encode())
                    return
                if answer == "timeout":
                    owner._released.wait(30)
                    return
                if answer == "nonsense":
                    self.wfile.write(b"\x00\xffthis is not HTTP\r\n\r\n")
                    return
                if answer == "garbage":
                    self._send(200, b"\x89PNG{not json<<<\xff\xfe" * 100)
                elif answer == "huge":
                    self.send_response(200)
                    self.send_header("Content-Length", str(HUGE_BYTES))
                    self.end_headers()
                    chunk = b"x" * 65536
                    for _ in range(HUGE_BYTES // len(chunk)):
                        if owner._released.is_set():
                            return
                        self.wfile.write(chunk)
                else:
                    self._send(int(answer), b'{"ok": true}')

            def _send(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler


def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Poll ``condition`` until it holds; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"still not true after {timeout} s")
        time.sleep(0.01)


def free_port() -> int:
    """A port nothing listens on right now (aiosmtpd's Controller cannot take port 0)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Mail:
    """One mail the SMTP server accepted."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class RecordingHandler:
    """aiosmtpd handler: records mails; refuses recipients listed in ``refuse``."""

    mails: list[Mail] = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any,
                          address: str, rcpt_options: list[str]) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.original_content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.mails.append(Mail(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"


class SmtpServer:
    """aiosmtpd on 127.0.0.1, recording mails; with ``credentials`` it offers AUTH over plain
    text (the test has no certificate) and records who logged in."""

    def __init__(self, credentials: tuple[str, str] | None = None) -> None:
        self.handler = RecordingHandler()
        self.port = free_port()
        self.logins: list[str] = []
        self._credentials = credentials
        self._controller: Controller | None = None

    @property
    def mails(self) -> list[Mail]:
        return list(self.handler.mails)

    def start(self) -> None:
        """Listen (on the same port again after a stop: a Controller cannot restart, so each
        start makes a new one)."""
        kwargs: dict[str, Any] = {}
        if self._credentials is not None:
            kwargs = {"authenticator": self._authenticator(), "auth_require_tls": False}
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port,
                                      **kwargs)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def _authenticator(self) -> Callable[..., AuthResult]:
        def check(server: Any, session: Any, envelope: Any, mechanism: str,
                  auth_data: Any) -> AuthResult:
            if not isinstance(auth_data, LoginPassword):
                return AuthResult(success=False, handled=False)
            login = auth_data.login.decode()
            ok = (login, auth_data.password.decode()) == self._credentials
            if ok:
                self.logins.append(login)
            return AuthResult(success=ok, handled=False)  # unhandled failure: aiosmtpd sends 535

        return check
