"""The Prometheus endpoint of a table's metrics (``TableMetrics.serve``): each scrape turns a
snapshot of the plain values into metric families. Imported only by a table that serves it:
prometheus_client and the HTTP server load TLS and 6 MB with them.
"""

from __future__ import annotations

import ipaddress
import socket
import socketserver
from collections.abc import Iterator
from itertools import accumulate
from typing import TYPE_CHECKING
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

from prometheus_client import CollectorRegistry, make_wsgi_app
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.samples import Sample
from prometheus_client.utils import floatToGoString

from kiosk.ops.metrics import FRAME_BUCKETS

if TYPE_CHECKING:
    from kiosk.ops.metrics import TableMetrics

CLIENT_TIMEOUT_S = 10.0
"""A scraper that stalls longer loses its connection (and the thread serving it ends)."""


class _QuietHandler(WSGIRequestHandler):
    """No line on stderr per scrape; a stalled scraper is dropped."""

    timeout = CLIENT_TIMEOUT_S

    def log_message(self, format: str, *args: object) -> None:
        return


class MetricsServer(socketserver.ThreadingMixIn, WSGIServer):
    """prometheus_client's server, without its reverse DNS lookup at bind (a store's broken
    DNS would stall start-up) and polled often enough that ``stop`` is quick."""

    daemon_threads = True

    def server_bind(self) -> None:
        socketserver.TCPServer.server_bind(self)
        self.server_name = "kiosk"
        self.server_port = self.server_address[1]
        self.setup_environ()


class _MetricsServer6(MetricsServer):
    address_family = socket.AF_INET6


class _Collector:
    """The metric families of one table, read from its values at each scrape."""

    def __init__(self, metrics: TableMetrics) -> None:
        self._metrics = metrics

    def collect(self) -> Iterator[Metric]:
        taken = self._metrics.snapshot()
        frames = HistogramMetricFamily("kiosk_frame_seconds",
                                       "Seconds one frame of the frame loop took")
        bounds = [floatToGoString(bound) for bound in (*FRAME_BUCKETS, float("inf"))]
        frames.add_metric([], list(zip(bounds, accumulate(taken.frame_counts), strict=True)),
                          taken.frame_sum)
        frames.samples.append(Sample("kiosk_frame_seconds_created", {}, taken.created))
        yield frames
        yield CounterMetricFamily("kiosk_frames", "Frames drawn", value=taken.frames,
                                  created=taken.created)
        devices = GaugeMetricFamily("kiosk_device_up", "1 while the device works, 0 while it "
                                    "is unavailable", labels=["device"])
        for name, up in taken.devices.items():
            devices.add_metric([name], 1.0 if up else 0.0)
        yield devices
        yield GaugeMetricFamily("kiosk_outbox_waiting",
                                "Messages waiting in the outbox to be delivered",
                                value=taken.outbox_waiting)
        yield GaugeMetricFamily("kiosk_event_queue_depth", "Events waiting in the event queue",
                                value=taken.event_queue_depth)
        yield CounterMetricFamily("kiosk_placements", "Products placed on the table",
                                  value=taken.placements, created=taken.created)
        sends = CounterMetricFamily("kiosk_sends", "Products sent to a shopper's phone",
                                    labels=["channel"])
        for channel, (count, since) in taken.sends.items():
            sends.add_metric([channel], count, created=since)
        yield sends
        content = GaugeMetricFamily("kiosk_content_info", "1 for the content version in use",
                                    labels=["version"])
        if taken.content_version is not None:
            content.add_metric([taken.content_version], 1.0)
        yield content
        yield GaugeMetricFamily("kiosk_content_age_seconds",
                                "Seconds since the content in use was loaded",
                                value=taken.content_age)
        yield GaugeMetricFamily(
            "kiosk_clock_offset_seconds", "Reference server's clock minus this table's "
            "(Date header: under about a second is noise); NaN when unknown",
            value=taken.clock_offset)


def listen(address: str, port: int, metrics: TableMetrics) -> MetricsServer:
    """A server bound to ``address:port`` answering with ``metrics`` in a registry of its own
    (two tables in one process do not mix)."""
    try:
        ipv6 = ipaddress.ip_address(address).version == 6
    except ValueError:
        ipv6 = False
    registry = CollectorRegistry()
    registry.register(_Collector(metrics))  # type: ignore[arg-type]
    server = (_MetricsServer6 if ipv6 else MetricsServer)((address, port), _QuietHandler)
    server.set_app(make_wsgi_app(registry))
    return server
