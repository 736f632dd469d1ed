"""Scripted scenarios: a YAML timeline of placements, taps and screenshots."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator

from kiosk.config.document_check import validate_document
from kiosk.config.errors import ConfigError, ConfigInvalid
from kiosk.config.fields import Locale, Strict, Text
from kiosk.config.yaml_source import read_yaml

Fraction = float
ACTIONS = ("place", "remove", "tap", "drag", "pinch", "screenshot")
Via = Literal["sim", "camera", "nfc"]


class Place(Strict):
    """Lay a product at ``x``, ``y``; ``via: nfc`` lays its tag on the reader instead, whose
    place on the table is fixed in ``store.yaml``."""

    gtin: Text
    x: Fraction | None = Field(default=None, ge=0, le=1)
    y: Fraction | None = Field(default=None, ge=0, le=1)
    angle: float = 0.0
    via: Via = "sim"

    @model_validator(mode="after")
    def _where(self) -> Place:
        given = (self.x is not None, self.y is not None)
        if self.via == "nfc" and any(given):
            raise ValueError("via nfc takes no x and y: the tag goes on the reader, whose place "
                             "is sources.nfc.position in store.yaml")
        if self.via != "nfc" and not all(given):
            raise ValueError("say where the product goes, with x and y (0 to 1)")
        return self


class Remove(Strict):
    gtin: Text
    via: Via = "sim"


class Tap(Strict):
    label: Text | None = None
    within: Text | None = Field(default=None, description="the GTIN whose panel holds the label")
    x: Fraction | None = Field(default=None, ge=0, le=1)
    y: Fraction | None = Field(default=None, ge=0, le=1)

    @model_validator(mode="after")
    def _label_or_point(self) -> Tap:
        point = self.x is not None and self.y is not None
        if (self.label is None) == (not point) or (self.x is None) != (self.y is None):
            raise ValueError("tap either a label ({label: \"Avis\"}) or a point ({x: 0.5, y: 0.5})")
        return self


class Drag(Tap):
    """One finger from a widget (or point) moving by ``dx``, ``dy`` (fractions of the screen)
    over ``seconds``: fast and long enough, it is a swipe."""

    dx: float = Field(default=0.0, ge=-1, le=1)
    dy: float = Field(default=0.0, ge=-1, le=1)
    seconds: float = Field(default=0.25, gt=0, le=5)


class Pinch(Tap):
    """Two fingers around a widget (or point): spread by ``scale`` and turned by ``rotate``
    degrees (counter-clockwise) over ``seconds``."""

    scale: float = Field(default=1.0, gt=0.2, le=5)
    rotate: float = Field(default=0.0, ge=-360, le=360)
    seconds: float = Field(default=0.4, gt=0, le=5)


class Step(Strict):
    at: float = Field(ge=0, description="seconds from the start")
    place: Place | None = None
    remove: Remove | None = None
    tap: Tap | None = None
    drag: Drag | None = None
    pinch: Pinch | None = None
    screenshot: Text | None = None

    @field_validator("screenshot")
    @classmethod
    def _file_name(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", value):
            raise ValueError(f"{value!r} is not a plain file name (letters, digits, - _ .)")
        return value

    @model_validator(mode="after")
    def _one_action(self) -> Step:
        actions = [name for name in ACTIONS if getattr(self, name) is not None]
        if len(actions) != 1:
            raise ValueError("each step does one thing: " + ", ".join(ACTIONS))
        return self

    @property
    def action(self) -> str:
        """Which action this step does."""
        return next(name for name in ACTIONS if getattr(self, name) is not None)


class Scenario(Strict):
    size: tuple[int, int] = (1920, 1080)
    locale: Locale | None = None
    steps: tuple[Step, ...] = Field(min_length=1)

    @field_validator("size")
    @classmethod
    def _sane_size(cls, value: tuple[int, int]) -> tuple[int, int]:
        if not (320 <= value[0] <= 7680 and 240 <= value[1] <= 4320):
            raise ValueError("size must be between 320x240 and 7680x4320")
        return value

    def uses(self, via: str) -> bool:
        """True when a step places or removes a product through ``via``."""
        return any(action is not None and action.via == via
                   for step in self.steps for action in (step.place, step.remove))

    @property
    def duration(self) -> float:
        """Time of the last step."""
        return max(step.at for step in self.steps)


def load_scenario(path: Path, locales: tuple[str, ...]) -> Scenario:
    """Read and validate a scenario file; raise ConfigInvalid with every error."""
    document, errors = read_yaml(path, str(path))
    scenario = None
    if document is not None:
        scenario = validate_document(Scenario, document, {}, errors)
        if scenario is not None and scenario.locale and scenario.locale not in locales:
            errors.append(document.error(("locale",), f"locale {scenario.locale!r} is not one "
                                                      f"of the store's ({', '.join(locales)})"))
    if errors or scenario is None:
        raise ConfigInvalid(errors or [ConfigError(str(path), 1, (), "no scenario")])
    return scenario
