"""Config: read once, validated into frozen typed objects, every error reported at once."""

from kiosk.config.errors import ConfigError, ConfigInvalid
from kiosk.config.loader import KioskConfig, load_config

__all__ = ["ConfigError", "ConfigInvalid", "KioskConfig", "load_config"]
