"""Each offer as staff check it (``kiosk offers``, ``kiosk validate``, ``kiosk report``):
running or not and why, codes left in its pool, wallet channels on, products it applies to.

Read-only: the pool's file is read without being changed or created, so this runs beside a
kiosk that is giving codes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hardware.gtin import display_gtin
from kiosk.catalog.catalog import Catalog
from kiosk.config import KioskConfig
from kiosk.config.offers import Offer, read_codes
from kiosk.offers.channels import WalletChannels
from kiosk.offers.pool import given_codes

ACTIVE, SCHEDULED, EXPIRED, POOL_EMPTY = "active", "scheduled", "expired", "pool empty"


def codes_left(config: KioskConfig, offer: Offer, data_dir: Path | None) -> int | None:
    """Codes of the offer's pool not given yet (None: one shared code)."""
    pool = config.offers.pool(offer.id)
    if pool is None:
        return None
    codes, _ = read_codes(pool.path)
    given = given_codes(data_dir, offer.id) if data_dir is not None else set()
    return sum(1 for code in codes if code not in given)


def state_of(offer: Offer, left: int | None, now: dt.datetime) -> str:
    """``active``, ``scheduled`` (later today, another day, or not started), ``expired``
    (its last day is past) or ``pool empty``."""
    if offer.until is not None and now.date() > offer.until:
        return EXPIRED
    if not offer.active(now):
        return SCHEDULED
    return POOL_EMPTY if left == 0 else ACTIVE


def gtins_of(offer: Offer, catalog: Catalog) -> Iterator[str]:
    """The products the offer applies to, as printed under their barcodes, each once."""
    seen: set[str] = set()
    if not offer.products and not offer.departments:
        candidates: Iterator[str] = iter(catalog.codes())
    else:
        candidates = iter([*sorted(offer.gtin14s), *(
            product.gtin14 for department in offer.departments
            for product in catalog.in_department(department))])
    for gtin14 in candidates:
        if gtin14 not in seen and catalog.get(gtin14) is not None:
            seen.add(gtin14)
            yield display_gtin(gtin14)


def offer_states(config: KioskConfig, data_dir: Path | None, channels: WalletChannels,
                 now: dt.datetime) -> Iterator[dict[str, Any]]:
    """One record per offer, in file order: ``id``, ``state``, ``codes_left``, ``channels``
    (the wallet channels on), ``gtins`` (the products it applies to now: none unless it is
    active)."""
    catalog = Catalog.from_config(config)
    for offer in config.offers.offers:
        left = codes_left(config, offer, data_dir)
        state = state_of(offer, left, now)
        yield {"id": offer.id, "state": state, "codes_left": left,
               "channels": list(channels.on),
               "gtins": list(gtins_of(offer, catalog)) if state == ACTIVE else [],
               "title": offer.title, "until": offer.until.isoformat() if offer.until else None,
               "code": "shared" if offer.code is not None else "pool"}
