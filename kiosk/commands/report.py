"""``kiosk report``: what shoppers did with the table, from the event log (no personal data
is in it), as text, JSON, or charts with a page to open in a browser."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sqlite3
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, TextIO

from kiosk.analytics.report import build_report
from kiosk.analytics.usage import EVENTS_FILE
from kiosk.catalog.catalog import Catalog
from kiosk.commands.common import Subparsers, parse_date
from kiosk.config import KioskConfig


def register(commands: Subparsers, common: argparse.ArgumentParser) -> None:
    """Add the command to the ``kiosk`` parser."""
    parser = commands.add_parser("report", parents=[common],
                                 help="what shoppers did: products, dwell, compares, sends")
    parser.add_argument("--since", type=parse_date, metavar="YYYY-MM-DD")
    parser.add_argument("--until", type=parse_date, metavar="YYYY-MM-DD")
    parser.add_argument("--json", action="store_true", help="the figures as one JSON object")
    parser.add_argument("--out", type=Path, metavar="DIR", help="also write charts and a page")
    parser.add_argument("--locale", metavar="LOCALE",
                        help="language of the charts and page: one of the store's locales "
                             "(default: its default_locale)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, config: KioskConfig) -> int:
    """The report of the event log in ``--data``."""
    return show_report(config, args.data, args.since, args.until, args.json, args.out,
                       sys.stdout, args.locale)


def show_report(config: KioskConfig, data_dir: Path, since: dt.date | None,
                until: dt.date | None, as_json: bool, out_dir: Path | None, out: TextIO,
                locale: str | None = None) -> int:
    """Exit 0 with the report, 2 when the data folder has no event log or ``locale`` is not
    one of the store's. ``locale`` (default: the store's ``default_locale``) is the language
    of the charts and the page, read by the staff; the text and JSON do not depend on it, so
    scripts reading them keep working."""
    locales = config.store.locales
    default = config.store.default_locale
    locale = locale or default
    if locale not in locales:
        out.write(f"--locale {locale!r} is not one of the store's locales "
                  f"({', '.join(locales)})\n")
        return 2
    path = data_dir / EVENTS_FILE
    if not path.exists():
        out.write(f"no event log in {data_dir}: the kiosk has not run with --data {data_dir}\n")
        return 2
    try:
        report = build_report(path, product_names(config), since, until)
        if out_dir is not None and locale != default:  # product names in the page's language
            shown = build_report(path, product_names(config, locale), since, until)
        else:
            shown = report
    except sqlite3.DatabaseError as exc:
        out.write(f"the event log {path} is unreadable ({exc}); the kiosk will move it aside "
                  "and start a new one at its next start\n")
        return 1
    report["offers"]["codes_left"] = shown["offers"]["codes_left"] = pools_left(config,
                                                                              data_dir)
    out.write(json.dumps(report, ensure_ascii=False) + "\n" if as_json else summary(report))
    if out_dir is not None:
        from kiosk.analytics.charts import write_charts  # pygame, for --out only

        for written in write_charts(shown, out_dir, config.store.store.name,
                                    config.media_dir / config.store.theme.font, locale):
            if not as_json:
                out.write(f"wrote {written}\n")
    return 0


def pools_left(config: KioskConfig, data_dir: Path) -> dict[str, int]:
    """Codes not given yet, by offer with single-use codes (read-only)."""
    from kiosk.offers.status import codes_left

    return {offer.id: left for offer in config.offers.offers
            if (left := codes_left(config, offer, data_dir)) is not None}


def product_names(config: KioskConfig, locale: str | None = None) -> Mapping[str, str]:
    """GTIN-14 to the product's name in ``locale``, else in the store's default language (the
    one every product has); read from the catalog for the products a report names."""
    return ProductNames(Catalog.from_config(config), locale or config.store.default_locale,
                        config.store.default_locale)


class ProductNames(Mapping[str, str]):
    """Product names by GTIN, each read from the catalog when asked for."""

    def __init__(self, catalog: Catalog, locale: str, default: str) -> None:
        self._catalog, self._locale, self._default = catalog, locale, default

    def __getitem__(self, code: str) -> str:
        product = self._catalog.get(code) if code.isdigit() else None
        if product is None:
            raise KeyError(code)
        return product.name.get(self._locale) or product.name[self._default]

    def __iter__(self) -> Iterator[str]:
        return iter(self._catalog.codes())

    def __len__(self) -> int:
        return len(self._catalog)


def summary(report: dict[str, Any]) -> str:
    """The headline figures, for a terminal."""
    placements = report["placements"]
    sends = report["sends"]
    funnel = report["funnel"]
    lines = [f"{report['sessions']} session(s), {placements['total']} placement(s), "
             f"{report['compares']} comparison(s), {sends['total']} send(s) "
             f"({', '.join(f'{k} {v}' for k, v in sends['by_channel'].items() if v) or 'none'})",
             f"funnel: {funnel['placed']} placed → {funnel['section_viewed']} viewed a section "
             f"→ {funnel['variant_chosen']} chose a size or colour; {funnel['sent']} sent to a "
             f"phone, {funnel['ordered']} ordered, {funnel['reserved']} reserved",
             f"offers: {report['offers']['total']} sent"
             + "".join(f"; {offer_id}: {left} codes left"
                       for offer_id, left in report["offers"].get("codes_left", {}).items()),
             "top products:"]
    for item in placements["by_product"][:10]:
        lines.append(f"  {item['count']:5}  {item['dwell_s']:8.1f} s  {item['gtin']}  "
                     f"{item['name']}")
    return "\n".join(lines) + "\n"
