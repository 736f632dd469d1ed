"""Tools for installers: what the camera reads (``scan``), what the table sees (``listen``)."""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

import cv2
import numpy as np

from hardware.decoding.detection import Detection
from hardware.decoding.pipeline import Decoder
from hardware.events import HardwareEvent, Placed, Removed, SourceState, SourceStatus
from hardware.frames import IMAGE_SUFFIXES, VIDEO_SUFFIXES, open_frames
from hardware.gtin import display_gtin
from hardware.source import EventSource
from kiosk.app.devices import open_devices
from kiosk.catalog.catalog import Catalog
from kiosk.config import KioskConfig
from kiosk.i18n import printable
from kiosk.ops.signals import stop_on_signals


def describe(detection: Detection) -> dict[str, object]:
    """One code as ``kiosk scan --json`` prints it."""
    return {"format": detection.format, "text": detection.text,
            "gtin": display_gtin(detection.gtin) if detection.gtin else None,
            "x": round(detection.center[0], 1), "y": round(detection.center[1], 1),
            "angle": round(detection.angle, 1)}


def scan_files(paths: list[Path], decoder: Decoder, as_json: bool, out: TextIO) -> int:
    """Decode images, folders of images and videos; an unreadable file is reported, not fatal."""
    failures = 0
    for path in _expand(paths):
        for record in _scan_one(path, decoder):
            failures += "error" in record
            out.write(json.dumps(record, ensure_ascii=False) + "\n" if as_json
                      else _plain(record) + "\n")
            out.flush()
    return 1 if failures else 0


def _expand(paths: list[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(child for child in path.iterdir()
                              if child.suffix.lower() in IMAGE_SUFFIXES + VIDEO_SUFFIXES)
        else:
            yield path


def _scan_one(path: Path, decoder: Decoder) -> Iterator[dict[str, object]]:
    suffix = path.suffix.lower()
    if not path.is_file():
        yield {"file": str(path), "error": "no such file"}
    elif suffix in VIDEO_SUFFIXES:
        yield from _scan_video(path, decoder)
    elif suffix in IMAGE_SUFFIXES:
        image = cv2.imdecode(np.fromfile(path, dtype=np.uint8), cv2.IMREAD_COLOR)
        if image is None:
            yield {"file": str(path), "error": "not a readable image (corrupt or truncated?)"}
            return
        started = time.perf_counter()
        codes = decoder.decode(image)
        yield {"file": str(path), "codes": [describe(code) for code in codes],
               "ms": round((time.perf_counter() - started) * 1000, 1)}
    else:
        yield {"file": str(path), "error": "neither an image nor a video"}


def _scan_video(path: Path, decoder: Decoder) -> Iterator[dict[str, object]]:
    frames = open_frames(str(path))
    try:
        frames.open()
        index = 0
        while (read := frames.read()) is not None:
            frame, media_time = read
            started = time.perf_counter()
            codes = decoder.decode(frame)
            if codes:
                yield {"file": str(path), "frame": index, "t": round(media_time, 3),
                       "codes": [describe(code) for code in codes],
                       "ms": round((time.perf_counter() - started) * 1000, 1)}
            index += 1
    except OSError as exc:
        yield {"file": str(path), "error": f"video cannot be read: {exc}"}
    finally:
        frames.close()


def _plain(record: dict[str, object]) -> str:
    if "error" in record:
        return f"{record['file']}: error: {record['error']}"
    where = f" frame {record['frame']} at {record['t']} s" if "frame" in record else ""
    codes = record["codes"]
    assert isinstance(codes, list)
    if not codes:
        return f"{record['file']}{where}: no code ({record['ms']} ms)"
    found = "; ".join(f"{code['format']} {printable(str(code['text']))}"
                      + (f" (GTIN {code['gtin']})" if code["gtin"] else "")
                      for code in codes)
    return f"{record['file']}{where}: {found} ({record['ms']} ms)"


def listen(config: KioskConfig, duration: float | None, as_json: bool, out: TextIO) -> int:
    """Print what the configured devices report until the input ends, ``duration`` or Ctrl-C."""
    catalog = Catalog.from_config(config)
    start = time.monotonic()

    def clock() -> float:
        return time.monotonic() - start

    devices = open_devices(config, catalog, clock, simulator=False)
    if not devices.sources:
        print("kiosk listen: every device is off ('none')", file=sys.stderr)
        return 1
    for source in devices.sources:
        source.start()
    with stop_on_signals() as stopping:
        try:
            _print_events(devices.sources, stopping, duration, clock, catalog, as_json, out)
        finally:
            for source in devices.sources:
                source.stop()
            devices.close()
    return 0


def _print_events(sources: list[EventSource], stopping: threading.Event,
                  duration: float | None, clock: Callable[[], float], catalog: Catalog,
                  as_json: bool, out: TextIO) -> None:
    """Print events until every source stopped, ``duration`` passed or a stop signal came."""
    running = {source.name for source in sources}
    while running and not stopping.is_set() and (duration is None or clock() < duration):
        for source in sources:
            for event in source.poll():
                out.write(_event_line(event, clock(), catalog, as_json) + "\n")
                if isinstance(event, SourceStatus) and event.state == SourceState.STOPPED:
                    running.discard(event.source)
        out.flush()
        stopping.wait(0.02)


def _event_line(event: HardwareEvent, now: float, catalog: Catalog, as_json: bool) -> str:
    if isinstance(event, Placed):
        record: dict[str, object] = {
            "event": "placed", "gtin": _gtin(event.code), "source": event.source,
            "x": round(event.position[0], 4), "y": round(event.position[1], 4),
            "angle": round(event.angle, 1), "t": round(event.t, 3)}
        product = catalog.get(event.code)
        name = product.name[next(iter(product.name))] if product else "not in the catalog"
        text = (f"{record['t']:8.3f} s  placed  {record['gtin']}  at ({record['x']}, {record['y']})"
                f"  {name}")
    elif isinstance(event, Removed):
        record = {"event": "removed", "gtin": _gtin(event.code), "source": event.source,
                  "t": round(event.t, 3)}
        text = f"{record['t']:8.3f} s  removed {record['gtin']}"
    else:
        record = {"event": "status", "source": event.source, "state": event.state.value,
                  "reason": event.reason, "t": round(now, 3)}
        text = f"{record['t']:8.3f} s  {event.source}: {event.state.value} {event.reason}"
    return json.dumps(record, ensure_ascii=False) if as_json else text


def _gtin(code: str) -> str:
    return display_gtin(code) if code.isdigit() else printable(code)
