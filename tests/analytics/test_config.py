"""The ``analytics`` section of store.yaml: defaults, limits, and no secret in the file."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from kiosk.config.analytics import AnalyticsConfig, ForwardConfig


def test_defaults_keep_a_year_and_forward_nothing() -> None:
    config = AnalyticsConfig()
    assert config.retention_days == 365 and config.forward is None


def test_a_forward_section() -> None:
    config = AnalyticsConfig.model_validate({
        "retention_days": 90,
        "forward": {"url": "https://collector.example.com/events", "token_env": "CHAIN_TOKEN"}})
    assert config.forward == ForwardConfig(url="https://collector.example.com/events",
                                           token_env="CHAIN_TOKEN")
    assert (config.forward.batch_size, config.forward.interval_s,
            config.forward.timeout_s) == (500, 60.0, 10.0)


@pytest.mark.parametrize("retention_days", [0, -1, 3651])
def test_retention_has_bounds(retention_days: int) -> None:
    with pytest.raises(ValidationError, match="retention_days"):
        AnalyticsConfig(retention_days=retention_days)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("url", "ftp://collector.example.com", "https://"),
    ("url", "collector.example.com/events", "https://"),
    ("token_env", "s3cr3t-token-value", "environment variable"),
    ("batch_size", 0, "batch_size"),
    ("batch_size", 10001, "batch_size"),
    ("interval_s", 0.5, "interval_s"),
    ("interval_s", 3601, "interval_s"),
    ("timeout_s", 0, "timeout_s"),
])
def test_forward_settings_are_checked(field: str, value: object, message: str) -> None:
    settings = {"url": "https://collector.example.com/events", field: value}
    with pytest.raises(ValidationError, match=message):
        ForwardConfig.model_validate(settings)


def test_typos_are_errors_and_the_config_is_frozen() -> None:
    with pytest.raises(ValidationError, match="retention_dayz"):
        AnalyticsConfig.model_validate({"retention_dayz": 30})
    config = AnalyticsConfig()
    with pytest.raises(ValidationError):
        config.retention_days = 5  # type: ignore[misc]
