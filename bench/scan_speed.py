"""Section 3 of the decoder benchmark: time per frame of the pipeline against zxing-cpp alone
on the same frames in the same run, and the time of each pass.

CPU times are taken pinned to one core, one frame after the other for both decoders, so load
on a shared machine moves both alike; the ratio is of the medians. Wall-clock times are taken
afterwards on every core, with the pipeline's locator in a second thread (``workers=2``).
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import cv2
import numpy as np
import zxingcpp

from bench.scan_scenes import background, camera, place, random_content
from hardware.decoding.pipeline import Decoder
from hardware.symbologies import FORMATS, barcode_image

FRAME_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".bmp")
ZX_FORMATS = list(FORMATS.values())


def zxing_alone(frame: np.ndarray) -> list:
    """zxing-cpp on its own with its default effort, on the formats the pipeline reads."""
    return zxingcpp.read_barcodes(frame, formats=ZX_FORMATS, text_mode=zxingcpp.TextMode.Plain)


def generated_scenes(quick: bool) -> dict[str, list[np.ndarray]]:
    """Empty, cluttered and with-code frames at 1920x1080 and 1280x720 (``scan_scenes``)."""
    rng = np.random.default_rng(11)
    angles = list(range(0, 360, 45 if quick else 15))
    scenes: dict[str, list[np.ndarray]] = {}
    for size in ((1080, 1920), (720, 1280)):
        h, w = size
        empty, cluttered, coded = [], [], []
        for angle in angles:
            empty.append(camera(background(size, rng, clutter=False), rng))
            cluttered.append(camera(background(size, rng, clutter=True), rng))
            frame = background(size, rng, clutter=True)
            for i, fmt in enumerate(("ean13", "code128", "qr")):
                code = barcode_image(random_content(fmt, rng), fmt, 3 if fmt == "qr" else 2)
                place(frame, code, angle + 40 * i, (w * (i + 1) // 4, h // 2))
            coded.append(camera(frame, rng))
        scenes[f"{w}x{h} empty"] = empty
        scenes[f"{w}x{h} cluttered"] = cluttered
        scenes[f"{w}x{h} with codes"] = coded
    return scenes


def folder_frames(folder: Path, limit: int | None) -> list[np.ndarray]:
    """The images of ``folder`` by name (BGR, as a camera gives them), at most ``limit``."""
    paths = sorted(p for p in folder.iterdir() if p.suffix.lower() in FRAME_SUFFIXES)
    frames = [image for p in paths[:limit] if (image := cv2.imread(str(p))) is not None]
    if not frames:
        raise SystemExit(f"--frames {folder}: no readable images ({', '.join(FRAME_SUFFIXES)})")
    return frames


def cpu_ms(call: Callable[[], object]) -> tuple[object, float]:
    started = time.process_time()
    result = call()
    return result, (time.process_time() - started) * 1000


def wall_ms(call: Callable[[], object]) -> tuple[object, float]:
    started = time.perf_counter()
    result = call()
    return result, (time.perf_counter() - started) * 1000


def bench_speed(sets: dict[str, list[np.ndarray]], pinned: set[int] | None) -> dict:
    """Per set of frames: the pipeline's and zxing-cpp's CPU medians (one core), their ratio,
    each pass's mean wall-clock ms, then both decoders' wall-clock medians on every core."""
    table: dict[str, dict] = {}
    decoder = Decoder()
    for name, frames in sets.items():
        ours, theirs, reads = [], [], [0, 0]
        decoder.timings.reset()
        for frame in frames:
            found, ms = cpu_ms(lambda frame=frame: decoder.decode(frame))
            ours.append(ms)
            reads[0] += len(found)  # type: ignore[arg-type]
            found, ms = cpu_ms(lambda frame=frame: zxing_alone(frame))
            theirs.append(ms)
            reads[1] += len(found)  # type: ignore[arg-type]
        median, alone = statistics.median(ours), statistics.median(theirs)
        table[name] = {"frames": len(frames), "median": median,
                       "p95": float(np.percentile(ours, 95)), "zxing_median": alone,
                       "ratio": median / alone if alone else None,
                       "reads": reads[0], "zxing_reads": reads[1],
                       "stages_wall_mean": stage_times(decoder)}
    with all_cores(pinned):
        threaded = Decoder(workers=2)
        for name, frames in sets.items():
            ours, theirs = [], []
            for frame in frames:
                ours.append(wall_ms(lambda frame=frame: threaded.decode(frame))[1])
                theirs.append(wall_ms(lambda frame=frame: zxing_alone(frame))[1])
            row = table[name]
            row["wall_median"], row["zxing_wall_median"] = (statistics.median(ours),
                                                            statistics.median(theirs))
            row["wall_ratio"] = row["wall_median"] / row["zxing_wall_median"]
    return table


@contextmanager
def all_cores(pinned: set[int] | None) -> Iterator[None]:
    """Lift the pinning to one core for the block, then pin again."""
    if pinned is None:
        yield
        return
    os.sched_setaffinity(0, set(range(os.cpu_count() or 1)))
    try:
        yield
    finally:
        os.sched_setaffinity(0, pinned)


def stage_times(decoder: Decoder) -> dict[str, float]:
    """Mean ms per frame of each stage, in pipeline order, then of the passes and helpers the
    stages run (their time is inside their stage's)."""
    times = decoder.timings.per_frame_ms()
    order = [stage.name for stage in decoder.stages]
    return {name: times[name] for name in sorted(
        times, key=lambda name: order.index(name) if name in order else len(order))}


def print_speed(table: dict, title: str) -> Iterable[str]:
    """One table of section 3; yields the sets whose CPU ratio is over 0.6."""
    print(f"\n3. {title}: ms per frame, CPU on one core: pipeline median / p95, zxing-cpp alone "
          "median, ratio; wall-clock on every core (pipeline with workers=2): medians and "
          "ratio; then the mean wall-clock ms of each stage and pass")
    for scene, row in table.items():
        stages = "  ".join(f"{name} {ms:.1f}" for name, ms in row["stages_wall_mean"].items())
        print(f"{scene:26} {row['median']:6.1f} / {row['p95']:6.1f}  "
              f"zxing {row['zxing_median']:6.1f}  ratio {row['ratio']:.2f}   "
              f"wall {row['wall_median']:5.1f} / "
              f"{row['zxing_wall_median']:5.1f} ({row['wall_ratio']:.2f})   n={row['frames']} "
              f"reads {row['reads']}/{row['zxing_reads']}\n{'':28}{stages}")
        if row["ratio"] is not None and row["ratio"] > 0.6:
            yield scene
