"""Shared fixtures: the demo store, copies of it to break, and SDL's dummy drivers."""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from tests.paths import DEMO_CONFIG, DEMO_MEDIA


@pytest.fixture(scope="session")
def demo_config():  # noqa: ANN201
    """The demo store's validated config."""
    from kiosk.config import load_config

    return load_config(DEMO_CONFIG)


@pytest.fixture
def store_copy(tmp_path: Path) -> Path:
    """A writable copy of the demo's config/ and media/ (links would leave the media folder)."""
    shutil.copytree(DEMO_CONFIG, tmp_path / "config")
    shutil.copytree(DEMO_MEDIA, tmp_path / "media")
    return tmp_path / "config"


@pytest.fixture
def webhook():  # noqa: ANN201
    """An SMS provider's webhook on 127.0.0.1, recording what it receives."""
    from tests.handoff.servers import WebhookServer

    server = WebhookServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp():  # noqa: ANN201
    """An SMTP server on 127.0.0.1 (aiosmtpd), recording the mails it accepts."""
    from tests.handoff.servers import SmtpServer

    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def root() -> Iterator[logging.Logger]:
    """The root logger, given back as it was (the test swaps its handlers)."""
    logger = logging.getLogger()
    handlers, level = logger.handlers[:], logger.level
    for handler in handlers:
        logger.removeHandler(handler)
    yield logger
    for handler in logger.handlers[:]:
        logger.removeHandler(handler)
    for handler in handlers:
        logger.addHandler(handler)
    logger.setLevel(level)
