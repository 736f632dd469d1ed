"""CPU cost of the camera pipeline on a still table, and recognition delay in the camera path.

Frames come from the virtual camera, rendered beforehand and replayed at 30 fps, so the figure
is the pipeline's own cost (gate, region re-checks, tracker), not the simulator's drawing.

Run from the repository root:  .venv/bin/python -m bench.still [--seconds 20]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from hardware.camera import CameraSource
from hardware.decoding.pipeline import Decoder
from hardware.events import Placed
from hardware.tracker import Tracker
from hardware.virtual_camera import VirtualCamera

FPS = 30.0
PRODUCTS = (("3760000000017", 0.25, 0.65, 20.0), ("3760000000109", 0.72, 0.3, 200.0),
            ("3760000000178", 0.5, 0.5, 75.0))


class Replay:
    """Pre-rendered frames served at ``FPS``, like a camera that costs nothing to read."""

    realtime = True

    def __init__(self, frames: list[np.ndarray], seconds: float) -> None:
        self._frames = frames
        self._count = int(seconds * FPS)
        self.size = (frames[0].shape[1], frames[0].shape[0])
        self.fps = FPS
        self._index = 0
        self._start = 0.0

    def open(self) -> None:
        self._start = time.monotonic()

    def read(self) -> tuple[np.ndarray, float] | None:
        if self._index >= self._count:
            return None
        due = self._start + self._index / FPS
        delay = due - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        frame = self._frames[self._index % len(self._frames)]
        self._index += 1
        return frame, time.monotonic()

    def close(self) -> None:
        pass


def still_table(seconds: float) -> dict[str, float]:
    """CPU share of one core used by the camera thread while three products lie still."""
    camera = VirtualCamera(paced=False)
    camera.open()
    for code, x, y, angle in PRODUCTS:
        camera.place(code, x, y, angle)
    frames = [camera.read()[0] for _ in range(30)]  # type: ignore[index]
    replay = Replay(frames, seconds)
    tracker = Tracker("camera", camera.camera_to_table, known=lambda code: True)
    source = CameraSource("camera", lambda: replay, Decoder(), tracker, time.monotonic)
    source.start()
    started_cpu, started = time.thread_time(), time.monotonic()
    cpu_before = time.process_time()
    placed = 0
    while source.finished is False and time.monotonic() - started < seconds + 5:
        placed += sum(isinstance(event, Placed) for event in source.poll())
        time.sleep(0.05)
    wall = time.monotonic() - started
    cpu = time.process_time() - cpu_before - (time.thread_time() - started_cpu)
    source.stop()
    return {"seconds": round(wall, 1), "cpu_share_of_one_core": round(cpu / wall, 4),
            "products_placed": placed, "full_decodes": source.counts.full,
            "region_decodes": source.counts.region, "skipped": source.counts.skipped}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    figures = still_table(args.seconds)
    print(f"still table, 3 products, 1920x1080 at {FPS:g} fps for {figures['seconds']} s: "
          f"{figures['cpu_share_of_one_core']:.1%} of one core "
          f"(full decodes {figures['full_decodes']}, region re-checks "
          f"{figures['region_decodes']}, frames skipped {figures['skipped']}; "
          f"{figures['products_placed']} products placed)")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
