"""The demo store's config with its handoff pointed at the test's own servers on 127.0.0.1."""

from __future__ import annotations

import dataclasses
from typing import Any

from kiosk.config import KioskConfig
from kiosk.config.handoff import ReserveWebhook, SmsWebhook
from tests.handoff.servers import WebhookServer

PULSE_42_BLUE = "3760000000093"  # Trevia Pulse 3, 42 Bleu: sku TP3-BLU-42, 14 here
PULSE_43_BLUE = "3760000010146"  # 43 Bleu: none here, 2 in Lyon Part-Dieu
TV = "3760000000017"  # no sku, no family


def with_handoff(config: KioskConfig, **changes: Any) -> KioskConfig:
    """``config`` with these handoff fields changed (not validated again: build the models)."""
    handoff = config.store.handoff.model_copy(update=changes)
    store = config.store.model_copy(update={"handoff": handoff})
    return dataclasses.replace(config, store=store)


def local(config: KioskConfig, sms: WebhookServer | None = None,
          stock: WebhookServer | None = None, **changes: Any) -> KioskConfig:
    """The demo store sending SMS and reservations to the test's webhooks only; ``changes``
    of the handoff win (``reserve=ReserveWebhook(...)`` with other settings)."""
    fields: dict[str, Any] = {
        "email": None,
        "sms": SmsWebhook(provider="webhook", url=sms.url, timeout_s=2.0) if sms else None,
        "reserve": ReserveWebhook(provider="webhook", url=stock.url, timeout_s=2.0)
        if stock else None}
    return with_handoff(config, **{**fields, **changes})
