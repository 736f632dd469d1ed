"""The store file (``config/store.yaml``): who the store is and how its table behaves."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from hardware.registry import FORMAT_NAMES, CameraSettings, device_problem
from kiosk.config.analytics import AnalyticsConfig
from kiosk.config.content import ContentConfig
from kiosk.config.fields import (
    MIN_CONTRAST,
    Color,
    Country,
    Currency,
    FontPath,
    ImagePath,
    Locale,
    MediaPath,
    Slug,
    Strict,
    Text,
    contrast_ratio,
)
from kiosk.config.fleet import FleetConfig
from kiosk.config.handoff import Handoff
from kiosk.config.ops import OpsConfig
from kiosk.config.pin_hash import pin_hash_problem
from kiosk.config.schedule import Window
from kiosk.config.wallet import Wallet

Edge = Literal["top", "bottom", "left", "right"]
Fraction = Annotated[float, Field(ge=0, le=1)]
Symbology = Literal["ean13", "ean8", "upca", "upce", "code128", "qr", "datamatrix"]


class Location(Strict):
    """Where the store is, so a pass in the phone's wallet comes up on its lock screen there."""

    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)


class StoreInfo(Strict):
    id: Slug
    name: Text
    country: Country
    currency: Currency
    location: Location | None = None


TEXT_PAIRS = (("text", "surface"), ("muted", "surface"), ("accent", "surface"),
              ("promo", "surface"))
"""Colours written on one another on panels: text and muted text on the panel, accent text
(selected tab, handles) and panel-coloured text on accent buttons, promotion prices and badges."""


class ThemeColors(Strict):
    background: Color
    surface: Color
    text: Color
    muted: Color
    accent: Color
    promo: Color
    ok: Color
    warning: Color

    @model_validator(mode="after")
    def _readable(self) -> ThemeColors:
        problems = []
        for front, back in TEXT_PAIRS:
            ratio = contrast_ratio(getattr(self, front), getattr(self, back))
            if ratio < MIN_CONTRAST:
                problems.append(f"{front} {getattr(self, front)} on {back} "
                                f"{getattr(self, back)} has a contrast of {ratio:.1f}:1")
        if problems:
            raise ValueError("; ".join(problems) + f": text needs at least {MIN_CONTRAST}:1 to "
                             "be read from a metre away (darken or lighten one of them)")
        return self


class Theme(Strict):
    font: FontPath
    font_bold: FontPath
    logo: ImagePath | None = Field(default=None, description="shown on the attract loop")
    colors: ThemeColors


class Accessibility(Strict):
    large_text: bool = Field(default=False, description="every text a quarter larger")
    reduced_motion: bool = Field(default=False, description="no pulsing, fading, momentum or "
                                                            "video: still images and cuts")


Matrix3 = tuple[tuple[float, float, float], tuple[float, float, float],
                tuple[float, float, float]]


class CameraChoice(Strict):
    device: Text = Field(description="0, /dev/video2, a video file, a folder of images, sim "
                                     "or none")
    width: int = Field(default=1920, ge=160, le=7680)
    height: int = Field(default=1080, ge=120, le=4320)
    fps: float = Field(default=30.0, gt=0, le=240)
    formats: tuple[Symbology, ...] = Field(default=FORMAT_NAMES, min_length=1)
    homography: Matrix3 | None = Field(
        default=None, description="camera pixels to table fractions; written by kiosk calibrate")
    absent_s: float = Field(default=0.7, gt=0, le=30,
                            description="seconds a product may go unseen before it is lifted")

    @field_validator("device")
    @classmethod
    def _known_device(cls, value: str, info: ValidationInfo) -> str:
        problem = device_problem("camera", value, (info.context or {}).get("config_dir"))
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("formats")
    @classmethod
    def _unique(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(value)) != len(value):
            raise ValueError("each format may be listed once")
        return value

    def settings(self, config_dir: Path) -> CameraSettings:
        """The camera as the hardware layer takes it."""
        return CameraSettings(self.device, self.width, self.height, self.fps, self.formats,
                              self.homography, self.absent_s, config_dir)


class NfcChoice(Strict):
    device: Text = Field(description="usb, usb:054c, tty:USB0:pn532, udp:127.0.0.1:PORT, sim "
                                     "or none")
    position: tuple[Fraction, Fraction] = Field(
        default=(0.5, 0.5), description="where the reader's area lies on the table, as "
                                        "fractions of its width and height")
    tags: Text | None = Field(default=None, description="the tag map file, relative to this "
                                                        "folder")

    @field_validator("device")
    @classmethod
    def _known_device(cls, value: str) -> str:
        problem = device_problem("nfc", value, None)
        if problem:
            raise ValueError(problem)
        return value


class Sources(Strict):
    camera: CameraChoice
    nfc: NfcChoice


class TableGeometry(Strict):
    edges: tuple[Edge, ...] = Field(min_length=1, description="where shoppers stand")
    shape: Literal["rectangle", "round"] = Field(
        default="rectangle", description="rectangle: a panel faces the nearest edge; round: "
                                         "it faces outward from the centre")

    @field_validator("edges")
    @classmethod
    def _unique(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(value)) != len(value):
            raise ValueError("each edge may be listed once")
        return value


class ScheduledMedia(Window):
    """An image or video shown only in its window (a breakfast video in the morning)."""

    file: MediaPath


class Attract(Strict):
    media: tuple[MediaPath, ...] = Field(
        min_length=1, description="images and videos shown in turn; a video plays to its end "
                                  "(at most 60 s), an image for seconds_per_image")
    scheduled: tuple[ScheduledMedia, ...] = Field(
        default=(), description="more images and videos, each shown only in its window")
    seconds_per_image: float = Field(default=8.0, gt=0)

    def active_media(self, moment: dt.date) -> tuple[str, ...]:
        """What the loop shows at ``moment``: the media, then the scheduled ones in their
        window."""
        return self.media + tuple(item.file for item in self.scheduled if item.active(moment))


class StaffSettings(Strict):
    """Staff mode: a long press in a corner, then a PIN (stored only as a hash)."""

    corner: Literal["top-left", "top-right", "bottom-left", "bottom-right"] = "top-left"
    hold_s: float = Field(default=3.0, ge=1, le=10, description="seconds to press the corner")
    pin_hash: Text | None = Field(default=None, description="written by kiosk staff-pin")
    lockout_s: float = Field(default=300.0, ge=10, le=86400,
                             description="seconds the pad stays locked after 5 wrong PINs")

    @field_validator("pin_hash")
    @classmethod
    def _hash(cls, value: str | None) -> str | None:
        problem = pin_hash_problem(value) if value is not None else None
        if problem:
            raise ValueError(problem)
        return value


class StoreFile(Strict):
    """The whole of ``store.yaml``."""

    store: StoreInfo
    locales: tuple[Locale, ...] = Field(min_length=1)
    default_locale: Locale
    theme: Theme
    handoff: Handoff
    sources: Sources
    table: TableGeometry
    attract: Attract
    accessibility: Accessibility = Accessibility()
    staff: StaffSettings = StaffSettings()
    content: ContentConfig = ContentConfig()
    analytics: AnalyticsConfig = AnalyticsConfig()
    wallet: Wallet = Wallet()
    fleet: FleetConfig = FleetConfig()
    ops: OpsConfig = OpsConfig()
    catalog: tuple[Text, ...] = Field(default=("catalog/*.yaml",), min_length=1)
    idle_reset_s: float = Field(default=90.0, gt=0)
    idle_panel_s: float = Field(
        default=20.0, gt=0, le=600,
        description="seconds a panel, sheet or keypad stays exactly where it is after its "
                    "shopper last touched it (others make room around it)")

    @model_validator(mode="after")
    def _default_locale_listed(self) -> StoreFile:
        if self.default_locale not in self.locales:
            raise ValueError(f"default_locale {self.default_locale!r} is not in locales "
                             f"({', '.join(self.locales)})")
        if len(set(self.locales)) != len(self.locales):
            raise ValueError("each locale may be listed once")
        return self
