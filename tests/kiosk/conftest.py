"""Fixtures the card tests share: the demo store's look (normal and large text) and its send
service with an outbox and a reader that can present a link."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kiosk.catalog.catalog import Catalog
from kiosk.config import KioskConfig
from kiosk.handoff.outbox.store import Outbox
from kiosk.handoff.service import SendService
from kiosk.ui.images import ImageLoader
from kiosk.ui.look import Look
from kiosk.ui.text import TextRenderer
from kiosk.ui.theme import Theme


class ReaderThatPresents:
    """The reader side of an NFC handoff: it can present a tag (nothing is presented here)."""

    can_emulate = True

    def offer_link(self, url: str, seconds: float, done: Callable[[str], None]) -> bool:
        return True


@pytest.fixture(params=[False, True], ids=["normal", "large-text"])
def look(request: pytest.FixtureRequest, demo_config: KioskConfig) -> Iterator[Look]:
    store = demo_config.store
    access = store.accessibility.model_copy(update={"large_text": request.param})
    config = dataclasses.replace(demo_config, store=store.model_copy(
        update={"accessibility": access}))
    images = ImageLoader(config.media_dir)
    fonts = config.media_dir
    yield Look(Theme.from_config(config, 1080),
               TextRenderer(fonts / store.theme.font, fonts / store.theme.font_bold), images,
               store.store.currency, store.locales)
    images.close()


@pytest.fixture
def service(demo_config: KioskConfig, tmp_path: Path) -> Iterator[SendService]:
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    made = SendService(demo_config, Catalog.from_config(demo_config), outbox, None,
                       time.monotonic, ReaderThatPresents())
    yield made
    made.close()
    outbox.close()
