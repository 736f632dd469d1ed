"""The ``ops`` section of ``store.yaml``: how a chain watches its tables from afar. A Prometheus
endpoint per table (off unless asked for), the health heartbeat sent to the analytics
collector, and the server the table's clock is compared with.

The endpoint listens on 127.0.0.1 by default: the metrics say nothing personal, but a store's
network is not the place to publish them unless staff chose to.
"""

from __future__ import annotations

import ipaddress
from typing import Annotated

from pydantic import AfterValidator, Field

from kiosk.config.fields import Strict
from kiosk.config.handoff import WebLink


def _ip_address(value: str) -> str:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        raise ValueError(f"{value!r} is not an IP address; write one like 127.0.0.1 (this table "
                         "only), 0.0.0.0 (every network) or the table's own address") from None


IpAddress = Annotated[str, AfterValidator(_ip_address)]


class MetricsSettings(Strict):
    """A Prometheus endpoint (``http://ADDRESS:PORT/metrics``) for the chain's monitoring."""

    address: IpAddress = Field(default="127.0.0.1", description=(
        "the address the endpoint listens on; 127.0.0.1 keeps it to this computer"))
    port: int = Field(ge=1, le=65535, description="the TCP port the endpoint listens on")


class OpsConfig(Strict):
    """Fleet health: metrics, heartbeat and clock check."""

    metrics: MetricsSettings | None = Field(default=None, description=(
        "a Prometheus endpoint; none when left out"))
    heartbeat_s: float = Field(default=300, gt=10, le=86400, description=(
        "how often the table reports its health to the analytics collector"))
    clock_url: WebLink | None = Field(default=None, description=(
        "a server whose Date header the clock is compared with; the sync manifest's server "
        "when left out"))
