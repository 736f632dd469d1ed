"""Section 1 of the decoder benchmark: zxing-cpp's own sample photos, read by pyzbar alone,
zxing-cpp alone and the pipeline, per format and on two fixed halves.

The halves: the expected samples in load order (folders by name, then files by name), even
positions half A, odd positions half B. Every threshold the pipeline's misread checks use was
tuned on half A only; half B is the check that they were not fitted to the photos.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
import zxingcpp
from pyzbar import pyzbar

from hardware.decoding.pipeline import Decoder
from hardware.gs1 import gtin_from_content
from hardware.gtin import to_gtin14
from hardware.symbologies import FORMATS, format_name

IMAGE_SUFFIXES = (".png", ".webp", ".jpg")
FOLDER_FORMAT = {"code128": "code128", "datamatrix": "datamatrix", "ean13": "ean13",
                 "ean8": "ean8", "qrcode": "qr", "upca": "upca", "upce": "upce"}
RETAIL = ("ean13", "ean8", "upca", "upce")
SKIPPED = {"qrcode-7": "structured append: one message over 4 images"}
NOT_EXPECTED = {"datamatrix-5"}
SAMPLE_NOTES = {  # checked by eye; scored as written all the same
    "ean13-2/23.webp": "its N.txt says 9780804816632 but the photo shows 9784872348880, which "
                       "pyzbar and the pipeline read: scored as a misread",
}
ZBAR_NAMES = {"EAN13": "ean13", "EAN8": "ean8", "UPCA": "upca", "UPCE": "upce",
              "CODE128": "code128", "QRCODE": "qr"}
ZBAR_SYMBOLS = [getattr(pyzbar.ZBarSymbol, name) for name in ZBAR_NAMES]
ZX_FORMATS = list(FORMATS.values())
DECODERS = ("pyzbar", "zxing-cpp", "pipeline")

Read = tuple[str, str, bytes]          # (our format name, text, raw bytes)


@dataclass
class Tally:
    """Read rate, misreads and times of one decoder on one group of images."""

    images: int = 0
    read: int = 0
    misreads: int = 0
    ms: list[float] = field(default_factory=list)

    def add(self, ok: bool, wrong: int, ms: float) -> None:
        self.images += 1
        self.read += ok
        self.misreads += wrong
        self.ms.append(ms)

    def merge(self, other: Tally) -> None:
        self.images += other.images
        self.read += other.read
        self.misreads += other.misreads
        self.ms += other.ms

    def summary(self) -> dict[str, float]:
        return {"images": self.images, "read": self.read, "misreads": self.misreads,
                "rate": self.read / self.images if self.images else 0.0,
                "ms": statistics.fmean(self.ms) if self.ms else 0.0}


def read_zbar(image: np.ndarray) -> list[Read]:
    """pyzbar alone, on the formats the table reads (zbar has no Data Matrix)."""
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    return [(ZBAR_NAMES.get(s.type, s.type), s.data.decode("latin-1"), s.data)
            for s in pyzbar.decode(gray, symbols=ZBAR_SYMBOLS)]


def read_zxing(image: np.ndarray) -> list[Read]:
    """zxing-cpp alone with its default effort, on the formats the table reads."""
    return [(format_name(r.format) or str(r.format), r.text, r.bytes)
            for r in zxingcpp.read_barcodes(image, formats=ZX_FORMATS,
                                            text_mode=zxingcpp.TextMode.Plain)]


def reader_of_pipeline(decoder: Decoder) -> Callable[[np.ndarray], list[Read]]:
    """This pipeline, its texts back as bytes (latin-1) for the N.bin samples."""
    def read(image: np.ndarray) -> list[Read]:
        return [(d.format, d.text, d.text.encode("latin-1", "replace"))
                for d in decoder.decode(image)]
    return read


@dataclass(frozen=True)
class Sample:
    group: str           # format name, or a folder reported on its own
    path: Path
    text: str | None     # expected text (N.txt), or
    raw: bytes | None    # expected bytes (N.bin)
    gtin: str | None     # expected GTIN-14 for EAN/UPC folders
    half: str = ""       # "A" or "B" for expected samples


def load_samples(root: Path, quick: bool) -> tuple[list[Sample], list[str]]:
    """The sample images with their expected values and halves, and notes on what was left
    out."""
    samples: list[Sample] = []
    notes: list[str] = []
    position = 0
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        if folder.name in SKIPPED:
            notes.append(f"{folder.name} skipped: {SKIPPED[folder.name]}")
            continue
        kind = folder.name.split("-")[0]
        fmt = FOLDER_FORMAT.get(kind)
        if fmt is None:
            notes.append(f"{folder.name} skipped: unknown format")
            continue
        expected = folder.name not in NOT_EXPECTED
        group = fmt if expected else f"{folder.name} (not expected)"
        images = sorted(p for p in folder.iterdir() if p.suffix in IMAGE_SUFFIXES)
        for index, path in enumerate(images):
            half = ""
            if expected:
                half, position = "AB"[position % 2], position + 1
            if quick and index >= 3:
                continue
            text_file, raw_file = path.with_suffix(".txt"), path.with_suffix(".bin")
            text = text_file.read_text(encoding="utf-8") if text_file.exists() else None
            raw = raw_file.read_bytes() if text is None and raw_file.exists() else None
            gtin = None
            if fmt in RETAIL and text:
                gtin = to_gtin14(text.strip()[:13])  # add-on folders: the main number only
            samples.append(Sample(group, path, text, raw, gtin, half))
            note = SAMPLE_NOTES.get(f"{folder.name}/{path.name}")
            if note:
                notes.append(f"{folder.name}/{path.name} (half {half}): {note}")
    return samples, notes


def matches(sample: Sample, read: Read) -> bool:
    """EAN/UPC compare as GTINs; other content as text (line endings aside) or raw bytes."""
    fmt, text, raw = read
    if sample.gtin is not None:
        return gtin_from_content(text, fmt) == sample.gtin
    if sample.text is not None:
        return text.replace("\r\n", "\n") == sample.text.replace("\r\n", "\n")
    return raw == sample.raw or text.encode("utf-8", "replace") == sample.raw


def bench_samples(root: Path, quick: bool, timed: Callable[[Callable[[], list]], tuple]) -> dict:
    """Section 1: the three decoders side by side on every sample image, per format and per
    half; ``timed(call)`` gives ``(result, cpu_ms, wall_ms)``."""
    samples, notes = load_samples(root, quick)
    decoders = dict(zip(DECODERS, (read_zbar, read_zxing, reader_of_pipeline(Decoder())),
                        strict=True))
    tallies: dict[str, dict[str, Tally]] = {}
    halves: dict[str, dict[str, Tally]] = {"A": {}, "B": {}}
    misread: list[str] = []
    for sample in samples:
        image = cv2.imread(str(sample.path), cv2.IMREAD_COLOR)
        if image is None:
            notes.append(f"{sample.path} unreadable by cv2.imread")
            continue
        for name, read in decoders.items():
            reads, cpu, _ = timed(lambda read=read, image=image: read(image))
            good = [r for r in reads if matches(sample, r)]
            for by in (tallies.setdefault(sample.group, {}), halves.get(sample.half, {})):
                by.setdefault(name, Tally()).add(bool(good), len(reads) - len(good), cpu)
            if name == "pipeline" and len(reads) > len(good):
                misread.append(f"{sample.path.parent.name}/{sample.path.name} "
                               f"(half {sample.half or '-'})")
    table = {group: {name: t.summary() for name, t in by.items()}
             for group, by in sorted(tallies.items())}
    total = {name: Tally() for name in decoders}
    for group, by in tallies.items():
        if "not expected" not in group:
            for name, t in by.items():
                total[name].merge(t)
    table["all (expected)"] = {name: t.summary() for name, t in total.items()}
    return {"table": table, "notes": notes, "pipeline_misreads": misread,
            "halves": {half: {name: t.summary() for name, t in by.items()}
                       for half, by in halves.items()}}
