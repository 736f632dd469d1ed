"""``offers.yaml`` checked with the rest of the config: its offers, the products and
departments they name against the catalog in use, and each pool's codes file.

Why here and not in the model: what an offer names is only known once the catalog is
compiled, and a codes file is another file, whose errors are placed at its own lines.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hardware.gtin import to_gtin14
from kiosk.config.document_check import validate_document
from kiosk.config.errors import ConfigError
from kiosk.config.index_file import CatalogRef, departments_by_file, known_gtins
from kiosk.config.limits import STORE_LIMIT
from kiosk.config.offers import (
    OFFERS_FILE,
    CodeFile,
    OffersConfig,
    OffersFile,
    codes_digest,
    read_codes,
)
from kiosk.config.store import StoreFile
from kiosk.config.yaml_source import NodeBudget, YamlDocument, read_yaml


def load_offers(config_dir: Path, store: StoreFile | None, catalog: CatalogRef | None,
                context: dict[str, Any], budget: NodeBudget,
                errors: list[ConfigError]) -> OffersConfig:
    """The offers of ``config/offers.yaml`` (none when there is no such file), checked;
    errors are added to ``errors``. ``catalog`` None: the catalog is broken, what offers name
    in it is not checked (its own errors say enough)."""
    path = config_dir / OFFERS_FILE
    if not path.is_file():
        return OffersConfig()
    document, file_errors = read_yaml(path, str(path), STORE_LIMIT, budget)
    errors += file_errors
    content = validate_document(OffersFile, document, context, errors) if document else None
    if document is None or content is None:
        return OffersConfig()
    before = len(errors)
    _unique_ids(document, content, errors)
    if catalog is not None:
        _named_in_catalog(document, content, catalog, errors)
    if content.offers and store is not None and store.handoff.offer_url is None:
        errors.append(document.error(("offers",), (
            "offers need handoff.offer_url in store.yaml: the web shop's offer page, sent when "
            "a wallet pass cannot be")))
    pools = {offer.id: pool for index, offer in enumerate(content.offers)
             if offer.codes_file is not None
             and (pool := _pool(config_dir, document, index, offer.codes_file, errors))}
    if len(errors) > before:
        return OffersConfig()
    return OffersConfig(content.offers, pools)


def _unique_ids(document: YamlDocument, content: OffersFile, errors: list[ConfigError]) -> None:
    first: dict[str, int] = {}
    for index, offer in enumerate(content.offers):
        line = document.line_of(("offers", index, "id"))
        if offer.id in first:
            errors.append(document.error(("offers", index, "id"), (
                f"offer {offer.id} is already defined at line {first[offer.id]}")))
        first.setdefault(offer.id, line)


def _named_in_catalog(document: YamlDocument, content: OffersFile, catalog: CatalogRef,
                      errors: list[ConfigError]) -> None:
    """Every product and department an offer names is in the catalog in use."""
    wanted = {to_gtin14(gtin) for offer in content.offers for gtin in offer.products}
    known = known_gtins(catalog, wanted) if wanted else set()
    departments = {department for _, department in departments_by_file(catalog)}
    for index, offer in enumerate(content.offers):
        for position, gtin in enumerate(offer.products):
            if to_gtin14(gtin) not in known:
                errors.append(document.error(("offers", index, "products", position),
                                             f"GTIN {gtin} is not in the catalog"))
        for position, department in enumerate(offer.departments):
            if department not in departments:
                errors.append(document.error(
                    ("offers", index, "departments", position),
                    f"no department {department!r} in the catalog (departments: "
                    f"{', '.join(sorted(departments)[:8])})"))


def _pool(config_dir: Path, document: YamlDocument, index: int, name: str,
          errors: list[ConfigError]) -> CodeFile | None:
    """The pool's codes file, inside the config folder, read and checked."""
    where = ("offers", index, "codes_file")
    path = config_dir / name
    if Path(name).is_absolute() or not path.resolve().is_relative_to(config_dir.resolve()):
        errors.append(document.error(where, f"{name!r} leaves the config folder"))
        return None
    if not path.is_file():
        errors.append(document.error(where, f"codes file {name!r} not found in {config_dir}"))
        return None
    codes, problems = read_codes(path)
    errors += [ConfigError(str(path), line, (), message) for line, message in problems]
    if problems:
        return None
    return CodeFile(path, codes_digest(codes), len(codes))
