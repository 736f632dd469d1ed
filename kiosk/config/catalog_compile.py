"""One catalog file compiled once per content: parsed and validated into the rows the catalog
index keeps (each product as JSON, its cross-sells and images), or into its errors.

What is compiled depends only on the file's bytes and its ``context_key`` (the store's locales
and the code that decides validity), so a file compiled once is never compiled again, in
whatever folder it lies. Checks that need other files or the media folder (duplicate GTINs,
cross-sells, images) are the index's, on the rows. Line numbers are recovered only for a file
that has errors: the fast parse keeps none.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hardware.gtin import to_gtin14
from kiosk.config.catalog import CatalogFile
from kiosk.config.document_check import validate_document
from kiosk.config.errors import ConfigError
from kiosk.config.limits import MAX_NODES
from kiosk.config.yaml_source import Loc, NodeBudget, parse_yaml, read_bytes

log = logging.getLogger(__name__)

RULES = ("catalog.py", "fields.py", "schedule.py", "document_check.py", "yaml_source.py",
         "limits.py", "catalog_compile.py")
"""The modules whose code decides whether a catalog file is valid and what it holds: a change
to any of them compiles every file again."""
PARALLEL_BYTES = 4 * 1024 * 1024
"""Files to compile beyond this size together are shared between the CPU cores."""
IMAGE_REFS = ("image", "social")
"""Kinds of references to media files: a product's photos, its social posts' images."""


def _rules_version() -> str:
    digest = hashlib.sha256()
    folder = Path(__file__).parent
    for name in RULES:
        digest.update((folder / name).read_bytes())
    return digest.hexdigest()[:16]


RULES_VERSION = _rules_version()


def context_key(locales: tuple[str, ...] | None, default_locale: str | None) -> str:
    """What a file's compiled form depends on besides its bytes."""
    return hashlib.sha256(repr((RULES_VERSION, locales, default_locale)).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class FileError:
    """An error of one file, its name left out: the same content may lie in several folders."""

    line: int
    loc: Loc
    message: str


@dataclass(frozen=True)
class CompiledFile:
    """What one content gives: its rows when valid, else its errors."""

    nodes: int
    errors: tuple[FileError, ...]
    department_id: str | None = None
    department: str | None = None
    """The department, as JSON."""
    products: tuple[tuple[str, str | None, str], ...] = ()
    """(GTIN-14, family, product as JSON), in file order."""
    refs: tuple[tuple[int, str, int, str], ...] = ()
    """(product position, kind, slot, value): cross-sells as GTIN-14, then images."""


def compile_file(raw: bytes, display_name: str, locales: tuple[str, ...] | None,
                 default_locale: str | None) -> CompiledFile:
    """Parse and validate one catalog file's bytes."""
    budget = NodeBudget(MAX_NODES)
    context: dict[str, Any] = {"locales": locales, "default_locale": default_locale}
    document, errors = parse_yaml(raw, Path(display_name), display_name, budget, lines=False)
    nodes = MAX_NODES - budget.left
    content = None
    if document is not None:
        content = validate_document(CatalogFile, document, context, errors)
    if content is None:
        if document is not None:  # again with lines, to place the errors
            document, errors = parse_yaml(raw, Path(display_name), display_name)
            if document is not None:
                validate_document(CatalogFile, document, context, errors)
        return CompiledFile(nodes, _placed(errors))
    products: list[tuple[str, str | None, str]] = []
    refs: list[tuple[int, str, int, str]] = []
    self_suggested: list[Loc] = []
    for position, product in enumerate(content.products):
        products.append((product.gtin14, product.family, product.model_dump_json()))
        for slot, target in enumerate(product.cross_sell):
            if to_gtin14(target) == product.gtin14:
                self_suggested.append(("products", position, "cross_sell", slot))
            refs.append((position, "cross_sell", slot, to_gtin14(target)))
        refs += [(position, "image", slot, image) for slot, image in enumerate(product.images)]
        refs += [(position, "social", slot, post.image)
                 for slot, post in enumerate(product.social)]
    if self_suggested:
        located, _ = parse_yaml(raw, Path(display_name), display_name)
        return CompiledFile(nodes, tuple(
            FileError(located.line_of(loc) if located else 1, loc, "a product cannot suggest "
                      "itself") for loc in self_suggested))
    return CompiledFile(nodes, (), content.department.id, content.department.model_dump_json(),
                        tuple(products), tuple(refs))


def _placed(errors: list[ConfigError]) -> tuple[FileError, ...]:
    return tuple(FileError(error.line, error.loc, error.message) for error in errors)


def compile_path(path: Path, display_name: str, locales: tuple[str, ...] | None,
                 default_locale: str | None) -> tuple[str | None, CompiledFile]:
    """The file's content hash and what it compiles to (read here, so that a worker process
    and not the kiosk holds its bytes); no hash when it cannot be read."""
    raw, errors = read_bytes(path, display_name)
    if raw is None:
        return None, CompiledFile(0, _placed(errors))
    return content_hash(raw), compile_file(raw, display_name, locales, default_locale)


def content_hash(raw: bytes) -> str:
    """The key of a file's content in the index."""
    return hashlib.sha256(raw).hexdigest()


def compile_paths(jobs: list[tuple[Path, str]], size: int, locales: tuple[str, ...] | None,
                  default_locale: str | None) -> Iterator[tuple[str | None, CompiledFile]]:
    """``compile_path`` of each job, in order; on every core when they are ``size`` bytes or
    more together (and this process may have children: a reload's check is a daemon)."""
    workers = min(len(jobs), os.cpu_count() or 1)
    if workers < 2 or size < PARALLEL_BYTES or _in_daemon():
        for path, name in jobs:
            yield compile_path(path, name, locales, default_locale)
        return
    import multiprocessing  # here: a start with its catalog already compiled needs no pool
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context(
        "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn")
    done = 0
    try:
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            for result in pool.map(compile_path, [path for path, _ in jobs],
                                   [name for _, name in jobs], [locales] * len(jobs),
                                   [default_locale] * len(jobs)):
                done += 1
                yield result
    except (BrokenProcessPool, OSError) as exc:  # no worker to be had: this process does it
        log.warning("catalog files compiled on one core only: %s", exc)
        for path, name in jobs[done:]:
            yield compile_path(path, name, locales, default_locale)


def _in_daemon() -> bool:
    """Whether this process is a daemon (a reload's check), which may not have children."""
    import multiprocessing

    return multiprocessing.current_process().daemon
