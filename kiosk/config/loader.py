"""Load and validate the whole config once, into frozen typed objects, or report every error."""

from __future__ import annotations

import dataclasses
import difflib
import gc
import types
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from hardware.gtin import to_gtin14
from kiosk.config.catalog import CatalogFile
from kiosk.config.errors import ConfigError, ConfigInvalid
from kiosk.config.limits import CATALOG_LIMIT, STORE_LIMIT, TOTAL_BYTES, total_too_large
from kiosk.config.nfc_tags import TagMapFile
from kiosk.config.store import StoreFile
from kiosk.config.yaml_source import Loc, NodeBudget, YamlDocument, read_yaml

STORE_FILE = "store.yaml"


@dataclass(frozen=True)
class LoadedCatalogFile:
    """A validated catalog file and where it came from (for cross-file messages)."""

    document: YamlDocument
    content: CatalogFile


@dataclass(frozen=True)
class KioskConfig:
    """Everything the kiosk needs from ``config/`` and ``media/``, validated."""

    config_dir: Path
    media_dir: Path
    store: StoreFile
    catalog_files: tuple[LoadedCatalogFile, ...]
    nfc_tags: dict[str, str] = field(default_factory=dict)
    """NFC tag identifier (upper-case hex) to the GTIN-14 it stands for."""


def load_config(config_dir: Path, media_dir: Path | None = None) -> KioskConfig:
    """Validate ``config_dir`` (and its media folder); raise ConfigInvalid with all errors.

    What was loaded is then kept out of the cyclic collector's reach (``gc.freeze``): it lives
    as long as the config, holds no cycles, and otherwise every full collection walks its
    millions of objects (seconds with 100,000 products, frames stalled meanwhile)."""
    with gc_paused():
        config = _load(Path(config_dir), Path(media_dir) if media_dir else None)
    gc.freeze()
    return config


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a config is built: it makes millions of objects
    and no cycles, and collections triggered by them made loading a big catalog 2 to 4 times
    slower (and, in the kiosk, paused its frames). Whatever is left is collected later."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _load(config_dir: Path, media_dir: Path | None) -> KioskConfig:
    media_dir = media_dir or config_dir.parent / "media"
    errors: list[ConfigError] = []
    if not config_dir.is_dir():
        raise ConfigInvalid([ConfigError(str(config_dir), 1, (), "config folder not found")])
    if not media_dir.is_dir():
        errors.append(ConfigError(str(config_dir / STORE_FILE), 1, (),
                                  f"media folder {media_dir} not found"))
    context: dict[str, Any] = {"media_dir": media_dir, "checked_images": {},
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
    patterns = store.catalog if store else ("catalog/*.yaml",)
    before_catalog = len(errors)
    catalog_paths = _catalog_paths(config_dir, store_doc, patterns, errors)
    tag_map = store.sources.nfc.tags if store is not None and store_doc is not None else None
    if not _within_total(config_dir, store_doc, catalog_paths, tag_map, errors):
        raise ConfigInvalid(errors)
    catalog_files = _load_catalog_files(catalog_paths, context, budget, errors)
    errors += cross_file_errors(catalog_files)
    catalog_files = [LoadedCatalogFile(_kept(loaded.document), loaded.content)
                     for loaded in catalog_files]
    known = ({product.gtin14 for loaded in catalog_files for product in loaded.content.products}
             if len(errors) == before_catalog else None)
    nfc_tags: dict[str, str] = {}
    if store_doc is not None and tag_map:
        nfc_tags = _load_tag_map(config_dir, store_doc, tag_map, known, context, budget, errors)
    if errors or store is None:
        raise ConfigInvalid(errors)
    return KioskConfig(config_dir, media_dir, store, tuple(catalog_files), nfc_tags)


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
    message = total_too_large(total)
    errors.append(store_doc.error(("catalog",), message) if store_doc is not None
                  else ConfigError(_display(config_dir, STORE_FILE), 1, (), message))
    return False


def _load_tag_map(config_dir: Path, store_doc: YamlDocument, name: str,
                  known: set[str] | None, context: dict[str, Any], budget: NodeBudget,
                  errors: list[ConfigError]) -> dict[str, str]:
    """The staff's NFC tag map, checked entry by entry against the catalog (``known`` GTIN-14s;
    None when the catalog itself is broken, so its errors are not repeated here)."""
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


def _load_catalog_files(paths: list[Path], context: dict[str, Any], budget: NodeBudget,
                        errors: list[ConfigError]) -> list[LoadedCatalogFile]:
    """Each file read and validated; its parsed YAML is dropped once validated (the models
    hold the content)."""
    loaded: list[LoadedCatalogFile] = []
    for path in paths:
        document, file_errors = read_yaml(path, str(path), CATALOG_LIMIT, budget)
        errors += file_errors
        if document is not None:
            content = validate_document(CatalogFile, document, context, errors)
            if content is not None:
                loaded.append(LoadedCatalogFile(dataclasses.replace(document, data=None),
                                                content))
    return loaded


KEPT_DEPTH = 3
"""Lines kept once the config is valid: down to a product's keys (``products[3].gtin``), what
later messages name. Deeper lines were two thirds of them (27 MB for 10,000 products)."""


def _kept(document: YamlDocument) -> YamlDocument:
    """The document as a valid config keeps it: no data, lines down to ``KEPT_DEPTH``."""
    lines = {loc: line for loc, line in document.lines.items() if len(loc) <= KEPT_DEPTH}
    return dataclasses.replace(document, data=None, lines=lines)


def validate_document(model: type[BaseModel], document: YamlDocument, context: dict[str, Any],
                      errors: list[ConfigError]) -> Any:
    """Validate one document; collect its errors and return None when there are any."""
    if not isinstance(document.data, dict):
        errors.append(document.error((), "expected keys and values at the top of the file"))
        return None
    try:
        return model.model_validate(document.data, context=context)
    except ValidationError as exc:
        details = exc.errors(include_url=False)
        for detail in details:
            loc = tuple(detail["loc"])
            if detail["type"] == "too_short" and _has_deeper(loc, details):
                continue
            where = loc[:-1] if detail["type"] == "missing" else loc
            errors.append(document.error(where, _message(model, detail, loc)))
        return None


def _has_deeper(loc: Loc, details: list[Any]) -> bool:
    """A list too short only because its items failed: the item errors say it better."""
    return any(len(other["loc"]) > len(loc) and tuple(other["loc"][:len(loc)]) == loc
               for other in details)


def _message(model: type[BaseModel], detail: Any, loc: Loc) -> str:
    kind = detail["type"]
    if kind == "missing":
        return f"missing key {loc[-1]!r}"
    if kind == "extra_forbidden":
        allowed = _allowed_keys(model, loc[:-1])
        guess = difflib.get_close_matches(str(loc[-1]), allowed, n=1, cutoff=0.6)
        hint = f"; did you mean {guess[0]!r}?" if guess else ""
        known = f" (known keys: {', '.join(allowed)})" if allowed and not guess else ""
        return f"unknown key {loc[-1]!r}{hint}{known}"
    message = str(detail["msg"]).removeprefix("Value error, ")
    value = detail.get("input")
    if kind != "value_error" and isinstance(value, str | int | float) and len(repr(value)) < 40:
        message += f" (got {value!r})"
    return message


def _allowed_keys(model: type[BaseModel], loc: Loc) -> list[str]:
    """The keys a mapping at ``loc`` accepts, for "did you mean"."""
    current: Any = model
    for part in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(str(part))
            if field is None:
                return []
            current = field.annotation
        elif get_origin(current) in (list, tuple):
            current = get_args(current)[0]
        elif get_origin(current) is dict:
            current = get_args(current)[1]
        else:
            return []
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _unwrap(annotation: Any) -> Any:
    """``Annotated[X, ...]`` and ``X | None`` to ``X``."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            options = [arg for arg in get_args(annotation) if arg is not type(None)]
            if len(options) != 1:
                return annotation
            annotation = options[0]
        else:
            return annotation


def cross_file_errors(files: list[LoadedCatalogFile]) -> list[ConfigError]:
    """Checks that need the whole catalog: unique GTINs and departments, cross-sell targets."""
    errors: list[ConfigError] = []
    first_seen: dict[str, str] = {}
    departments: dict[str, str] = {}
    for loaded in files:
        doc, content = loaded.document, loaded.content
        where = f"{doc.display_name}:{doc.line_of(('department', 'id'))}"
        if content.department.id in departments:
            errors.append(doc.error(("department", "id"),
                                    f"department {content.department.id!r} is already defined "
                                    f"at {departments[content.department.id]}"))
        departments.setdefault(content.department.id, where)
        for index, product in enumerate(content.products):
            here = f"{doc.display_name}:{doc.line_of(('products', index, 'gtin'))}"
            if product.gtin14 in first_seen:
                errors.append(doc.error(("products", index, "gtin"),
                                        f"GTIN {product.gtin} is already used at "
                                        f"{first_seen[product.gtin14]}"))
            first_seen.setdefault(product.gtin14, here)
    for loaded in files:
        doc = loaded.document
        for index, product in enumerate(loaded.content.products):
            for position, target in enumerate(product.cross_sell):
                loc = ("products", index, "cross_sell", position)
                if to_gtin14(target) == product.gtin14:
                    errors.append(doc.error(loc, "a product cannot suggest itself"))
                elif to_gtin14(target) not in first_seen:
                    errors.append(doc.error(loc, f"GTIN {target} is not in the catalog"))
    return errors
