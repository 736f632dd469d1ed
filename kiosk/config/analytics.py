"""The ``analytics`` section of ``store.yaml``: how long the event log keeps what shoppers did,
and, optionally, where a chain's central collector receives it.

The log holds no personal data (see ``kiosk.analytics.log``), so forwarding it needs no
consent; the collector's token is named by an environment variable, never written here.
"""

from __future__ import annotations

from pydantic import Field

from kiosk.config.fields import Strict
from kiosk.config.handoff import EnvName, WebLink


class ForwardConfig(Strict):
    """Batches of events POSTed as JSON to the chain's collector, with
    ``Authorization: Bearer <token>`` when ``token_env`` is set."""

    url: WebLink
    token_env: EnvName | None = None
    batch_size: int = Field(default=500, ge=1, le=10000,
                            description="events per request at most")
    interval_s: float = Field(default=60.0, ge=1, le=3600,
                              description="seconds between two deliveries when all went well")
    timeout_s: float = Field(default=10.0, gt=0, le=120)


class AnalyticsConfig(Strict):
    """What the kiosk keeps of shoppers' actions, and for how long."""

    retention_days: int = Field(default=365, ge=1, le=3650,
                                description="events older than this are deleted")
    forward: ForwardConfig | None = None
