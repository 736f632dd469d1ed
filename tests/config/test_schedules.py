"""Schedules with a fixed clock: dates, hours (also past midnight) and days of the week."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import ValidationError

from kiosk.config.schedule import Window
from kiosk.config.store import Attract
from tests.config.test_broken_configs import errors, mutate
from tests.paths import department_products

FRIDAY_MORNING = dt.datetime(2026, 11, 27, 8, 30)


@pytest.mark.parametrize(("window", "moment", "active"), [
    ({"hours": "07:00-11:00"}, FRIDAY_MORNING, True),
    ({"hours": "07:00-11:00"}, FRIDAY_MORNING.replace(hour=11), False),
    ({"hours": "22:00-02:00"}, FRIDAY_MORNING.replace(hour=23), True),
    ({"hours": "22:00-02:00"}, FRIDAY_MORNING.replace(hour=1), True),
    ({"hours": "22:00-02:00"}, FRIDAY_MORNING, False),
    ({"days": ["sat", "sun"]}, FRIDAY_MORNING, False),
    ({"days": ["fri"]}, FRIDAY_MORNING, True),
    ({"starts": "2026-11-28"}, FRIDAY_MORNING, False),
    ({"until": "2026-11-27"}, FRIDAY_MORNING.replace(hour=23, minute=59), True),
    ({"until": "2026-11-26"}, FRIDAY_MORNING, False),
    ({"hours": "07:00-11:00"}, FRIDAY_MORNING.date(), True),  # a day: hours do not restrict
])
def test_windows(window: dict[str, object], moment: dt.date, active: bool) -> None:
    assert Window.model_validate(window).active(moment) is active


def test_bad_windows_are_explained() -> None:
    with pytest.raises(ValidationError, match="write it like 07:00-11:00"):
        Window.model_validate({"hours": "7h-11h"})
    with pytest.raises(ValidationError, match="is after until"):
        Window.model_validate({"starts": "2026-12-01", "until": "2026-11-01"})


def test_a_breakfast_promotion_runs_only_in_the_morning(demo_config) -> None:  # noqa: ANN001
    product = department_products(demo_config, 0)[0]
    promo = {"price": "9.90", "until": "2026-12-31", "hours": "07:00-10:30"}
    breakfast = product.model_validate({**product.model_dump(), "promo": promo})
    assert breakfast.current_price(FRIDAY_MORNING) == Decimal("9.90")
    assert breakfast.current_price(FRIDAY_MORNING.replace(hour=14)) == product.price


def test_scheduled_attract_media_join_the_loop_in_their_window(demo_config) -> None:  # noqa: ANN001
    attract = demo_config.store.attract
    with_video = Attract.model_validate(
        {**attract.model_dump(), "scheduled": [{"file": "attract/kitchen.png",
                                                "hours": "07:00-11:00"}]},
        context={"media_dir": demo_config.media_dir})
    assert with_video.active_media(FRIDAY_MORNING)[-1] == "attract/kitchen.png"
    assert with_video.active_media(FRIDAY_MORNING.replace(hour=15)) == attract.media


def test_a_schedule_with_a_missing_file_is_a_config_error(store_copy: Path) -> None:
    line = mutate(store_copy, "store.yaml", r"^  seconds_per_image: .*$",
                  "  scheduled:\n    - {file: attract/missing.png, hours: 07:00-11:00}\n"
                  "  seconds_per_image: 8")
    assert any(e.startswith(f"{store_copy / 'store.yaml'}:{line + 1}: attract.scheduled[0].file")
               for e in errors(store_copy))
