"""When something is shown: from a date, until a date, at some hours, on some days.

Breakfast products in the morning, a weekend promotion, a Christmas video: staff write it next
to the thing itself, and the table follows the clock.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from kiosk.config.fields import Strict

Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
DAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
HOURS = re.compile(r"([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]|24):([0-5]\d)")


class Window(Strict):
    """Dates (inclusive), hours (``07:00-11:00``; ``22:00-02:00`` runs past midnight) and
    days; what is left out does not restrict."""

    starts: dt.date | None = Field(default=None, description="first day (YYYY-MM-DD)")
    until: dt.date | None = Field(default=None, description="last day (YYYY-MM-DD)")
    hours: str | None = Field(default=None, description="time of day, e.g. 07:00-11:00")
    days: tuple[Day, ...] | None = Field(default=None, description="e.g. [sat, sun]")

    @field_validator("hours")
    @classmethod
    def _hours(cls, value: str | None) -> str | None:
        if value is not None and not HOURS.fullmatch(value.replace(" ", "")):
            raise ValueError(f"{value!r} is not a time range; write it like 07:00-11:00")
        return value.replace(" ", "") if value else value

    @model_validator(mode="after")
    def _ordered(self) -> Window:
        if self.starts and self.until and self.starts > self.until:
            raise ValueError(f"starts ({self.starts}) is after until ({self.until})")
        return self

    def active(self, moment: dt.date) -> bool:
        """Whether ``moment`` falls in the window; a plain date ignores the hours."""
        day = moment.date() if isinstance(moment, dt.datetime) else moment
        if (self.starts and day < self.starts) or (self.until and day > self.until):
            return False
        if self.days is not None and DAYS[day.weekday()] not in self.days:
            return False
        if self.hours is None or not isinstance(moment, dt.datetime):
            return True
        start, end = self.hours.split("-")
        now = moment.strftime("%H:%M")
        return start <= now < end if start <= end else (now >= start or now < end)
