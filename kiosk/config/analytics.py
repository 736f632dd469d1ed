"""The ``analytics`` section of ``store.yaml``: how long the event log keeps what shoppers did,
and, optionally, where a chain's central collector receives it.

The log holds no personal data (see ``kiosk.analytics.log``), so forwarding it needs no
consent; the collector's token (or a Segment source's write key) is named by an environment
variable, never written here.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from kiosk.config.fields import Strict
from kiosk.config.handoff import EnvName, WebLink

SEGMENT_BATCH_EVENTS = 2500
"""Segment's HTTP Tracking API takes at most this many events in one batch."""


class ForwardConfig(Strict):
    """Batches of events sent to the chain's collector: with ``format: kiosk``, the kiosk's own
    JSON POSTed to ``url`` with ``Authorization: Bearer <token>`` when ``token_env`` is set;
    with ``format: segment``, ``track`` calls POSTed to ``url``/v1/batch (Segment, RudderStack)
    with the write key named by ``write_key_env``."""

    url: WebLink = Field(description=(
        "kiosk format: where batches are POSTed; segment format: the API's base, e.g. "
        "https://api.segment.io or a RudderStack data plane URL"))
    format: Literal["kiosk", "segment"] = Field(default="kiosk", description=(
        "kiosk: the kiosk's own JSON, for a collector of the chain's; segment: the Segment / "
        "RudderStack HTTP Tracking API, for the engine the chain already runs"))
    token_env: EnvName | None = Field(default=None, description=(
        "kiosk format: environment variable holding the collector's bearer token"))
    write_key_env: EnvName | None = Field(default=None, description=(
        "segment format (required there): environment variable holding the source's write key"))
    batch_size: int = Field(default=500, ge=1, le=10000,
                            description="events per request at most (2500 for segment)")
    interval_s: float = Field(default=60.0, ge=1, le=3600,
                              description="seconds between two deliveries when all went well")
    timeout_s: float = Field(default=10.0, gt=0, le=120)

    @model_validator(mode="after")
    def _keys_fit_the_format(self) -> ForwardConfig:
        """Each format reads its own secret: a key meant for the other would be ignored
        silently, and events would be refused for a reason nobody sees in the file."""
        if self.format == "segment":
            if self.write_key_env is None:
                raise ValueError("format: segment needs write_key_env, the environment variable "
                                 "that holds the source's write key")
            if self.token_env is not None:
                raise ValueError("token_env is for format: kiosk; with format: segment the "
                                 "write key is named by write_key_env")
            if self.batch_size > SEGMENT_BATCH_EVENTS:
                raise ValueError(f"batch_size is at most {SEGMENT_BATCH_EVENTS} with format: "
                                 "segment (the API's limit per batch)")
        elif self.write_key_env is not None:
            raise ValueError("write_key_env is for format: segment; the kiosk format's "
                             "collector token is named by token_env")
        return self


class AnalyticsConfig(Strict):
    """What the kiosk keeps of shoppers' actions, and for how long."""

    retention_days: int = Field(default=365, ge=1, le=3650,
                                description="events older than this are deleted")
    forward: ForwardConfig | None = None
