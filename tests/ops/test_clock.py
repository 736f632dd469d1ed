"""The clock check against a real HTTP server on 127.0.0.1 whose ``Date`` header says what
the test wants: a clock two minutes ahead, no date, a garbled one, HEAD refused, a redirect
elsewhere, and no server at all."""

from __future__ import annotations

import time
from collections.abc import Iterator
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler

import pytest
import requests

from kiosk.ops.clock import clock_offset, measure_offset
from tests.local_http import LocalHttpServer

AHEAD_S = 120.0
TIMEOUT_S = 2.0


class DateServer(LocalHttpServer):
    """Answers with ``date()`` as its ``Date`` header (none when it gives None), 405 to HEAD
    when ``head_refused``, a redirect to ``location`` when set; records the methods asked."""

    thread_name = "test-date"

    def __init__(self) -> None:
        super().__init__()
        self.date = lambda: formatdate(time.time() + AHEAD_S, usegmt=True)
        self.head_refused = False
        self.location: str | None = None
        self.methods: list[str] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/time"

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_HEAD(self) -> None:
                owner.methods.append("HEAD")
                self._answer(405 if owner.head_refused else 200, refused=owner.head_refused)

            def do_GET(self) -> None:
                owner.methods.append("GET")
                self._answer(200)

            def _answer(self, status: int, refused: bool = False) -> None:
                if owner.location is not None:
                    status = 302
                self.send_response_only(status)
                date = None if refused else owner.date()
                if date is not None:
                    self.send_header("Date", date)
                if owner.location is not None:
                    self.send_header("Location", owner.location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                return

        return Handler


@pytest.fixture
def server() -> Iterator[DateServer]:
    date_server = DateServer()
    date_server.start()
    yield date_server
    date_server.stop()


def test_a_clock_two_minutes_behind_the_server(server: DateServer) -> None:
    offset = measure_offset(server.url, TIMEOUT_S)
    assert offset is not None and abs(offset - AHEAD_S) <= 2
    assert server.methods == ["HEAD"]


def test_a_session_given_is_used_and_left_open(server: DateServer) -> None:
    with requests.Session() as session:
        first = measure_offset(server.url, TIMEOUT_S, session)
        second = measure_offset(server.url, TIMEOUT_S, session)
    assert first is not None and second is not None and abs(first - second) <= 2


@pytest.mark.parametrize("date", [None, "", "yesterday at noon", "Sun, 99 Foo 2024 25:61:00 GMT"])
def test_no_usable_date_is_none(server: DateServer, date: str | None) -> None:
    server.date = lambda: date
    assert measure_offset(server.url, TIMEOUT_S) is None


def test_a_refused_head_falls_back_to_get(server: DateServer) -> None:
    server.head_refused = True
    offset = measure_offset(server.url, TIMEOUT_S)
    assert server.methods == ["HEAD", "GET"]
    assert offset is not None and abs(offset - AHEAD_S) <= 2


def test_a_redirect_is_not_followed(server: DateServer) -> None:
    server.location = "http://192.0.2.1/elsewhere"
    started = time.monotonic()
    offset = measure_offset(server.url, TIMEOUT_S)
    assert time.monotonic() - started < 1
    assert offset is not None and abs(offset - AHEAD_S) <= 2
    assert server.methods == ["HEAD"]


def test_a_server_down_is_none_quickly(server: DateServer) -> None:
    server.stop()
    started = time.monotonic()
    assert measure_offset(server.url, TIMEOUT_S) is None
    assert time.monotonic() - started < 1


def test_the_offset_is_taken_at_the_middle_of_the_request() -> None:
    sent_at, received_at = 1_700_000_000.0, 1_700_000_004.0
    header = formatdate(1_700_000_002 + 60, usegmt=True)
    assert clock_offset(header, sent_at, received_at) == pytest.approx(60.5)
    assert clock_offset(formatdate(1_700_000_002 - 3600, usegmt=True), sent_at,
                        received_at) == pytest.approx(-3599.5)
    assert clock_offset("Tue, 14 Nov 2023 22:13:22 -0000", sent_at, received_at) == \
        pytest.approx(0.5)


@pytest.mark.parametrize("header", [None, "", "   ", "garbage", "Mon, 32 Jan 2024 00:00:00 GMT"])
def test_a_garbled_header_is_none(header: str | None) -> None:
    assert clock_offset(header, 0.0, 1.0) is None
