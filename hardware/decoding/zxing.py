"""zxing-cpp's reads of an image or of a straightened crop, in our format names."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import zxingcpp

from hardware.decoding.boxes import apply_affine
from hardware.decoding.detection import Detection, make_detection, our_name
from hardware.symbologies import format_name


class ZxingReader:
    """Reads with zxing-cpp, keeping the enabled formats only."""

    def __init__(self, enabled: frozenset[str]) -> None:
        self.enabled = enabled

    def read(self, image: np.ndarray, formats: Sequence[zxingcpp.BarcodeFormat],
             back: np.ndarray | None = None, **options: object) -> list[Detection]:
        """zxing-cpp's reads of ``image``; ``back`` maps a crop's pixels to the image's."""
        found = []
        for result in zxingcpp.read_barcodes(image, formats=list(formats),
                                             text_mode=zxingcpp.TextMode.Plain, **options):
            # Content zxing-cpp cannot transcode (mixed or unknown ECI) has no text: keep bytes.
            text = result.text or result.bytes.decode("latin-1")
            name = our_name(format_name(result.format), text, self.enabled)
            if name is not None:
                p = result.position
                quad = [(float(c.x), float(c.y))
                        for c in (p.top_left, p.top_right, p.bottom_right, p.bottom_left)]
                found.append(make_detection(name, text, quad if back is None
                                            else apply_affine(back, quad),
                                            _symbology(result)))
        return found


def _symbology(result: zxingcpp.Barcode) -> str:
    """The symbology identifier zxing-cpp reports (``]C1``: GS1-128, ``]d2``: GS1 DataMatrix,
    ``]Q3``: GS1 QR…), which says whether the content is a GS1 element string."""
    return str(getattr(result, "symbology_identifier", "") or "")
