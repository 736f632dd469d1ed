"""Fixtures the reservation tests share."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.handoff.servers import WebhookServer

RESERVED = {"code": "R-7Q2K", "until": "2026-12-05T19:00:00"}
"""The stock system's answer: a reservation code and its pick-up deadline."""


@pytest.fixture
def stock() -> Iterator[WebhookServer]:
    """The store's stock system on 127.0.0.1, answering reservations."""
    server = WebhookServer()
    server.default = (201, RESERVED)
    server.start()
    yield server
    server.stop()
