"""Tools for installers: what the camera reads (``scan``), what the table sees (``listen``)."""

from __future__ import annotations

import json
import re
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
from hardware.gs1 import read_content
from hardware.gtin import display_gtin
from hardware.image_limits import SCAN_LIMITS, ImageRefused, read_image
from hardware.source import EventSource
from kiosk.app.devices import open_devices
from kiosk.catalog.catalog import Catalog
from kiosk.config import KioskConfig
from kiosk.i18n import printable
from kiosk.ops.signals import stop_on_signals

RETRYING = re.compile(r" \(retrying in [\d.]+ s\)$")
"""The supervisor's suffix to a failure, dropped from ``listen``'s closing verdict."""


def describe(detection: Detection) -> dict[str, object]:
    """One code as ``kiosk scan --json`` prints it, with the GS1 data it carried (batch,
    serial, expiry, weight…) and every syntax problem found in it."""
    reading = read_content(detection.text, detection.format, detection.symbology)
    return {"format": detection.format, "text": detection.text,
            "symbology": detection.symbology or None,
            "gtin": display_gtin(detection.gtin) if detection.gtin else None,
            "x": round(detection.center[0], 1), "y": round(detection.center[1], 1),
            "angle": round(detection.angle, 1), "gs1": reading.as_json()}


def scan_files(paths: list[Path], decoder: Decoder, as_json: bool, out: TextIO) -> int:
    """Decode images, folders of images and videos. A file that cannot be read is an ``error``
    line (an object with ``file`` and ``error`` in JSON) and the others are still scanned; the
    exit code is 1 when any file failed."""
    failures = 0
    for path in _expand(paths):
        for record in _guarded(path, decoder):
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


def _guarded(path: Path, decoder: Decoder) -> Iterator[dict[str, object]]:
    """The records of one file; whatever breaks on it ends that file, not the scan."""
    try:
        yield from _scan_one(path, decoder)
    except (cv2.error, OSError, ValueError, MemoryError) as exc:
        yield {"file": str(path), "error": f"cannot be scanned: {type(exc).__name__}: {exc}"}


def _scan_one(path: Path, decoder: Decoder) -> Iterator[dict[str, object]]:
    suffix = path.suffix.lower()
    if not path.is_file():
        yield {"file": str(path), "error": "not a file" if path.exists() else "no such file"}
    elif suffix in VIDEO_SUFFIXES:
        yield from _scan_video(path, decoder)
    elif suffix in IMAGE_SUFFIXES:
        yield _scan_image(path, decoder)
    else:
        yield {"file": str(path), "error": "neither an image nor a video"}


def _scan_image(path: Path, decoder: Decoder) -> dict[str, object]:
    """One image: its size checked from the header (``SCAN_LIMITS``) before it is decoded."""
    try:
        data = read_image(path, SCAN_LIMITS)
    except ImageRefused as exc:
        return {"file": str(path), "error": str(exc)}
    image = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        return {"file": str(path), "error": "not a readable image (corrupt or truncated?)"}
    started = time.perf_counter()
    codes = decoder.decode(image)
    return {"file": str(path), "codes": [describe(code) for code in codes],
            "ms": round((time.perf_counter() - started) * 1000, 1)}


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
        if index == 0:
            yield {"file": str(path), "error": "video cannot be read: no frame decodes"}
    except OSError as exc:
        yield {"file": str(path), "error": f"video cannot be read: {exc}"}
    finally:
        frames.close()


def _problems(code: dict[str, object]) -> list[str]:
    gs1 = code.get("gs1")
    problems = gs1.get("problems") if isinstance(gs1, dict) else None
    return [str(problem) for problem in problems] if isinstance(problems, list) else []


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
                      + "".join(f" [{problem}]" for problem in _problems(code))
                      for code in codes)
    return f"{record['file']}{where}: {found} ({record['ms']} ms)"


def listen(config: KioskConfig, duration: float | None, as_json: bool, out: TextIO) -> int:
    """Print what the configured devices report until the input ends, ``duration`` or Ctrl-C.

    Exit 1 when a device never worked (never reported OK) meanwhile, saying which and why: an
    installer checking a camera must not read "0" for a file it cannot decode.
    """
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
            health = _print_events(devices.sources, stopping, duration, clock, catalog,
                                   as_json, out)
        finally:
            for source in devices.sources:
                source.stop()
            devices.close()
    failed = health.never_worked()
    for name, reason in failed.items():
        print(f"kiosk listen: {name} never worked: {reason}", file=sys.stderr)
    return 1 if failed else 0


class _Health:
    """Which sources reported OK at least once, and the last trouble of each."""

    def __init__(self, names: list[str]) -> None:
        self._names = names
        self._worked: set[str] = set()
        self._trouble: dict[str, str] = {}

    def saw(self, status: SourceStatus) -> None:
        """Note one status; the last reason is the one worth telling the installer."""
        if status.state == SourceState.OK:
            self._worked.add(status.source)
        elif status.state != SourceState.STARTING and status.reason:
            self._trouble[status.source] = RETRYING.sub("", status.reason)

    def never_worked(self) -> dict[str, str]:
        """Source name to why, for each source that never reported OK."""
        return {name: self._trouble.get(name, "it was still starting when the listen ended")
                for name in self._names if name not in self._worked}


def _print_events(sources: list[EventSource], stopping: threading.Event,
                  duration: float | None, clock: Callable[[], float], catalog: Catalog,
                  as_json: bool, out: TextIO) -> _Health:
    """Print events until every source stopped, ``duration`` passed or a stop signal came."""
    running = {source.name for source in sources}
    health = _Health([source.name for source in sources])
    while running and not stopping.is_set() and (duration is None or clock() < duration):
        for source in sources:
            for event in source.poll():
                out.write(_event_line(event, clock(), catalog, as_json) + "\n")
                if isinstance(event, SourceStatus):
                    health.saw(event)
                    if event.state == SourceState.STOPPED:
                        running.discard(event.source)
        out.flush()
        stopping.wait(0.02)
    return health


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
