"""Load and validate the whole config once, into frozen typed objects, or report every error."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hardware.gtin import to_gtin14
from kiosk.config.catalog_index import compile_catalog
from kiosk.config.document_check import validate_document
from kiosk.config.errors import ConfigError, ConfigInvalid
from kiosk.config.index_file import INDEX_FILE, CatalogRef, known_gtins
from kiosk.config.limits import (
    CATALOG_LIMIT,
    MAX_TOTAL_NODES,
    STORE_LIMIT,
    TOTAL_BYTES,
    total_too_large,
)
from kiosk.config.media_check import RememberedChecks
from kiosk.config.nfc_tags import TagMapFile
from kiosk.config.offers import OffersConfig
from kiosk.config.offers_check import load_offers
from kiosk.config.store import StoreFile
from kiosk.config.yaml_source import NodeBudget, YamlDocument, read_yaml

STORE_FILE = "store.yaml"


@dataclass(frozen=True)
class KioskConfig:
    """Everything the kiosk needs from ``config/`` and ``media/``, validated."""

    config_dir: Path
    media_dir: Path
    store: StoreFile
    catalog: CatalogRef
    """The compiled catalog in use (``kiosk.catalog.catalog.Catalog`` reads it)."""
    nfc_tags: dict[str, str] = field(default_factory=dict)
    """NFC tag identifier (upper-case hex) to the GTIN-14 it stands for."""
    problems: tuple[ConfigError, ...] = ()
    """Errors the kiosk runs despite (``keep_last_good``): files on their last good content,
    images that cannot be shown."""
    offers: OffersConfig = field(default_factory=OffersConfig)
    """The offers of ``offers.yaml`` and their pools' codes files."""


def load_config(config_dir: Path, media_dir: Path | None = None, data_dir: Path | None = None,
                *, keep_last_good: bool = False) -> KioskConfig:
    """Validate ``config_dir`` (and its media folder); raise ConfigInvalid with all errors.

    The catalog is compiled into the index in ``data_dir`` (a private temporary one without
    it): only files whose content is new are read in full. With ``keep_last_good``, a catalog
    file that fails keeps its last good products and a missing image is drawn as missing: those
    errors are the config's ``problems``, not a refusal.

    What was loaded is kept out of the cyclic collector's reach (``gc.freeze``): it lives as
    long as the config and holds no cycles."""
    with gc_paused():
        config = _load(Path(config_dir), Path(media_dir) if media_dir else None,
                       Path(data_dir) if data_dir else None, keep_last_good)
    gc.freeze()
    return config


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a config is built: it makes many objects (a big
    tag map, a catalog file being validated) and no cycles, and collections set off by them
    slowed loading and, in the kiosk, paused its frames. Whatever is left is collected
    later."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _load(config_dir: Path, media_dir: Path | None, data_dir: Path | None,
          keep_last_good: bool) -> KioskConfig:
    media_dir = media_dir or config_dir.parent / "media"
    errors: list[ConfigError] = []
    if not config_dir.is_dir():
        raise ConfigInvalid([ConfigError(str(config_dir), 1, (), "config folder not found")])
    if not media_dir.is_dir():
        errors.append(ConfigError(str(config_dir / STORE_FILE), 1, (),
                                  f"media folder {media_dir} not found"))
    checks = RememberedChecks(data_dir / INDEX_FILE if data_dir is not None else None)
    context: dict[str, Any] = {"media_dir": media_dir, "checked_images": checks,
                               "config_dir": config_dir}
    budget = NodeBudget()
    store_doc, store_errors = read_yaml(config_dir / STORE_FILE, _display(config_dir, STORE_FILE),
                                        STORE_LIMIT, budget)
    errors += store_errors
    store: StoreFile | None = None
    if store_doc is not None:
        store = validate_document(StoreFile, store_doc, context, errors)
        context["locales"] = store.locales if store else _raw_locales(store_doc.data)
        context["default_locale"] = store.default_locale if store else None
        checks.save()
    patterns = store.catalog if store else ("catalog/*.yaml",)
    catalog_paths = _catalog_paths(config_dir, store_doc, patterns, errors)
    tag_map = store.sources.nfc.tags if store is not None and store_doc is not None else None
    if not _within_total(config_dir, store_doc, catalog_paths, tag_map, errors):
        raise ConfigInvalid(errors)
    compiled = compile_catalog(config_dir, media_dir, data_dir, catalog_paths,
                               context.get("locales"), context.get("default_locale"))
    kept = compiled.kept if keep_last_good else []
    errors += compiled.fatal if keep_last_good else compiled.fatal + compiled.kept
    budget.left -= compiled.nodes
    if budget.left < 0:
        errors.append(_store_error(config_dir, store_doc, (
            f"the config files hold too many values together (at most {MAX_TOTAL_NODES:,}): "
            "remove catalog files the store does not need")))
    nfc_tags: dict[str, str] = {}
    if store_doc is not None and tag_map:
        nfc_tags = _load_tag_map(config_dir, store_doc, tag_map, compiled.ref,
                                 not compiled.fatal and not compiled.kept, context, budget,
                                 errors)
    offers = load_offers(config_dir, store, None if compiled.fatal else compiled.ref, context,
                         budget, errors)
    if errors or store is None:
        raise ConfigInvalid(errors)
    return KioskConfig(config_dir, media_dir, store, compiled.ref, nfc_tags, tuple(kept), offers)


def _store_error(config_dir: Path, store_doc: YamlDocument | None,
                 message: str) -> ConfigError:
    if store_doc is not None:
        return store_doc.error(("catalog",), message)
    return ConfigError(_display(config_dir, STORE_FILE), 1, (), message)


def _within_total(config_dir: Path, store_doc: YamlDocument | None, catalog_paths: list[Path],
                  tag_map: str | None, errors: list[ConfigError]) -> bool:
    """Whether the files to read are within ``TOTAL_BYTES`` together (sizes from ``stat``,
    nothing read); when not, one error on ``store.yaml`` says so and nothing more is read."""
    paths = [config_dir / STORE_FILE, *catalog_paths]
    if tag_map:
        paths.append(config_dir / tag_map)
    total = 0
    for path in paths:
        try:
            total += path.stat().st_size if path.is_file() else 0
        except OSError:
            continue  # reading it reports why
    if total <= TOTAL_BYTES:
        return True
    errors.append(_store_error(config_dir, store_doc, total_too_large(total)))
    return False


def _load_tag_map(config_dir: Path, store_doc: YamlDocument, name: str, catalog: CatalogRef,
                  catalog_valid: bool, context: dict[str, Any], budget: NodeBudget,
                  errors: list[ConfigError]) -> dict[str, str]:
    """The staff's NFC tag map, checked entry by entry against the catalog in use (unless the
    catalog itself is broken: its errors are not repeated here)."""
    where = ("sources", "nfc", "tags")
    path = config_dir / name
    if Path(name).is_absolute() or not path.resolve().is_relative_to(config_dir.resolve()):
        errors.append(store_doc.error(where, f"{name!r} leaves the config folder"))
        return {}
    if not path.is_file():
        errors.append(store_doc.error(where, f"tag map {name!r} not found in {config_dir}"))
        return {}
    document, file_errors = read_yaml(path, str(path), CATALOG_LIMIT, budget)
    errors += file_errors
    content = validate_document(TagMapFile, document, context, errors) if document else None
    if document is None or content is None:
        return {}
    known = (known_gtins(catalog, (to_gtin14(entry.gtin) for entry in content.tags))
             if catalog_valid else None)
    tags: dict[str, str] = {}
    first_seen: dict[str, int] = {}
    for index, entry in enumerate(content.tags):
        if entry.id in first_seen:
            errors.append(document.error(("tags", index, "id"), f"tag {entry.id} is already "
                                         f"listed at line {first_seen[entry.id]}"))
        elif known is not None and to_gtin14(entry.gtin) not in known:
            errors.append(document.error(("tags", index, "gtin"),
                                         f"GTIN {entry.gtin} is not in the catalog"))
        first_seen.setdefault(entry.id, document.line_of(("tags", index, "id")))
        tags.setdefault(entry.id, to_gtin14(entry.gtin))
    return tags


def _display(config_dir: Path, relative: str) -> str:
    return str(config_dir / relative)


def _raw_locales(data: Any) -> tuple[str, ...] | None:
    """Locales from a store file that failed validation, to keep checking the catalog."""
    locales = data.get("locales") if isinstance(data, dict) else None
    if isinstance(locales, list) and locales and all(isinstance(x, str) for x in locales):
        return tuple(locales)
    return None


def _catalog_paths(config_dir: Path, store_doc: YamlDocument | None,
                   patterns: tuple[str, ...], errors: list[ConfigError]) -> list[Path]:
    """The catalog files the store's patterns name, inside the config folder."""
    found: list[Path] = []
    root = config_dir.resolve()

    def store_error(index: int, message: str) -> ConfigError:
        if store_doc is None:
            return ConfigError(_display(config_dir, STORE_FILE), 1, ("catalog", index), message)
        return store_doc.error(("catalog", index), message)

    for index, pattern in enumerate(patterns):
        if Path(pattern).is_absolute() or ".." in Path(pattern).parts:
            errors.append(store_error(index, f"{pattern!r} leaves the config folder"))
            continue
        paths = sorted(config_dir.glob(pattern))
        if not paths:
            errors.append(store_error(index, f"no catalog file matches {pattern!r}"))
        for path in paths:
            if not path.resolve().is_relative_to(root):
                errors.append(ConfigError(str(path), 1, (), "leaves the config folder"))
                continue
            found.append(path)
    return found
