"""The ``fleet`` section of ``store.yaml``: where the table takes the chain's content from.

With ``fleet.sync`` set, the table's own ``store.yaml`` keeps only what belongs to it (its
store, its devices, its table, staff access, ops and this section); everything else comes from
the bundle the chain publishes, checked against the chain's public key before use.
"""

from __future__ import annotations

import base64
import binascii
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field

from kiosk.config.fields import Strict

LOCAL_KEYS = ("store", "sources", "table", "staff", "ops", "fleet")
"""What a synced table keeps from its own ``store.yaml``; the bundle's says the rest."""


def _manifest_url(value: str) -> str:
    parts = urlsplit(value.replace("{store_id}", "store"))
    if parts.scheme not in ("http", "https", "file") or (parts.scheme != "file"
                                                        and not parts.netloc):
        raise ValueError(f"the manifest's URL must start with https://, http:// or file://, not "
                         f"{value!r}")
    if not parts.path.endswith(".json"):
        raise ValueError(f"{value!r} does not name a manifest (…/manifest.json)")
    return value


def _public_key(value: str) -> str:
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise ValueError("public_key is the chain's raw 32-byte Ed25519 public key in base64 "
                         "(kiosk publish prints it)")
    return value


class SyncSettings(Strict):
    url: Annotated[str, AfterValidator(_manifest_url)] = Field(description=(
        "the manifest's URL; {store_id} is replaced by store.id"))
    public_key: Annotated[str, AfterValidator(_public_key)] = Field(description=(
        "the chain's Ed25519 public key (raw 32 bytes, base64): manifests signed by any other "
        "key are refused"))
    interval_s: float = Field(default=300.0, ge=5, le=86400,
                              description="seconds between two looks at the manifest")
    timeout_s: float = Field(default=20.0, gt=0, le=300,
                             description="seconds a request may take before it is given up")
    probation_s: float = Field(default=300.0, ge=0, le=86400, description=(
        "seconds after a switch during which an unhealthy kiosk goes back to the last good "
        "version by itself"))
    keep: int = Field(default=3, ge=2, le=20,
                      description="versions kept on disk to go back to (at least 2)")


class FleetConfig(Strict):
    sync: SyncSettings | None = None
