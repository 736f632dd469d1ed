"""Field types shared by the store and catalog files, with the checks staff need.

Checks that depend on the store (its locales, its media folder) read them from the pydantic
validation context, so every error keeps its exact place in the file.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo

from hardware.gtin import gtin_problem
from kiosk.config.media_images import ImageTooLarge, ImageUnreadable, read_media_image

FONT_MAGIC = (b"\x00\x01\x00\x00", b"OTTO", b"true", b"ttcf")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".bmp")
VIDEO_SUFFIXES = (".mp4", ".webm", ".avi", ".mkv", ".mov")


class Strict(BaseModel):
    """Base of every config model: frozen, and unknown keys are errors (typos surface)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _context(info: ValidationInfo, key: str) -> Any:
    return (info.context or {}).get(key)


def _check_gtin(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        raise ValueError(f'write the GTIN in quotes, as text: "{value}" (numbers lose leading '
                         "zeros)")
    if isinstance(value, str):
        problem = gtin_problem(value.strip())
        if problem:
            raise ValueError(problem)
        return value.strip()
    return value


def _check_locales(value: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
    """Every key a store locale; the default locale required, others fall back to it."""
    locales: tuple[str, ...] | None = _context(info, "locales")
    if not locales:
        return value
    default = _context(info, "default_locale") or locales[0]
    unknown = [key for key in value if key not in locales]
    problems = []
    if default not in value:
        problems.append(f"missing the default language {default!r} (other languages fall "
                        "back to it)")
    if unknown:
        problems.append("locale " + ", ".join(repr(u) for u in unknown)
                        + f" is not one of the store's locales ({', '.join(locales)})")
    if problems:
        raise ValueError("; ".join(problems))
    return value


def _inside_media(value: str, info: ValidationInfo) -> Path | None:
    media_dir: Path | None = _context(info, "media_dir")
    if Path(value).is_absolute():
        raise ValueError(f"{value!r} is an absolute path; write it relative to the media folder")
    if media_dir is None:
        return None
    root = media_dir.resolve()
    target = (root / value).resolve()
    if not target.is_relative_to(root):
        raise ValueError(f"{value!r} leaves the media folder; keep files inside {media_dir}")
    if not target.is_file():
        raise ValueError(f"file {value!r} does not exist in the media folder {media_dir}")
    return target


def _check_image(value: str, info: ValidationInfo) -> str:
    target = _inside_media(value, info)
    if target is None:
        return value
    if target.suffix.lower() not in IMAGE_SUFFIXES:
        raise ValueError(f"{value!r} is not an image; use {', '.join(IMAGE_SUFFIXES)}")
    checked: dict[Path, bool | str] | None = _context(info, "checked_images")
    problem = checked.get(target) if checked is not None else None
    if problem is None:
        problem = _image_problem(target)
        if checked is not None:
            checked[target] = problem
    if problem is True:
        return value
    if isinstance(problem, str):
        raise ValueError(f"{value!r} is {problem}: scale it down")
    raise ValueError(f"{value!r} is not a readable image (corrupt or truncated?)")


def _image_problem(target: Path) -> bool | str:
    """True when the image can be shown; a reason when it is over the media limits (read from
    its header, before decoding); False when it cannot be decoded."""
    try:
        data = read_media_image(target)
    except ImageTooLarge as exc:
        return str(exc)
    except (ImageUnreadable, OSError):
        return False
    import cv2  # here, not with the config types: most commands decode no image
    import numpy as np

    try:
        pixels = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_UNCHANGED)
    except cv2.error:
        return False
    return pixels is not None and pixels.size > 0


def is_video(path: str) -> bool:
    """Whether a media path names a video (by its extension, as the validator decides)."""
    return Path(path).suffix.lower() in VIDEO_SUFFIXES


def _readable_video(target: Path) -> bool:
    """OpenCV (FFmpeg) opens the file and decodes its first frame: what the attract loop needs."""
    import cv2

    capture = cv2.VideoCapture(str(target), cv2.CAP_FFMPEG)
    try:
        if not capture.isOpened():
            return False
        ok, frame = capture.read()
        return bool(ok) and frame is not None and frame.size > 0
    finally:
        capture.release()


def _check_media(value: str, info: ValidationInfo) -> str:
    """An image (the ``ImagePath`` rules) or a video OpenCV can decode."""
    if not is_video(value):
        if Path(value).suffix.lower() in IMAGE_SUFFIXES:
            return _check_image(value, info)
        if _inside_media(value, info) is not None:
            raise ValueError(f"{value!r} is not an image or a video; use "
                             f"{', '.join(IMAGE_SUFFIXES + VIDEO_SUFFIXES)}")
        return value
    target = _inside_media(value, info)
    if target is None:
        return value
    checked: dict[Path, bool] | None = _context(info, "checked_images")
    readable = checked.get(target) if checked is not None else None
    if readable is None:
        readable = _readable_video(target)
        if checked is not None:
            checked[target] = readable
    if not readable:
        raise ValueError(f"{value!r} is not a readable video (corrupt or unsupported codec?)")
    return value


def _check_font(value: str, info: ValidationInfo) -> str:
    target = _inside_media(value, info)
    if target is not None:
        with target.open("rb") as handle:
            if handle.read(4) not in FONT_MAGIC:
                raise ValueError(f"{value!r} is not a TrueType or OpenType font")
    return value


def matching(pattern: str, expected: str) -> AfterValidator:
    """A check that the whole text matches ``pattern``, saying what was ``expected``."""

    def check(value: str) -> str:
        if not re.fullmatch(pattern, value):
            raise ValueError(f"{value!r} is not {expected}")
        return value

    return AfterValidator(check)


def _spec_value(value: Any) -> Any:
    """Staff write ``Poids: 250``; a bare number is fine as a spec value."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


Gtin = Annotated[str, BeforeValidator(_check_gtin)]
Text = Annotated[str, Field(min_length=1)]
LocalText = Annotated[dict[str, Text], AfterValidator(_check_locales)]
ImagePath = Annotated[str, AfterValidator(_check_image)]
MediaPath = Annotated[str, AfterValidator(_check_media)]
FontPath = Annotated[str, AfterValidator(_check_font)]
Color = Annotated[str, matching(r"#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{8})",
                                 "a colour; write it as #RRGGBB, e.g. #1E88E5")]
Slug = Annotated[str, matching(r"[a-z0-9][a-z0-9-]*",
                                "an id; use lower-case letters, digits and dashes, e.g. tv-audio")]
Locale = Annotated[str, matching(r"[a-z]{2}", "a language code; use two letters, e.g. fr or en")]
Country = Annotated[str, matching(r"[A-Z]{2}", "a country code; use two capitals, e.g. FR")]
Currency = Annotated[str, matching(r"[A-Z]{3}", "a currency code; use three capitals, e.g. EUR")]
SpecValue = Annotated[str, BeforeValidator(_spec_value), Field(min_length=1)]
LocalSpecs = Annotated[dict[str, dict[Text, SpecValue]], AfterValidator(_check_locales)]


MIN_CONTRAST = 4.5
"""WCAG AA for body text: what a shopper a metre away, maybe with poor sight, can read."""


def contrast_ratio(first: str, second: str) -> float:
    """WCAG contrast ratio of two ``#RRGGBB`` colours, from 1 (same) to 21 (black on white)."""
    def luminance(color: str) -> float:
        channels = [int(color[index:index + 2], 16) / 255 for index in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)
